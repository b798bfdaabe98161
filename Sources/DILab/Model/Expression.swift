/// A tiny Python-flavoured expression language for `when:` conditions and `{{...}}` templates.
/// `user.role != 'admin'`, `token == 'bad' or q is None`, `user_id in [1, 2]`, `len(items[1:])`,
/// `count // 2 + 1`, `'many' if len(items) > 2 else 'few'`.
public indirect enum Expr: Sendable, Equatable {
    case literal(Value)
    case ref([String])
    case list([Expr])
    case not(Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case compare(Expr, CompareOp, Expr)
    /// `a + b`, `a // b`: Python's arithmetic on ints and floats, `+` on texts and lists, `*` repeating them.
    case arith(Expr, ArithOp, Expr)
    /// `-x`.
    case negate(Expr)
    /// `len(x)`.
    case length(Expr)
    /// `x[i]`, `x['key']`.
    case index(Expr, Expr)
    /// `x[a:b]`, either bound left out.
    case slice(Expr, Expr?, Expr?)
    /// `.name` after a subscript or call: `items[0].name`.
    case member(Expr, String)
    /// `then if condition else otherwise`.
    case choose(condition: Expr, then: Expr, otherwise: Expr)
    /// `request_id_var.get()` / `.get(default)`: a declared `context_vars:` entry read in the running context.
    case contextGet(String, Expr?)

    public enum CompareOp: String, Sendable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", isIn = "in", notIn = "not in", isOp = "is", isNot = "is not" }

    public enum ArithOp: String, Sendable { case add = "+", subtract = "-", multiply = "*", floorDivide = "//", modulo = "%" }

    /// The expressions directly inside this one, for walks that must not recurse.
    public var children: [Expr] {
        switch self {
        case .literal, .ref: return []
        case .list(let items): return items
        case .not(let e), .negate(let e), .length(let e), .member(let e, _): return [e]
        case .and(let a, let b), .or(let a, let b), .compare(let a, _, let b), .arith(let a, _, let b), .index(let a, let b): return [a, b]
        case .slice(let e, let lo, let hi): return [e] + [lo, hi].compactMap { $0 }
        case .choose(let c, let t, let o): return [c, t, o]
        case .contextGet(_, let d): return [d].compactMap { $0 }
        }
    }

    /// Whether evaluating it can raise a Python exception: only the operators Python may refuse can.
    public var canRaise: Bool {
        var stack = [self]
        while let e = stack.popLast() {
            switch e {
            case .arith, .negate, .length, .index, .slice, .contextGet(_, nil): return true
            default: stack += e.children
            }
        }
        return false
    }

    /// Names of the roots this expression reads (`user` for `user.role`).
    public var roots: [String] {
        if case .ref(let path) = self { return [path[0]] }
        return children.flatMap(\.roots)
    }

    /// Every dotted path read (`["user", "role"]`), for the load-time check of members that cannot exist.
    public var paths: [[String]] {
        if case .ref(let path) = self { return [path] }
        return children.flatMap(\.paths)
    }

    /// Python's value of the expression. A dotted path that misses reads None (dilab's lenient `get`); an
    /// operation Python refuses (`1 // 0`, `len(None)`, `items[9]`) raises Python's exception.
    public func evaluate(_ env: [String: Value]) throws(PyError) -> Value { try evaluate(TemplateEnv(env)) }

    public func evaluate(_ env: TemplateEnv) throws(PyError) -> Value {
        switch self {
        case .literal(let v): return v
        case .ref(let path):
            guard var current = env.lookup(path[0]) else { return .null }
            for key in path.dropFirst() {
                guard let next = current[key] else { return .null }
                current = next
            }
            return current
        case .list(let items):
            var out: [Value] = []
            for item in items { out.append(try item.evaluate(env)) }
            return .array(out)
        case .not(let e): return .bool(!(try e.evaluate(env)).isTruthy)
        case .and(let a, let b):
            let l = try a.evaluate(env)
            return l.isTruthy ? try b.evaluate(env) : l
        case .or(let a, let b):
            let l = try a.evaluate(env)
            return l.isTruthy ? l : try b.evaluate(env)
        case .compare(let a, let op, let b):
            return Expr.compare(try a.evaluate(env), op, try b.evaluate(env))
        case .arith(let a, let op, let b):
            return try PythonOps.arith(try a.evaluate(env), op, try b.evaluate(env))
        case .negate(let e): return try PythonOps.negate(try e.evaluate(env))
        case .length(let e): return try PythonOps.length(try e.evaluate(env))
        case .index(let e, let i): return try PythonOps.index(try e.evaluate(env), try i.evaluate(env))
        case .slice(let e, let lo, let hi):
            let v = try e.evaluate(env)
            return try PythonOps.slice(v, try lo?.evaluate(env) ?? .null, try hi?.evaluate(env) ?? .null)
        case .member(let e, let name): return (try e.evaluate(env))[name] ?? .null
        case .choose(let c, let t, let o): return try (c.evaluate(env)).isTruthy ? t.evaluate(env) : o.evaluate(env)
        case .contextGet(let name, let fallback):
            let entry = env[ContextVarDecl.envKey]?[name]
            if let v = entry?["value"] { return v }
            if let fallback { return try fallback.evaluate(env) }
            if let d = entry?["default"] { return d }
            throw PyError(type: "LookupError", message: "<ContextVar name='\(entry?["label"]?.text ?? name)' at 0x…>")
        }
    }

    static func compare(_ l: Value, _ op: CompareOp, _ r: Value) -> Value {
        switch op {
        case .eq, .isOp: return .bool(l == r)
        case .ne, .isNot: return .bool(l != r)
        case .isIn, .notIn:
            var found = false
            switch r {
            case .array(let items): found = items.contains(l)
            case .string(let s): if case .string(let sub) = l { found = s.contains(sub) }
            case .object(let pairs): if case .string(let k) = l { found = pairs.contains { $0.0 == k } }
            default: found = false
            }
            return .bool(op == .isIn ? found : !found)
        case .lt, .le, .gt, .ge:
            guard let order = Expr.order(l, r) else { return .bool(false) }
            switch op {
            case .lt: return .bool(order < 0)
            case .le: return .bool(order <= 0)
            case .gt: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        }
    }

    static func order(_ l: Value, _ r: Value) -> Int? {
        func num(_ v: Value) -> Double? {
            switch v {
            case .int(let i): return Double(i)
            case .double(let d): return d
            case .bool(let b): return b ? 1 : 0
            default: return nil
            }
        }
        if let a = num(l), let b = num(r) { return a < b ? -1 : (a > b ? 1 : 0) }
        if case .string(let a) = l, case .string(let b) = r { return a < b ? -1 : (a > b ? 1 : 0) }
        return nil
    }
}

/// A `when:` condition with the text it came from.
public struct Condition: Sendable {
    public var source: String
    public var expr: Expr
    public init(source: String, expr: Expr) {
        self.source = source
        self.expr = expr
    }
    public func holds(in env: TemplateEnv) throws(PyError) -> Bool { try expr.evaluate(env).isTruthy }
    public func holds(in env: [String: Value]) throws(PyError) -> Bool { try holds(in: TemplateEnv(env)) }
    /// For a condition the loader checked cannot raise (`YNode.inertCondition`).
    public func holdsInert(in env: TemplateEnv) -> Bool { (try? holds(in: env)) ?? false }
    public func holdsInert(in env: [String: Value]) -> Bool { holdsInert(in: TemplateEnv(env)) }
}

import Foundation
