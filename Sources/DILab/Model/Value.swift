/// A JSON-like value, the currency of scenarios: what providers return, what handlers answer,
/// what request parameters hold. Objects keep their key order, as Python dicts do.
public enum Value: Equatable, Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    case object([(String, Value)])

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            // Key order does not matter, as for Python dicts; a dictionary keeps 10,000 keys linear.
            if a.count <= 8 { return a.allSatisfy { key, value in b.first { $0.0 == key }?.1 == value } }
            let lookup = Dictionary(b, uniquingKeysWith: { first, _ in first })
            return a.allSatisfy { key, value in lookup[key] == value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(json)
    }

    /// Member lookup for objects (`user.role`) and index lookup for arrays (`items.0`).
    public subscript(key: String) -> Value? {
        switch self {
        case .object(let pairs): return pairs.first { $0.0 == key }?.1
        case .array(let items):
            guard let index = Int(key), items.indices.contains(index) else { return nil }
            return items[index]
        default: return nil
        }
    }

    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        }
    }

    /// Compact JSON, byte-compatible with Starlette's `JSONResponse` (`separators=(",", ":")`, UTF-8).
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.pythonFloat(d)
        case .string(let s): return Value.quote(s)
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{" + pairs.map { Value.quote($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        }
    }

    /// How Python's `str()` shows the value: used when a value is interpolated into text.
    public var text: String {
        switch self {
        case .string(let s): return s
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        default: return json
        }
    }

    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == d.rounded(), abs(d) < 1e16 { return String(format: "%.1f", d) }
        return "\(d)"
    }

    /// A JSON string literal, which is also a valid Python string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

import Foundation

extension Value {
    /// Parses JSON text (a request body, a golden expectation) keeping object key order; nil when it is not
    /// JSON or nests deeper than `BoundedJSON.maxDepth` (see `BoundedJSON.decode` for which).
    public static func parse(json text: String) -> Value? {
        if case .value(let v) = BoundedJSON.decode(text) { return v }
        return nil
    }
}

/// A small ordered JSON reader: Foundation's JSONSerialization loses key order.
struct JSONTextParser {
    let bytes: [UInt8]
    var index = 0
    /// Open arrays and objects; past `BoundedJSON.maxDepth` parsing stops (`tooDeep`), before the stack does.
    var depth = 0
    var tooDeep = false
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func enter() -> Bool {
        depth += 1
        if depth > BoundedJSON.maxDepth { tooDeep = true }
        return !tooDeep
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func parseValue() -> Value? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return parseObject()
        case UInt8(ascii: "["): return parseArray()
        case UInt8(ascii: "\""): return parseString().map(Value.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return parseNumber()
        }
    }

    mutating func literal(_ word: String, _ value: Value) -> Value? {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else { return nil }
        index += w.count
        return value
    }

    mutating func parseNumber() -> Value? {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        guard let text = String(bytes: bytes[start..<index], encoding: .utf8), !text.isEmpty else { return nil }
        if let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        return nil
    }

    mutating func parseString() -> String? {
        guard bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var out = [UInt8]()
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                guard index < bytes.count else { return nil }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { return nil }
                    index += 4
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(e)
                }
            } else {
                out.append(b)
            }
        }
        return nil
    }

    mutating func parseArray() -> Value? {
        guard enter() else { return nil }
        defer { depth -= 1 }
        index += 1
        var items = [Value]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            guard let v = parseValue() else { return nil }
            items.append(v)
            skipWhitespace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            return nil
        }
    }

    mutating func parseObject() -> Value? {
        guard enter() else { return nil }
        defer { depth -= 1 }
        index += 1
        var pairs = [(String, Value)]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
        while true {
            skipWhitespace()
            guard index < bytes.count, let key = parseString() else { return nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let v = parseValue() else { return nil }
            pairs.append((key, v))
            skipWhitespace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            return nil
        }
    }
}
