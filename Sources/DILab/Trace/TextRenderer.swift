/// The tree-plus-timeline learners read: one line per event, virtual time on the left, the dependency tree
/// in the subject column, and the moment the client has its answer marked.
public struct TextRenderer: Sendable {
    public var style: Style
    public var width: Int

    public init(style: Style = .plain, width: Int = 78) {
        self.style = style
        self.width = width
    }

    public func render(_ result: RunResult) -> String {
        var out = style.bold("scenario: \(result.scenario)") + style.dim("  ·  FastAPI \(result.profile.fastapiVersion) (profile \(result.profile.rawValue))") + "\n"
        if !result.appErrors.isEmpty {
            out += "\n" + style.red("FastAPI refuses to build this app: importing it raises while the routes are registered.") + "\n"
            for d in result.appErrors { out += "  " + d.description.replacingOccurrences(of: "\n", with: "\n  ") + "\n" }
            out += style.dim("No request was served.") + "\n"
            return out
        }
        if !result.startup.isEmpty { out += "\n" + section("lifespan startup") + result.startup.map(line).joined() }
        if result.isConcurrent {
            out += "\n" + interleaved(result)
        } else {
            for r in result.requests { out += "\n" + render(r) }
        }
        if !result.shutdown.isEmpty { out += "\n" + section("lifespan shutdown") + result.shutdown.map(line).joined() }
        return out
    }

    public func render(_ trace: RequestTrace) -> String {
        var out = TextBytes(capacity: 128 + 100 * trace.events.count)   // about one line each: one allocation
        writeSection(trace.request.line, right: "request \(trace.id)", to: &out)
        let wide = trace.webSocket != nil
        for e in trace.events where e.kind != .request { appendLine(e, request: nil, wide: wide, to: &out) }
        if style.enabled || trace.webSocket != nil || trace.status == 0 || !trace.isJSON {
            out.write(style.bold("  → " + answer(trace)))
        } else {
            // `answer` of a JSON response, written in place.
            out.write("  → ")
            out.write(String(trace.status))
            out.write(ascii: UInt8(ascii: " "))
            trace.body.writeJSON(to: &out)
        }
        out.write(ascii: UInt8(ascii: "\n"))
        return out.string
    }

    /// What the client ended up with: the response, or a websocket's handshake, messages and close.
    public func answer(_ r: RequestTrace) -> String {
        if let ws = r.webSocket {
            guard ws.accepted else { return r.status == 0 ? "no handshake" : "refused: HTTP \(r.status)" + (r.bodyText.isEmpty ? "" : " \(r.bodyText)") }
            let n = ws.received.count
            let close = ws.closeCode.map { " · closed \($0)" + (ws.closeReason.isEmpty ? "" : " \(Value.string(ws.closeReason).json)") + (ws.closedByClient ? " by the client" : " by the server") } ?? ""
            return "accepted · \(n) message\(n == 1 ? "" : "s") received" + close
        }
        let body = r.isJSON ? r.body.json : r.bodyText.debugDescription
        return r.status == 0 ? "no response" : "\(r.status) \(body)"
    }

    /// Requests that shared one event loop: every event on one time axis, in the order it happened, with the
    /// request's id in a column of its own; then each request's answer.
    public func interleaved(_ result: RunResult) -> String {
        let n = result.requests.count
        var out = section("\(n) request\(n == 1 ? "" : "s") on one event loop", right: "one time axis")
        let idWidth = max(2, result.requests.map { "#\($0.id)".count }.max() ?? 2)
        let wide = result.requests.contains { $0.webSocket != nil }
        for ref in result.order {
            let r = result.requests[ref.request]
            let e = r.events[ref.event]
            let id = "#\(r.id)".padding(toLength: idWidth, withPad: " ", startingAt: 0)
            appendLine(e, request: id, wide: wide, to: &out)
        }
        out += style.dim("  answers:") + "\n"
        for r in result.requests {
            let id = "#\(r.id)".padding(toLength: idWidth, withPad: " ", startingAt: 0)
            out += style.bold("  \(id) \(r.request.line) → " + answer(r)) + "\n"
        }
        return out
    }

    func section(_ title: String, right: String = "") -> String {
        let head = "── \(title) "
        let tail = right.isEmpty ? "" : " \(right) ──"
        return style.bold(head + rule(head: head.count, tail: tail.count) + tail) + "\n"
    }

    /// The `─` rule that fills a section line between a head and a tail of these widths (at least 3).
    private func rule(head: Int, tail: Int) -> String {
        let fill = max(3, width - head - tail)
        return fill < TextRenderer.rules.count ? TextRenderer.rules[fill] : String(repeating: "─", count: fill)
    }

    /// `section(title, right:)` written into `out` without building it: unstyled, with printable-ASCII parts (one
    /// Character per byte, so the widths are byte counts); anything else goes through `section`.
    func writeSection<Sink: TextSink>(_ title: String, right: String, to out: inout Sink) {
        func printable(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        guard !style.enabled, !right.isEmpty, printable(title), printable(right) else {
            out.write(section(title, right: right))
            return
        }
        out.write("── ")
        out.write(title)
        out.write(ascii: UInt8(ascii: " "))
        out.write(rule(head: title.utf8.count + 4, tail: right.utf8.count + 4))   // "── " + title + " ", " " + right + " ──"
        out.write(ascii: UInt8(ascii: " "))
        out.write(right)
        out.write(" ──\n")
    }

    /// Rules of `─` by length, made once: every request's section line draws one.
    static let rules: [String] = (0..<128).map { String(repeating: "─", count: $0) }

    /// The kind column: the kind's name, shortened for middleware (`mw.enter`, `mw.resp`, `mw.exit`) to fit it.
    static func label(_ k: TraceEvent.Kind) -> String {
        switch k {
        case .middlewareEnter: return "mw.enter"
        case .middlewareResponse: return "mw.resp"
        case .middlewareExit: return "mw.exit"
        default: return k.rawValue
        }
    }

    /// `   5 ms  enter     └ get_db            loop        yields "Session#1" · scope=request`
    public func line(_ e: TraceEvent) -> String { line(e, request: nil) }

    /// The same line with a request column after the time (`#2`), for the interleaved trace.
    /// `wide`: a kind column wide enough for the websocket kinds (`client.receive`).
    public func line(_ e: TraceEvent, request: String?, wide: Bool = false) -> String {
        var text = ""
        text.reserveCapacity(96)
        appendLine(e, request: request, wide: wide, to: &text)
        return text
    }

    /// Levels of indentation a dependency tree shows before its depth is written as a number.
    static let maxIndentLevels = 16

    /// `line` appended to `text`: a trace's lines go into one buffer, the detail straight from the event's facts.
    func appendLine<Sink: TextSink>(_ e: TraceEvent, request: String?, wide: Bool, to text: inout Sink) {
        let t = String(e.t)
        text.writeSpaces(6 - t.utf8.count)
        text.write(t)
        text.write(" ms")
        if let request { text.write("  "); text.write(style.bold(request)) }
        text.write("  ")
        let label = Self.label(e.kind)
        if style.enabled { text.write(style.kind(e.kind, label.paddedRight(to: wide ? 14 : 10))) } else {
            text.write(label)   // unstyled: padded in place, the same bytes without the padded copy
            text.writeSpaces((wide ? 14 : 10) - label.utf16.count)
        }
        text.write(ascii: UInt8(ascii: " "))
        // The subject column is padded to 24 UTF-16 units (counted from its parts, not the growing buffer).
        var column = 0
        if e.kind == .taskStart || e.kind == .taskEnd || e.kind == .taskFail { text.write("task "); column += 5 }
        if e.depth > 1 {
            // Two spaces per level up to `maxIndentLevels`; deeper, the level is written as a number, so a trace
            // grows linearly with the depth of a chain (a 900-deep one was 863 KB of mostly spaces).
            let levels = e.depth - 2
            for _ in 0..<min(levels, Self.maxIndentLevels) { text.write("  ") }
            column += 2 * min(levels, Self.maxIndentLevels) + 2
            if levels > Self.maxIndentLevels {
                let mark = "[\(levels)] "
                text.write(mark)
                column += mark.utf16.count
            }
            text.write("└ ")
        }
        text.write(e.subject)
        column += e.subject.utf16.count
        text.writeSpaces(24 - column)
        text.write(ascii: UInt8(ascii: " "))
        let thread = e.thread?.rawValue ?? ""
        if style.enabled { text.write(style.dim(thread.paddedRight(to: 11))) } else {
            text.write(thread)
            text.writeSpaces(11 - thread.utf16.count)
        }
        text.write(ascii: UInt8(ascii: " "))
        switch e.kind {
        case .sent: text.write("← the client has its answer here")
        case .request:
            let detail = e.detail
            text.write(detail.isEmpty ? "arrives" : detail)
        default: e.payload.appendDetail(to: &text)
        }
        text.dropTrailingSpaces()
        text.write(ascii: UInt8(ascii: "\n"))
    }
}

extension String {
    /// `n` spaces (none for n <= 0).
    static func spaces(_ n: Int) -> String { n <= 0 ? "" : n < spaceRuns.count ? spaceRuns[n] : String(repeating: " ", count: n) }

    /// The string followed by spaces up to `width` UTF-16 units (the measure Foundation's `padding(toLength:)`
    /// used here before, so every line is byte-identical), never cut: a longer string is returned as it is.
    /// Cheap: no bridging to NSString, one allocation. The trace's columns are ASCII in practice.
    func paddedRight(to width: Int) -> String {
        let missing = width - utf16.count
        return missing > 0 ? self + String.spaces(missing) : self
    }
}

extension String {
    /// `n` spaces in one append (a line pads three columns; one append per space was a fifth of rendering).
    mutating func appendSpaces(_ n: Int) {
        guard n > 0 else { return }
        if n < String.spaceRuns.count { append(String.spaceRuns[n]) } else { append(String(repeating: " ", count: n)) }
    }

    static let spaceRuns: [String] = (0..<48).map { String(repeating: " ", count: $0) }

    mutating func dropTrailingSpaces() {
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: " ") { end = utf8.index(before: end) }
        if end != utf8.endIndex { removeSubrange(end...) }
    }

    var trimmingTrailingSpaces: String {
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: " ") { end = utf8.index(before: end) }
        return end == utf8.endIndex ? self : String(self[..<end])
    }
}

import Foundation
