/// Lines of Python with an indentation level: the exporters' only way of producing source text.
struct PythonWriter {
    private(set) var lines: [String] = []
    private var level = 0

    mutating func line(_ text: String = "") {
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: level) + text)
    }

    /// Lines at the current indentation; each may hold its own newlines (indented as a block). Split on
    /// every line break Swift knows (a "\r\n" is one Character, not "\n"), so no line carries a raw break.
    mutating func block(_ text: String) {
        for l in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) { line(String(l)) }
    }

    mutating func indented(_ body: (inout PythonWriter) -> Void) {
        level += 1
        body(&self)
        level -= 1
    }

    mutating func section(_ title: String) {
        line()
        line()
        line("# ── \(title) " + String(repeating: "─", count: max(3, 96 - title.count)))
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
