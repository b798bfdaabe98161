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
        for r in result.requests { out += "\n" + render(r) }
        if !result.shutdown.isEmpty { out += "\n" + section("lifespan shutdown") + result.shutdown.map(line).joined() }
        return out
    }

    public func render(_ trace: RequestTrace) -> String {
        var out = section("\(trace.request.line)", right: "request \(trace.id)")
        for e in trace.events where e.kind != .request { out += line(e) }
        let body = trace.isJSON ? trace.body.json : trace.bodyText.debugDescription
        out += style.bold(trace.status == 0 ? "  → no response" : "  → \(trace.status) \(body)") + "\n"
        return out
    }

    func section(_ title: String, right: String = "") -> String {
        let head = "── \(title) "
        let tail = right.isEmpty ? "" : " \(right) ──"
        let fill = max(3, width - head.count - tail.count)
        return style.bold(head + String(repeating: "─", count: fill) + tail) + "\n"
    }

    /// `   5 ms  enter     └ get_db            loop        yields "Session#1" · scope=request`
    public func line(_ e: TraceEvent) -> String {
        let time = String(repeating: " ", count: max(0, 6 - String(e.t).count)) + "\(e.t) ms"
        let kind = e.kind.rawValue.padding(toLength: max(10, e.kind.rawValue.count), withPad: " ", startingAt: 0)
        let indent = e.depth > 1 ? String(repeating: "  ", count: e.depth - 2) + "└ " : ""
        var subject = indent + e.subject
        if e.kind == .taskStart || e.kind == .taskEnd || e.kind == .taskFail { subject = "task " + subject }
        let subjectCol = subject.padding(toLength: max(24, subject.count), withPad: " ", startingAt: 0)
        let thread = (e.thread?.rawValue ?? "").padding(toLength: 11, withPad: " ", startingAt: 0)
        var detail = e.detail
        if e.kind == .sent { detail = "← the client has its answer here" }
        let text = "\(time)  \(style.kind(e.kind, kind)) \(subjectCol) \(style.dim(thread)) \(detail)"
        return text.trimmingTrailingSpaces + "\n"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}

import Foundation
