/// Python's operators on dilab's values, with Python's results and Python's exceptions (type and message as
/// CPython 3.11 prints them): floor division and modulo round toward negative infinity, `"a" + 1` is a TypeError,
/// `1 // 0` a ZeroDivisionError. Texts count and slice by code point, as `len` and `[a:b]` do on a `str`.
enum PythonOps {
    /// Python's name of a value's type, as its error messages spell it.
    static func typeName(_ v: Value) -> String {
        switch v {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }

    static func typeError(_ message: String) -> PyError { PyError(type: "TypeError", message: message) }

    /// An int (a bool counts as one, as in Python).
    static func integer(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    static func number(_ v: Value) -> Double? {
        if case .double(let d) = v { return d }
        return integer(v).map(Double.init)
    }

    /// Python's ints have no bound; dilab's have 64 bits, and says so rather than wrap or trap.
    static func overflow(_ op: Expr.ArithOp) -> PyError {
        PyError(type: "OverflowError", message: "the result of \(op.rawValue) does not fit in 64 bits (dilab's ints are 64-bit; Python's are unbounded)")
    }

    static func arith(_ l: Value, _ op: Expr.ArithOp, _ r: Value) throws(PyError) -> Value {
        let unsupported = typeError("unsupported operand type(s) for \(op.rawValue): '\(typeName(l))' and '\(typeName(r))'")
        if let a = integer(l), let b = integer(r) { return try integers(a, op, b) }
        if let a = number(l), let b = number(r) { return try floats(a, op, b) }
        switch (op, l, r) {
        case (.add, .string(let a), .string(let b)): return Value.string(a + b).bounded
        case (.add, .string, _): throw typeError("can only concatenate str (not \"\(typeName(r))\") to str")
        case (.add, .array(let a), .array(let b)): return Value.array(a + b).bounded
        case (.add, .array, _): throw typeError("can only concatenate list (not \"\(typeName(r))\") to list")
        case (.multiply, .string, _), (.multiply, .array, _): return try repeated(l, r)
        case (.multiply, _, .string), (.multiply, _, .array): return try repeated(r, l)
        case (.modulo, .string, _):
            throw typeError("dilab does not model printf-style formatting (str % value); use a template such as \"{{a}} and {{b}}\"")
        default: throw unsupported
        }
    }

    static func integers(_ a: Int, _ op: Expr.ArithOp, _ b: Int) throws(PyError) -> Value {
        switch op {
        case .add:
            let (v, o) = a.addingReportingOverflow(b)
            if o { throw overflow(op) }
            return .int(v)
        case .subtract:
            let (v, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow(op) }
            return .int(v)
        case .multiply:
            let (v, o) = a.multipliedReportingOverflow(by: b)
            if o { throw overflow(op) }
            return .int(v)
        case .floorDivide:
            guard b != 0 else { throw PyError(type: "ZeroDivisionError", message: "integer division or modulo by zero") }
            let (q, o) = a.dividedReportingOverflow(by: b)
            if o { throw overflow(op) }
            return .int(a % b != 0 && (a < 0) != (b < 0) ? q - 1 : q)
        case .modulo:
            guard b != 0 else { throw PyError(type: "ZeroDivisionError", message: "integer modulo by zero") }
            let (m, o) = a.remainderReportingOverflow(dividingBy: b)
            if o { return .int(0) }
            return .int(m != 0 && (m < 0) != (b < 0) ? m + b : m)
        }
    }

    static func floats(_ a: Double, _ op: Expr.ArithOp, _ b: Double) throws(PyError) -> Value {
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .floorDivide:
            guard b != 0 else { throw PyError(type: "ZeroDivisionError", message: "float floor division by zero") }
            return .double(((a - pyMod(a, b)) / b).rounded())
        case .modulo:
            guard b != 0 else { throw PyError(type: "ZeroDivisionError", message: "float modulo") }
            return .double(pyMod(a, b))
        }
    }

    /// CPython's float modulo: the sign of the divisor.
    static func pyMod(_ a: Double, _ b: Double) -> Double {
        var m = fmod(a, b)
        if m != 0 { if (b < 0) != (m < 0) { m += b } } else { m = b < 0 ? -0.0 : 0.0 }
        return m
    }

    /// `"ab" * 3`, `[0] * 2`: within the render budget, else dilab's too-large marker.
    static func repeated(_ sequence: Value, _ times: Value) throws(PyError) -> Value {
        guard let n = integer(times) else { throw typeError("can't multiply sequence by non-int of type '\(typeName(times))'") }
        let count = max(0, n)
        switch sequence {
        case .string(let s):
            let (total, over) = s.utf8.count.multipliedReportingOverflow(by: count)
            guard !over, total <= Value.maxRenderedText else { return Value.tooLarge }
            return .string(String(repeating: s, count: count))
        case .array(let items):
            let (total, over) = items.count.multipliedReportingOverflow(by: count)
            guard !over, total <= Value.maxRenderedNodes else { return Value.tooLarge }
            return Value.array(Array(repeating: items, count: count).flatMap { $0 }).bounded
        default: return Value.tooLarge
        }
    }

    static func negate(_ v: Value) throws(PyError) -> Value {
        if let i = integer(v) {
            guard i != Int.min else { throw overflow(.subtract) }
            return .int(-i)
        }
        if case .double(let d) = v { return .double(-d) }
        throw typeError("bad operand type for unary -: '\(typeName(v))'")
    }

    static func length(_ v: Value) throws(PyError) -> Value {
        switch v {
        case .string(let s): return .int(s.unicodeScalars.count)
        case .array(let items): return .int(items.count)
        case .object(let pairs): return .int(pairs.count)
        default: throw typeError("object of type '\(typeName(v))' has no len()")
        }
    }

    static func index(_ v: Value, _ key: Value) throws(PyError) -> Value {
        switch v {
        case .array(let items):
            guard let i = integer(key) else { throw typeError("list indices must be integers or slices, not \(typeName(key))") }
            let at = i < 0 ? items.count + i : i
            guard items.indices.contains(at) else { throw PyError(type: "IndexError", message: "list index out of range") }
            return items[at]
        case .string(let s):
            guard let i = integer(key) else { throw typeError("string indices must be integers, not '\(typeName(key))'") }
            let scalars = Array(s.unicodeScalars)
            let at = i < 0 ? scalars.count + i : i
            guard scalars.indices.contains(at) else { throw PyError(type: "IndexError", message: "string index out of range") }
            return .string(String(scalars[at]))
        case .object(let pairs):
            if case .string(let k) = key, let found = pairs.first(where: { $0.0 == k }) { return found.1 }
            if case .array = key { throw typeError("unhashable type: 'list'") }
            if case .object = key { throw typeError("unhashable type: 'dict'") }
            throw PyError(type: "KeyError", message: key.repr)
        default:
            throw typeError("'\(typeName(v))' object is not subscriptable")
        }
    }

    /// `x[lo:hi]` with Python's clamping of out-of-range and negative bounds.
    static func slice(_ v: Value, _ lo: Value, _ hi: Value) throws(PyError) -> Value {
        func bound(_ b: Value) throws(PyError) -> Int? {
            if b == .null { return nil }
            guard let i = integer(b) else { throw typeError("slice indices must be integers or None or have an __index__ method") }
            return i
        }
        func range(_ count: Int) throws(PyError) -> Range<Int> {
            func clamp(_ i: Int?, _ fallback: Int) -> Int {
                guard let i else { return fallback }
                return i < 0 ? max(0, count + max(i, -count)) : min(i, count)
            }
            let a = clamp(try bound(lo), 0), b = clamp(try bound(hi), count)
            return a..<max(a, b)
        }
        switch v {
        case .array(let items): return .array(Array(items[try range(items.count)]))
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            out.append(contentsOf: scalars[try range(scalars.count)])
            return .string(String(out))
        case .object: throw typeError("unhashable type: 'slice'")
        default: throw typeError("'\(typeName(v))' object is not subscriptable")
        }
    }
}

extension Value {
    /// Python's `repr` for the keys a KeyError shows: `'b'`, `1`, `None`.
    var repr: String {
        switch self {
        case .string(let s): return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        default: return text
        }
    }
}

import Foundation
