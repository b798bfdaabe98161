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
        // Into bytes, then one String: a `String` sink appends each bracket and comma as a Unicode scalar.
        var out = TextBytes(capacity: 64)
        writeJSON(to: &out)
        return out.string
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
        var out = ""
        appendQuoted(s, to: &out)   // the one JSON string writer (EventPayload.swift)
        return out
    }
}

extension Value {
    /// Parses JSON text (a request body, a golden expectation, Python's output) keeping object key order, with
    /// the one JSON reader dilab has: Python's `json.loads` (`PythonJSON`), nesting bounded.
    public static func parse(json text: String) -> Value? {
        try? PythonJSON.loads(text).get()
    }
}
