import DILab

/// YAML text for values that come from someone's app: every string is double-quoted with escapes (never a
/// plain scalar YAML could read as `yes`, `null`, `*alias` or a number), keys are plain only when they are
/// identifiers no YAML resolver reinterprets, and comments carry one printable line.
public enum YAMLText {
    /// Words YAML 1.1 or 1.2 resolves to something other than a string, in any case.
    static let specialWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    public static func key(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            && !("0"..."9").contains(s.unicodeScalars.first!) && !specialWords.contains(s.lowercased())
        return plain ? s : quoted(s)
    }

    /// A double-quoted YAML scalar. Escapes cover what YAML would fold or break on: quotes, backslashes, every
    /// control character, and the non-ASCII line and paragraph separators; other text stays as it is.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 || u.value == 0xFEFF {
                    out += "\\u" + String(u.value, radix: 16, uppercase: true).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A value in YAML's flow style (JSON-like), strings quoted.
    public static func flow(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double: return v.json
        case .string(let s): return quoted(s)
        case .array(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { key($0.0) + ": " + flow($0.1) }.joined(separator: ", ") + "}"
        }
    }

    /// A comment's text on one line: newlines become spaces, control characters are dropped.
    public static func comment(_ s: String) -> String {
        "# " + String(String.UnicodeScalarView(s.unicodeScalars.compactMap { u -> Unicode.Scalar? in
            if u == "\n" || u == "\r" || u == "\t" { return " " }
            if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 { return nil }
            return u
        }))
    }
}

/// Text meant as data inside a dilab template (returns, details, messages, task arguments): a literal `{{`
/// would open a hole, so it is written as the hole `{{'{{'}}`, which renders the two braces.
public enum TemplateText {
    public static func literal(_ s: String) -> String {
        s.replacingOccurrences(of: "{{", with: "{{'{{'}}")
    }

    /// A value as a template that renders exactly this value.
    public static func literal(_ v: Value) -> Value {
        switch v {
        case .string(let s): return .string(literal(s))
        case .array(let items): return .array(items.map(literal))
        case .object(let pairs): return .object(pairs.map { ($0.0, literal($0.1)) })
        default: return v
        }
    }

    /// A Python-like string literal for a `when:` condition: dilab's expression reader takes `\` as
    /// "the next character is literal", so only quotes and backslashes need it.
    public static func conditionString(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
