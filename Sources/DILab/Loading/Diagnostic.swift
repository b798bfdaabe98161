/// A problem found in a scenario, with where it is and how to fix it.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// `input`: dilab cannot understand the file. `fastapi`: the file is clear, but FastAPI itself would refuse the app.
    public enum Origin: String, Sendable { case input, fastapi }
    /// A warning is printed but fails nothing: the file runs, and does what FastAPI would (perhaps a 500).
    public enum Severity: String, Sendable { case error, warning }

    public var location: SourceLocation
    public var origin: Origin
    /// A short stable code: `yaml`, `schema`, `unknown-provider`, `cycle`, `dependency-scope`, `scope-keyword`, ...
    public var rule: String
    public var message: String
    public var hint: String?
    /// The offending source line, for the caret display.
    public var snippet: String?
    public var severity: Severity = .error

    public init(location: SourceLocation, origin: Origin = .input, rule: String, message: String, hint: String? = nil,
                snippet: String? = nil, severity: Severity = .error) {
        self.severity = severity
        self.location = location
        self.origin = origin
        self.rule = rule
        self.message = message
        self.hint = hint
        self.snippet = snippet
    }

    /// `file:line:col: error[rule]: message` then the caret snippet and the hint.
    public var description: String {
        var out = "\(location): \(severity.rawValue)[\(rule)]: \(message)"
        if let snippet, location.line > 0 {
            let (shown, caret) = Diagnostic.window(snippet, column: location.column)
            out += "\n    " + shown + "\n    " + String(repeating: " ", count: caret) + "^"
        }
        if let hint { out += "\n    hint: \(hint)" }
        return out
    }
}

/// A source text cut into lines the way libyaml counts them (LF, CRLF, CR, NEL, LS, PS), so a diagnostic's
/// line number finds its snippet in files from any platform.
public enum SourceLines {
    /// Byte-wise on the UTF-8 view (comparing Characters was a fifth of `check` on a 10,000-line file). The same
    /// cuts as splitting by Character: each break is a grapheme of its own (CR LF one), so no cluster spans a cut.
    public static func split(_ text: String) -> [Substring] {
        let utf8 = text.utf8
        var lines: [Substring] = []
        var start = utf8.startIndex, i = start
        while i != utf8.endIndex {
            guard let end = breakEnd(utf8, at: i) else { utf8.formIndex(after: &i); continue }
            lines.append(text[start..<i])
            start = end
            i = end
        }
        lines.append(text[start..<utf8.endIndex])
        return lines
    }

    /// Where the line break starting at `i` ends: LF, CR, CR LF, NEL (C2 85), LS (E2 80 A8), PS (E2 80 A9).
    private static func breakEnd(_ utf8: String.UTF8View, at i: String.Index) -> String.Index? {
        func byte(_ k: Int) -> UInt8? {
            guard let j = utf8.index(i, offsetBy: k, limitedBy: utf8.endIndex), j != utf8.endIndex else { return nil }
            return utf8[j]
        }
        switch utf8[i] {
        case 0x0A: return utf8.index(after: i)
        case 0x0D: return utf8.index(i, offsetBy: byte(1) == 0x0A ? 2 : 1)
        case 0xC2 where byte(1) == 0x85: return utf8.index(i, offsetBy: 2)
        case 0xE2 where byte(1) == 0x80 && (byte(2) == 0xA8 || byte(2) == 0xA9): return utf8.index(i, offsetBy: 3)
        default: return nil
        }
    }

    /// Where the first byte that is not UTF-8 sits (line and column counted in characters before it), or nil.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int)? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1, previousCR = false
        while true {
            switch decoder.decode(&iterator) {
            case .emptyInput: return nil
            case .error: return (line, column)
            case .scalarValue(let s):
                switch s {
                case "\n" where previousCR: break
                case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": line += 1; column = 1
                default: column += 1
                }
                previousCR = s == "\r"
            }
        }
    }
}

extension Diagnostic {
    /// The snippet as shown and the caret's offset in it: a line over 160 characters is cut to 120 around the
    /// column, so a 1 MB line does not become a 1 MB message.
    static func window(_ line: String, column: Int) -> (String, Int) {
        let chars = Array(line)
        let caret = max(0, column - 1)
        guard chars.count > 160 else { return (line, caret) }
        let start = max(0, min(caret - 60, chars.count - 120))
        let end = min(chars.count, start + 120)
        let head = start > 0 ? "…" : "", tail = end < chars.count ? "…" : ""
        return (head + String(chars[start..<end]) + tail, caret - start + head.count)
    }
}

/// Several diagnostics at once: loading collects every error in one pass.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// "did you mean" by edit distance, for unknown names.
public enum Suggest {
    /// Names longer than this get no suggestion: no identifier is that long, and the edit distance is
    /// O(n·m), so a 1 MB word would take minutes to compare.
    static let longestSuggestible = 64

    public static func closest(to name: String, in candidates: [String]) -> String? {
        guard name.count <= longestSuggestible else { return nil }
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        // A slip changes a few letters: one in a short word, a third of a long one (`retruns` → `returns`).
        if best.1 <= (name.count <= 4 ? 1 : max(2, name.count / 3)) { return best.0 }
        // `integr` → `int`: one name cut short of the other. A shared first syllable alone is no likeness
        // (`response_model` is not `response_background`).
        let lower = name.lowercased()
        return candidates.filter { c in
            let other = c.lowercased()
            return min(other.count, lower.count) >= 3 && (lower.hasPrefix(other) || other.hasPrefix(lower))
        }.min { distance(lower, $0.lowercased()) < distance(lower, $1.lowercased()) }
    }

    /// Edit distance with two swapped neighbours as one edit (`hlep` → `help`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = Array(repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { cur[j] = min(cur[j], before[j - 2] + 1) }
            }
            before = prev
            prev = cur
        }
        return prev[b.count]
    }

    public static func hint(for name: String, among candidates: [String], kind: String) -> String {
        if let s = closest(to: name, in: candidates) { return "did you mean '\(s)'?" }
        if candidates.isEmpty { return "declare it under `\(kind)`" }
        let shown = candidates.sorted().prefix(8)
        let more = candidates.count - shown.count
        return "known \(kind): " + shown.joined(separator: ", ") + (more > 0 ? " … and \(more) more" : "")
    }
}
