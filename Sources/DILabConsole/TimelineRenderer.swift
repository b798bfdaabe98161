import DILab

/// The timeline of one request: each yield resource's lifetime (enter → exit), the handler, and each
/// background task as bars over the trace's events, with a vertical line where the response was sent.
/// Columns are events, not milliseconds: order is what FastAPI's rules decide, and many events share a
/// millisecond on the virtual clock. Times are printed beside each bar.
public enum TimelineRenderer {
    struct Bar {
        var label: String
        var tag: String
        var start: Int
        var end: Int?
        var failed = false
        var note: String
    }

    public static func render(_ trace: RequestTrace, style: Style = .plain) -> String {
        let events = ConsoleState.numbered(trace)
        guard !events.isEmpty else { return "(no events)\n" }
        let bars = self.bars(events)
        let sent = events.firstIndex { $0.kind == .sent }
        let streamed = events.firstIndex { $0.kind == .response && $0.data["streaming"] == "true" }
        let n = events.count
        let w = n <= 24 ? 3 : 2
        let center = { (i: Int) in i * w + (w - 1) }
        let gridWidth = n * w + 1
        let labelWidth = max(12, bars.map { $0.label.count + 1 + $0.tag.count }.max() ?? 0) + 2

        var out = style.bold("timeline · \(RequestLine.describe(trace.request)) (request \(trace.id), profile \(trace.profile.rawValue))") + "\n"
        // Column header: event numbers (every column when there is room, else every fifth).
        var axis = Array(repeating: Character(" "), count: gridWidth + 2)
        for i in 0..<n where w == 3 || (i + 1) % 5 == 0 || i == 0 {
            let label = Array("\(i + 1)")
            let endAt = center(i)
            for (k, ch) in label.enumerated() where endAt - label.count + 1 + k >= 0 { axis[endAt - label.count + 1 + k] = ch }
        }
        out += String(repeating: " ", count: labelWidth) + style.dim(String(axis).trimmingTrailing) + "\n"

        for bar in bars {
            var cells = Array(repeating: Character(" "), count: gridWidth)
            let a = center(bar.start)
            if let e = bar.end {
                let b = center(e)
                if b > a { for x in a...b { cells[x] = "━" } }
                cells[a] = "●"
                cells[b] = bar.failed ? "✕" : "●"
            } else {
                for x in a..<gridWidth { cells[x] = "━" }
                cells[a] = "●"
                cells[gridWidth - 1] = "▶"
            }
            for col in [streamed, sent].compactMap({ $0 }) {
                let x = center(col)
                let mark: Character = col == sent ? "│" : "┊"
                if cells[x] == " " { cells[x] = mark } else if cells[x] == "━" { cells[x] = col == sent ? "┿" : "┿" }
            }
            let label = "\(bar.label) \(style.dim(bar.tag))"
            let pad = String(repeating: " ", count: max(1, labelWidth - bar.label.count - 1 - bar.tag.count))
            let painted = colour(String(cells), tag: bar.tag, style: style)
            out += label + pad + painted + "  " + style.dim(bar.note) + "\n"
        }
        if let sent {
            let e = events[sent]
            let x = labelWidth + center(sent)
            out += String(repeating: " ", count: x) + style.bold(style.magenta("▲ response sent (\(e.subject)) at \(e.t) ms")) + "\n"
        }
        if let s = streamed {
            out += String(repeating: " ", count: labelWidth + center(s)) + style.dim("┊ streaming starts (headers sent) at \(events[s].t) ms") + "\n"
        }
        out += summary(events, bars: bars, sent: sent)
        return out
    }

    static func colour(_ s: String, tag: String, style: Style) -> String {
        switch tag {
        case "yield": return style.yellow(s)
        case "task": return style.blue(s)
        default: return style.green(s)
        }
    }

    /// Bars from the engine's events: enter/exit pairs (LIFO per name), the handler, task start/end pairs.
    static func bars(_ events: [TraceEvent]) -> [Bar] {
        var bars: [Bar] = []
        var open: [String: [Int]] = [:]   // subject → indices into bars, innermost last
        for (i, e) in events.enumerated() {
            switch e.kind {
            case .enter:
                bars.append(Bar(label: e.subject, tag: "yield", start: i, end: nil, note: "open at \(e.t) ms · " + (e.data["scope"].map { "scope=\($0)" } ?? "")))
                open[e.subject, default: []].append(bars.count - 1)
            case .exit:
                if let b = open[e.subject]?.popLast() {
                    bars[b].end = i
                    let t0 = events[bars[b].start].t
                    bars[b].note = "\(t0) → \(e.t) ms · " + (e.data["scope"].map { "scope=\($0)" } ?? "")
                }
            case .handler:
                bars.append(Bar(label: e.subject, tag: "handler", start: i, end: i, note: "called at \(e.t) ms"))
            case .taskStart:
                bars.append(Bar(label: e.subject, tag: "task", start: i, end: nil, note: "started at \(e.t) ms"))
                open["task " + e.subject, default: []].append(bars.count - 1)
            case .taskEnd, .taskFail:
                if let b = open["task " + e.subject]?.popLast() {
                    bars[b].end = i
                    bars[b].failed = e.kind == .taskFail
                    bars[b].note = "\(events[bars[b].start].t) → \(e.t) ms" + (e.kind == .taskFail ? " · failed" : "")
                }
            default: break
            }
        }
        for i in bars.indices where bars[i].end == nil {
            bars[i].note += bars[i].tag == "yield" ? " · never cleaned up in this request" : " · still running at the end"
        }
        return bars
    }

    /// One sentence per yield resource: where its cleanup fell relative to the response and the tasks.
    static func summary(_ events: [TraceEvent], bars: [Bar], sent: Int?) -> String {
        let taskStarts = events.indices.filter { events[$0].kind == .taskStart }
        let taskEnds = events.indices.filter { events[$0].kind == .taskEnd || events[$0].kind == .taskFail }
        var out = ""
        for bar in bars where bar.tag == "yield" {
            guard let end = bar.end else { continue }
            var parts: [String] = []
            if let sent { parts.append(end < sent ? "before the response was sent" : "after the response was sent") }
            if let first = taskStarts.first {
                let last = taskEnds.last ?? first
                parts.append(end > last ? "after the background tasks" : (end < first ? "before the background tasks" : "while the background tasks ran"))
            }
            out += "  \(bar.label) closed " + parts.joined(separator: " and ") + " (event #\(end + 1))\n"
        }
        return out
    }
}

extension String {
    var trimmingTrailing: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
