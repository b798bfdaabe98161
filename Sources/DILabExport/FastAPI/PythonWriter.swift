import Foundation

/// Lines of Python with an indentation level: the exporters' only way of producing source text.
struct PythonWriter {
    private(set) var lines: [String] = []
    private var level = 0

    mutating func line(_ text: String = "") {
        // `--plain`: the recorder's lines are left out (every writer writes them as one `record(...)` statement).
        if ExportTracing.isOff, text.drop(while: { $0 == " " }).hasPrefix("record(") { return }
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: level) + text)
    }

    /// Lines at the current indentation; each may hold its own newlines (indented as a block). Split on
    /// every line break Swift knows (a "\r\n" is one Character, not "\n"), so no line carries a raw break.
    mutating func block(_ text: String) {
        for l in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) { line(String(l)) }
    }

    /// An empty writer at this one's indentation, for a block written before it is known whether it is kept.
    func child() -> PythonWriter {
        var w = PythonWriter()
        w.level = level
        return w
    }

    /// The lines of a `child()`, as they are.
    mutating func append(_ other: PythonWriter) { lines += other.lines }

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

    /// `msg = await websocket.receive_text()` whose `msg` the rest of its function never reads (the recorder's line
    /// read it): `--plain` keeps the await and drops the name, so no local is assigned and never used.
    static func droppingUnreadMessages(_ source: String) -> String {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for i in lines.indices {
            let code = lines[i].drop { $0 == " " }
            guard code.contains(" = await "), code.hasSuffix(".receive_text()") || code.hasSuffix(".receive_json()") else { continue }
            let name = String(code.prefix { $0 != " " })
            var rest: [String] = []
            for l in lines[(i + 1)...] {
                if let f = l.first, f != " " { break }
                rest.append(l)
            }
            if !PythonNames.used(in: rest.joined(separator: "\n")).contains(name) {
                lines[i] = String(lines[i].prefix { $0 == " " }) + code.dropFirst(name.count + 3)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A block left empty once the recorder's lines are gone (a task that only recorded, `if x:` around a record)
    /// gets `pass`, so the plain export stays valid Python.
    static func fillingEmptyBlocks(_ source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ l: String) -> Int { l.prefix { $0 == " " }.count }
        let openers = ["def ", "async def ", "class ", "if ", "elif ", "else", "try", "except", "finally", "with ", "async with ", "for ", "while "]
        var out: [String] = []
        for (i, l) in lines.enumerated() {
            out.append(l)
            let code = l.trimmingCharacters(in: .whitespaces)
            guard code.hasSuffix(":"), openers.contains(where: { code.hasPrefix($0) }) else { continue }
            let next = lines[(i + 1)...].first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            if next.map({ indent($0) <= indent(l) }) ?? true { out.append(String(repeating: " ", count: indent(l) + 4) + "pass") }
        }
        return out.joined(separator: "\n")
    }
}
