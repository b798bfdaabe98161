/// Splits a command line the way a shell would, so `-H 'Authorization: Bearer t'` stays one word.
/// Single quotes are literal, double quotes allow `\"` and `\\`, a backslash outside quotes escapes the next character.
public enum ShellWords {
    public struct UnterminatedQuote: Error, Equatable { public var quote: Character }

    public static func split(_ line: String) throws(UnterminatedQuote) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in line {
            if escaped {
                current.append(ch); escaped = false; inWord = true
                continue
            }
            switch quote {
            case "'":
                if ch == "'" { quote = nil } else { current.append(ch) }
            case "\"":
                if ch == "\"" { quote = nil } else if ch == "\\" { escaped = true } else { current.append(ch) }
            default:
                if ch == "'" || ch == "\"" {
                    quote = ch; inWord = true
                } else if ch == "\\" {
                    escaped = true
                } else if ch == " " || ch == "\t" {
                    if inWord { words.append(current); current = ""; inWord = false }
                } else {
                    current.append(ch); inWord = true
                }
            }
        }
        if let quote { throw UnterminatedQuote(quote: quote) }
        if escaped { current.append("\\"); inWord = true }
        if inWord { words.append(current) }
        return words
    }
}
