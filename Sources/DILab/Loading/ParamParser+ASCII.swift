/// Byte-wise fast paths of `ParamParser` for the common all-ASCII text, where a byte is a Character and a byte
/// offset a column. Splitting 10,000 parameters into Characters was a fifth of loading them; any other text
/// takes the Character path, so what is read and every offset reported stay the same.
extension ParamParser {
    /// Printable ASCII and tab: one byte, one Character (no CR LF, no combining marks after an ASCII byte).
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }

    /// `tokenize` on the bytes of a plain-ASCII text; nil for any other text.
    static func asciiTokens(_ text: String) throws -> [(Tok, Int)]? {
        guard isPlainASCII(text) else { return nil }
        let bytes = Array(text.utf8)
        func string(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        let dot = UInt8(ascii: "."), underscore = UInt8(ascii: "_")
        var i = 0
        var out: [(Tok, Int)] = []
        while i < bytes.count {
            let c = bytes[i]
            let start = i
            if c == 0x20 || c == 0x09 { i += 1; continue }
            if isLetter(c) || c == underscore {
                while i < bytes.count, isLetter(bytes[i]) || isDigit(bytes[i]) || bytes[i] == underscore || bytes[i] == dot { i += 1 }
                out.append((.name(string(start, i)), start))
            } else if isDigit(c) || (c == UInt8(ascii: "-") && i + 1 < bytes.count && isDigit(bytes[i + 1])) {
                i += 1
                while i < bytes.count, isDigit(bytes[i]) || bytes[i] == dot { i += 1 }
                out.append((.num(string(start, i)), start))
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                i += 1
                while i < bytes.count, bytes[i] != c { i += 1 }
                guard i < bytes.count else { throw Failure(message: "unterminated string", offset: start) }
                out.append((.str(string(start + 1, i)), start))
                i += 1
            } else if c == dot, i + 2 < bytes.count, bytes[i + 1] == dot, bytes[i + 2] == dot {
                i += 3
                out.append((.name("..."), start))  // Ellipsis: `Field(...)`, `Query(...)` — required
            } else if let punct = punctuation(c) {
                i += 1
                out.append((.punct(punct), start))
            } else {
                throw Failure(message: "unexpected character '\(Character(Unicode.Scalar(c)))'", offset: start)
            }
        }
        out.append((.end, bytes.count))
        return out
    }

    /// The one-character tokens of `tokenize`: `()[]=,|{}:`.
    private static func punctuation(_ b: UInt8) -> Character? {
        switch b {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "="), UInt8(ascii: ","),
             UInt8(ascii: "|"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ":"):
            return Character(Unicode.Scalar(b))
        default: return nil
        }
    }

    /// Opening minus closing `(` `[` of a text, as `flowSplit` counts them (by Character).
    static func bracketDepth(_ s: String) -> Int {
        guard isPlainASCII(s) else {
            return s.filter { $0 == "(" || $0 == "[" }.count - s.filter { $0 == ")" || $0 == "]" }.count
        }
        var depth = 0
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return depth
    }
}
