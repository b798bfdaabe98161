
/// Python's `json.loads` (CPython 3.11's C scanner), because FastAPI's 422 `json_invalid` error carries its
/// message and character position: `{"type":"json_invalid","loc":["body",12],"msg":"JSON decode error",
/// "input":{},"ctx":{"error":"Expecting ',' delimiter"}}`. Foundation's parser reports neither the same way,
/// and it rejects what Python accepts (`NaN`, `Infinity`, huge integers).
public enum PythonJSON {
    /// `json.JSONDecodeError` (the message and the position in characters, as Python counts), or another
    /// exception `json.loads` raises (`RecursionError`, `ValueError`), which FastAPI answers with a 400.
    public struct DecodeError: Error, Equatable, Sendable {
        public var message: String
        public var position: Int
        public var isJSONDecodeError: Bool = true
    }

    /// How deep arrays and objects may nest before CPython's scanner raises `RecursionError`, when nothing
    /// says better: request bodies use their profile's measured `Profile.jsonNestingLimit`.
    public static let maxNesting = 1000

    /// CPython 3.11's `sys.int_info.default_max_str_digits`: a longer integer literal is a `ValueError`.
    public static let maxIntegerDigits = 4300

    public static func loads(_ text: String, maxNesting: Int = PythonJSON.maxNesting) -> Result<Value, DecodeError> {
        var scanner = Scanner(chars: Array(text.unicodeScalars), maxNesting: maxNesting)
        do {
            let start = scanner.skipWhitespace(0)
            let (value, end) = try scanner.scanOnce(start)
            let rest = scanner.skipWhitespace(end)
            if rest != scanner.chars.count { return .failure(DecodeError(message: "Extra data", position: rest)) }
            return .success(value)
        } catch let e as DecodeError {
            return .failure(e)
        } catch let stop as StopIteration {
            return .failure(DecodeError(message: "Expecting value", position: stop.position))
        } catch {
            return .failure(DecodeError(message: "Expecting value", position: 0))
        }
    }

    /// The C scanner signals "no JSON term starts here" with StopIteration(idx); `raw_decode` turns it into
    /// "Expecting value" at that index, wherever it was raised.
    struct StopIteration: Error { var position: Int }

    struct Scanner {
        let chars: [Unicode.Scalar]
        let maxNesting: Int
        /// Python's nesting limit shows up as RecursionError, not a JSON error; we stop early instead of crashing.
        var depth = 0

        func char(_ i: Int) -> Unicode.Scalar? { i < chars.count ? chars[i] : nil }

        func skipWhitespace(_ i: Int) -> Int {
            var i = i
            while let c = char(i), c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
            return i
        }

        func matches(_ word: String, at i: Int) -> Bool {
            let w = Array(word.unicodeScalars)
            guard i + w.count <= chars.count else { return false }
            return Array(chars[i..<(i + w.count)]) == w
        }

        mutating func scanOnce(_ i: Int) throws -> (Value, Int) {
            guard let c = char(i) else { throw StopIteration(position: i) }
            switch c {
            case "\"": return try scanString(i + 1)
            case "{": return try nested { try $0.parseObject(i + 1) }
            case "[": return try nested { try $0.parseArray(i + 1) }
            case "n" where matches("null", at: i): return (.null, i + 4)
            case "t" where matches("true", at: i): return (.bool(true), i + 4)
            case "f" where matches("false", at: i): return (.bool(false), i + 5)
            case "N" where matches("NaN", at: i): return (.double(.nan), i + 3)
            case "I" where matches("Infinity", at: i): return (.double(.infinity), i + 8)
            case "-" where matches("-Infinity", at: i): return (.double(-.infinity), i + 9)
            default: return try matchNumber(i)
            }
        }

        mutating func nested(_ body: (inout Scanner) throws -> (Value, Int)) throws -> (Value, Int) {
            depth += 1
            defer { depth -= 1 }
            if depth > maxNesting {
                throw DecodeError(message: "RecursionError: maximum recursion depth exceeded while decoding a JSON array from a unicode string",
                                  position: 0, isJSONDecodeError: false)
            }
            return try body(&self)
        }

        func isDigit(_ i: Int) -> Bool { char(i).map { $0.value >= 48 && $0.value <= 57 } ?? false }

        func matchNumber(_ start: Int) throws -> (Value, Int) {
            var i = start
            if char(i) == "-" {
                i += 1
                if i >= chars.count { throw StopIteration(position: start) }
            }
            if let c = char(i), c.value >= 49 && c.value <= 57 {
                i += 1
                while isDigit(i) { i += 1 }
            } else if char(i) == "0" {
                i += 1
            } else {
                throw StopIteration(position: start)
            }
            var isFloat = false
            if char(i) == ".", isDigit(i + 1) {
                isFloat = true
                i += 2
                while isDigit(i) { i += 1 }
            }
            if let c = char(i), c == "e" || c == "E", i + 1 < chars.count {
                let eStart = i
                i += 1
                if let s = char(i), s == "-" || s == "+", i + 1 < chars.count { i += 1 }
                while isDigit(i) { i += 1 }
                if isDigit(i - 1) { isFloat = true } else { i = eStart }
            }
            let text = String(String.UnicodeScalarView(chars[start..<i]))
            if !isFloat, text.utf8.count - (text.hasPrefix("-") ? 1 : 0) > PythonJSON.maxIntegerDigits {
                throw DecodeError(message: "ValueError: Exceeds the limit (\(PythonJSON.maxIntegerDigits) digits) for integer string conversion",
                                  position: start, isJSONDecodeError: false)
            }
            if !isFloat, let n = Int(text) { return (.int(n), i) }
            return (.double(Double(text) ?? .nan), i)
        }

        /// `scanstring`: `start` is just after the opening quote.
        func scanString(_ start: Int) throws -> (Value, Int) {
            let begin = start - 1
            var out = String.UnicodeScalarView()
            var i = start
            while true {
                guard let c = char(i) else { throw DecodeError(message: "Unterminated string starting at", position: begin) }
                if c == "\"" { return (.string(String(out)), i + 1) }
                if c.value <= 0x1f { throw DecodeError(message: "Invalid control character at", position: i) }
                if c != "\\" {
                    out.append(c)
                    i += 1
                    continue
                }
                i += 1
                guard let e = char(i) else { throw DecodeError(message: "Unterminated string starting at", position: begin) }
                if e != "u" {
                    let simple: [Unicode.Scalar: Unicode.Scalar] = ["\"": "\"", "\\": "\\", "/": "/", "b": "\u{8}", "f": "\u{c}", "n": "\n", "r": "\r", "t": "\t"]
                    guard let mapped = simple[e] else { throw DecodeError(message: "Invalid \\escape", position: i - 1) }
                    out.append(mapped)
                    i += 1
                    continue
                }
                let (unit, next) = try hex4(i + 1)
                i = next
                var scalar = unit
                // A high surrogate followed by `\uDC00`-`\uDFFF` is one character; a lone surrogate stays as Python keeps it
                // (we cannot hold it in a Swift string, so it becomes U+FFFD).
                if (0xD800...0xDBFF).contains(unit), char(i) == "\\", char(i + 1) == "u" {
                    let (low, afterLow) = try hex4(i + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        i = afterLow
                    }
                }
                out.append(Unicode.Scalar(scalar) ?? "\u{FFFD}")
            }
        }

        /// Four hex digits at `i`; C's check wants at least one character after them.
        func hex4(_ i: Int) throws -> (UInt32, Int) {
            guard i + 4 < chars.count else { throw DecodeError(message: "Invalid \\uXXXX escape", position: i - 1) }
            var v: UInt32 = 0
            for k in i..<(i + 4) {
                guard let d = Character(chars[k]).hexDigitValue else { throw DecodeError(message: "Invalid \\uXXXX escape", position: i - 1) }
                v = v * 16 + UInt32(d)
            }
            return (v, i + 4)
        }

        /// `_parse_object_unicode`: `start` is just after `{`. Later duplicate keys win, as in a Python dict.
        mutating func parseObject(_ start: Int) throws -> (Value, Int) {
            var pairs: [(String, Value)] = []
            var i = skipWhitespace(start)
            if char(i) == "}" { return (.object([]), i + 1) }
            while true {
                guard char(i) == "\"" else { throw DecodeError(message: "Expecting property name enclosed in double quotes", position: i) }
                let (keyValue, afterKey) = try scanString(i + 1)
                let key = keyValue.text
                i = skipWhitespace(afterKey)
                guard char(i) == ":" else { throw DecodeError(message: "Expecting ':' delimiter", position: i) }
                i = skipWhitespace(i + 1)
                let (value, afterValue) = try scanOnce(i)
                pairs.removeAll { $0.0 == key }
                pairs.append((key, value))
                i = skipWhitespace(afterValue)
                if char(i) == "}" { return (.object(pairs), i + 1) }
                guard char(i) == "," else { throw DecodeError(message: "Expecting ',' delimiter", position: i) }
                i = skipWhitespace(i + 1)
            }
        }

        /// `_parse_array_unicode`: `start` is just after `[`.
        mutating func parseArray(_ start: Int) throws -> (Value, Int) {
            var items: [Value] = []
            var i = skipWhitespace(start)
            if char(i) == "]" { return (.array([]), i + 1) }
            while true {
                let (value, after) = try scanOnce(i)
                items.append(value)
                i = skipWhitespace(after)
                if char(i) == "]" { return (.array(items), i + 1) }
                guard char(i) == "," else { throw DecodeError(message: "Expecting ',' delimiter", position: i) }
                i = skipWhitespace(i + 1)
            }
        }
    }
}
