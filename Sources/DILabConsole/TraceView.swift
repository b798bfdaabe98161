import DILab

/// The engine's trace as the REPL prints it: `TextRenderer` lines with event numbers in front,
/// so `step N` and `explain N` can point at them.
enum TraceView {
    static func text(_ t: RequestTrace, style: Style) -> String {
        let renderer = TextRenderer(style: style)
        var out = header("\(RequestLine.describe(t.request))", right: "request \(t.id) · \(t.profile.rawValue)", style: style)
        for (i, e) in ConsoleState.numbered(t).enumerated() {
            out += style.dim(number(i + 1)) + renderer.line(e, request: nil, wide: t.webSocket != nil)
        }
        if t.webSocket != nil {
            out += style.bold("      → " + renderer.answer(t)) + "\n"
            return out
        }
        let body = t.isJSON ? t.body.json : t.bodyText.debugDescription
        out += style.bold("      → \(t.status) \(body)") + "\n"
        return out
    }

    /// `#12` right-aligned in four columns.
    static func number(_ n: Int) -> String {
        let s = "#\(n)"
        return String(repeating: " ", count: max(0, 4 - s.count)) + s
    }

    static func header(_ title: String, right: String, style: Style, width: Int = 82) -> String {
        let head = "── \(title) "
        let tail = " \(right) ──"
        return style.bold(head + String(repeating: "─", count: max(3, width - head.count - tail.count)) + tail) + "\n"
    }

    /// One event with its number, for `step` and `explain`.
    static func line(_ e: TraceEvent, number n: Int, style: Style) -> String {
        style.dim(number(n)) + TextRenderer(style: style).line(e)
    }
}
