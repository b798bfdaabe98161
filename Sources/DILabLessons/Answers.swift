import Foundation

/// How learners' typed answers are normalised before comparing, so that spacing, case, quotes, a leading
/// list marker or a trailing full stop never make a right answer wrong.
public enum Answers {
    /// `  "Request-Scoped."` → `request-scoped`.
    public static func normalise(_ s: String) -> String {
        var t = s.lowercased().replacingOccurrences(of: "->", with: "→")
        t = t.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }.joined(separator: " ")
        let strip = CharacterSet(charactersIn: "\"'`.!;, ")
        t = t.trimmingCharacters(in: strip)
        return t
    }

    /// `b`, `B)`, `2` or `(b)` → index 1; nil when the text names no choice.
    public static func choiceIndex(_ s: String, count: Int) -> Int? {
        let t = normalise(s).trimmingCharacters(in: CharacterSet(charactersIn: "()[] )"))
        if t.count == 1, let c = t.unicodeScalars.first, c.value >= 97, c.value < 97 + UInt32(count) { return Int(c.value - 97) }
        if let n = Int(t), n >= 1, n <= count { return n - 1 }
        return nil
    }

    public static func letter(_ index: Int) -> String { String(UnicodeScalar(UInt8(97 + index))) }

    /// A predicted trace as typed: one event per line or separated by `;`, list markers and numbering allowed.
    /// Returns nil when the text is only numbers (then it is an ordering of the shown events, see `ordering`).
    public static func eventLines(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == ";" })
            .map { line -> String in
                var l = line.trimmingCharacters(in: .whitespaces)
                if l.hasPrefix("- ") || l.hasPrefix("* ") { l.removeFirst(2) }
                // "3. call dep_a" or "3) call dep_a"
                if let dot = l.firstIndex(where: { $0 == "." || $0 == ")" }), l[l.startIndex..<dot].allSatisfy(\.isNumber), dot != l.startIndex {
                    l = String(l[l.index(after: dot)...])
                }
                return normaliseEvent(l)
            }
            .filter { !$0.isEmpty }
    }

    /// Whitespace collapsed, `->` as `→`; case is kept apart from the kind word (subjects are code names). On a
    /// timeline the line starts with its request id (`#2 wait db_pool pool`): the kind is then the second word.
    public static func normaliseEvent(_ s: String) -> String {
        var words = s.replacingOccurrences(of: "->", with: "→").split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return "" }
        let k = words[0].hasPrefix("#") && words.count > 1 ? 1 : 0
        words[k] = words[k].lowercased()
        return words.joined(separator: " ")
    }

    /// `3 1 2` or `3,1,2`: an ordering of numbered events (1-based). Nil when the text is not only numbers.
    public static func ordering(_ text: String) -> [Int]? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == ";" || $0 == "\t" })
        guard !parts.isEmpty else { return nil }
        let numbers = parts.compactMap { Int($0) }
        return numbers.count == parts.count ? numbers : nil
    }
}
