/// A tiny Python-flavoured expression language for `when:` conditions and `{{...}}` templates.
/// `user.role != 'admin'`, `token == 'bad' or q is None`, `user_id in [1, 2]`.
public indirect enum Expr: Sendable, Equatable {
    case literal(Value)
    case ref([String])
    case list([Expr])
    case not(Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case compare(Expr, CompareOp, Expr)

    public enum CompareOp: String, Sendable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", isIn = "in", notIn = "not in", isOp = "is", isNot = "is not" }

    /// Names of the roots this expression reads (`user` for `user.role`).
    public var roots: [String] {
        switch self {
        case .literal: return []
        case .ref(let path): return [path[0]]
        case .list(let items): return items.flatMap(\.roots)
        case .not(let e): return e.roots
        case .and(let a, let b), .or(let a, let b), .compare(let a, _, let b): return a.roots + b.roots
        }
    }

    public func evaluate(_ env: [String: Value]) -> Value {
        switch self {
        case .literal(let v): return v
        case .ref(let path):
            guard var current = env[path[0]] ?? Builtin.fallback(path[0], in: env) else { return .null }
            for key in path.dropFirst() {
                guard let next = current[key] else { return .null }
                current = next
            }
            return current
        case .list(let items): return .array(items.map { $0.evaluate(env) })
        case .not(let e): return .bool(!e.evaluate(env).isTruthy)
        case .and(let a, let b):
            let l = a.evaluate(env)
            return l.isTruthy ? b.evaluate(env) : l
        case .or(let a, let b):
            let l = a.evaluate(env)
            return l.isTruthy ? l : b.evaluate(env)
        case .compare(let a, let op, let b):
            let l = a.evaluate(env), r = b.evaluate(env)
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

/// A parse failure with the 0-based offset into the source text where it happened.
public struct ExprError: Error, Sendable {
    public var message: String
    public var offset: Int
}

/// Recursive-descent parser for `Expr`. Depth is bounded, so every tree it returns is shallow enough
/// for the recursive `evaluate`, `roots` and `==` to run on any thread's stack.
public struct ExprParser {
    /// The deepest tree accepted: nesting of `(`, `[` and `not`, plus the length of `and`/`or` chains
    /// (left-nested). Python's own parser stops at 200 nested parentheses.
    public static let maxDepth = 100

    enum Token: Equatable {
        case ident(String), number(String), string(String), op(String), lparen, rparen, lbracket, rbracket, comma, dot, end
    }

    var tokens: [(Token, Int)] = []
    var position = 0
    var depth = 0

    /// Enters one tree level, refusing beyond `maxDepth` at the token that went too deep.
    mutating func descend(at start: Int? = nil) throws {
        depth += 1
        if depth > ExprParser.maxDepth {
            throw ExprError(message: "expression nested too deeply (more than \(ExprParser.maxDepth) levels)", offset: start ?? offset)
        }
    }

    public static func parse(_ text: String) throws -> Expr {
        var parser = ExprParser()
        parser.tokens = try tokenize(text)
        let expr = try parser.parseOr()
        guard parser.peek == .end else { throw ExprError(message: "unexpected \(parser.describe(parser.peek))", offset: parser.offset) }
        return expr
    }

    static func tokenize(_ text: String) throws -> [(Token, Int)] {
        let chars = Array(text)
        var i = 0
        var out: [(Token, Int)] = []
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            let start = i
            if c.isLetter || c == "_" || (c == "@" && i + 1 < chars.count && chars[i + 1].isLetter) {
                i += 1
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                out.append((.ident(String(chars[start..<i])), start))
            } else if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber && (out.last.map { if case .op = $0.0 { return true }; return $0.0 == .lparen || $0.0 == .lbracket || $0.0 == .comma } ?? true)) {
                i += 1
                while i < chars.count, chars[i].isNumber || chars[i] == "." { i += 1 }
                out.append((.number(String(chars[start..<i])), start))
            } else if c == "'" || c == "\"" {
                i += 1
                var s = ""
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    s.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw ExprError(message: "unterminated string", offset: start) }
                i += 1
                out.append((.string(s), start))
            } else if "=!<>".contains(c) {
                i += 1
                if i < chars.count, chars[i] == "=" { i += 1 }
                let op = String(chars[start..<i])
                guard ["==", "!=", "<", "<=", ">", ">="].contains(op) else {
                    throw ExprError(message: "unknown operator '\(op)' (use == or !=)", offset: start)
                }
                out.append((.op(op), start))
            } else {
                i += 1
                switch c {
                case "(": out.append((.lparen, start))
                case ")": out.append((.rparen, start))
                case "[": out.append((.lbracket, start))
                case "]": out.append((.rbracket, start))
                case ",": out.append((.comma, start))
                case ".": out.append((.dot, start))
                default: throw ExprError(message: "unexpected character '\(c)'", offset: start)
                }
            }
        }
        out.append((.end, chars.count))
        return out
    }

    var peek: Token { tokens[position].0 }
    var offset: Int { tokens[position].1 }
    mutating func advance() -> Token { defer { position += 1 }; return tokens[position].0 }

    func describe(_ t: Token) -> String {
        switch t {
        case .ident(let s), .number(let s), .op(let s): return "'\(s)'"
        case .string(let s): return "'\"\(s)\"'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .lbracket: return "'['"
        case .rbracket: return "']'"
        case .comma: return "','"
        case .dot: return "'.'"
        case .end: return "end of expression"
        }
    }

    mutating func parseOr() throws -> Expr {
        let base = depth
        defer { depth = base }
        var left = try parseAnd()
        while peek == .ident("or") { _ = advance(); try descend(); left = .or(left, try parseAnd()) }
        return left
    }

    mutating func parseAnd() throws -> Expr {
        let base = depth
        defer { depth = base }
        var left = try parseNot()
        while peek == .ident("and") { _ = advance(); try descend(); left = .and(left, try parseNot()) }
        return left
    }

    mutating func parseNot() throws -> Expr {
        if peek == .ident("not") {
            try descend()
            defer { depth -= 1 }
            _ = advance()
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws -> Expr {
        let left = try parseAtom()
        var op: Expr.CompareOp?
        switch peek {
        case .op(let s): _ = advance(); op = Expr.CompareOp(rawValue: s)
        case .ident("in"): _ = advance(); op = .isIn
        case .ident("is"):
            _ = advance()
            if peek == .ident("not") { _ = advance(); op = .isNot } else { op = .isOp }
        case .ident("not"):
            _ = advance()
            guard peek == .ident("in") else { throw ExprError(message: "expected 'in' after 'not'", offset: offset) }
            _ = advance()
            op = .notIn
        default: return left
        }
        return .compare(left, op!, try parseAtom())
    }

    mutating func parseAtom() throws -> Expr {
        let at = offset
        switch advance() {
        case .number(let n):
            if let i = Int(n) { return .literal(.int(i)) }
            if let d = Double(n) { return .literal(.double(d)) }
            throw ExprError(message: "bad number '\(n)'", offset: at)
        case .string(let s): return .literal(.string(s))
        case .ident("True"): return .literal(.bool(true))
        case .ident("False"): return .literal(.bool(false))
        case .ident("None"): return .literal(.null)
        case .ident(let name):
            var path = [name]
            while peek == .dot {
                _ = advance()
                switch advance() {
                case .ident(let member), .number(let member): path.append(member)
                default: throw ExprError(message: "expected a name after '.'", offset: tokens[position - 1].1)
                }
            }
            return .ref(path)
        case .lparen:
            try descend(at: at)
            defer { depth -= 1 }
            let e = try parseOr()
            guard advance() == .rparen else { throw ExprError(message: "expected ')'", offset: tokens[position - 1].1) }
            return e
        case .lbracket:
            try descend(at: at)
            defer { depth -= 1 }
            var items: [Expr] = []
            if peek == .rbracket { _ = advance(); return .list(items) }
            while true {
                items.append(try parseOr())
                let t = advance()
                if t == .rbracket { return .list(items) }
                guard t == .comma else { throw ExprError(message: "expected ',' or ']'", offset: tokens[position - 1].1) }
            }
        case let t:
            throw ExprError(message: "expected a value, found \(describe(t))", offset: at)
        }
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
    public func holds(in env: [String: Value]) -> Bool { expr.evaluate(env).isTruthy }
}

/// A value with `{{expr}}` holes. A string that is exactly one hole keeps the hole's type.
public indirect enum Template: Sendable, Equatable {
    case value(Value)
    case text([Piece])
    case array([Template])
    case object([(String, Template)])

    public enum Piece: Sendable, Equatable {
        case literal(String)
        case hole(Expr, String)
    }

    public static func == (a: Template, b: Template) -> Bool {
        switch (a, b) {
        case let (.value(x), .value(y)): return x == y
        case let (.text(x), .text(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func render(_ env: [String: Value]) -> Value {
        switch self {
        case .value(let v): return v
        case .text(let pieces):
            if pieces.count == 1, case .hole(let e, _) = pieces[0] { return e.evaluate(env) }
            return .string(pieces.map { piece in
                switch piece {
                case .literal(let s): return s
                case .hole(let e, _): return e.evaluate(env).bounded.text.boundedText
                }
            }.joined().boundedText)
        // Only containers and texts can grow beyond their inputs: see ValueBudget.swift.
        case .array(let items): return Value.array(items.map { $0.render(env) }).bounded
        case .object(let pairs): return Value.object(pairs.map { ($0.0, $0.1.render(env)) }).bounded
        }
    }

    /// Every root name the template reads.
    public var roots: [String] {
        switch self {
        case .value: return []
        case .text(let pieces): return pieces.flatMap { if case .hole(let e, _) = $0 { return e.roots } else { return [] } }
        case .array(let items): return items.flatMap(\.roots)
        case .object(let pairs): return pairs.flatMap(\.1.roots)
        }
    }

    /// Parses the holes of one string. Throws with the offset of the bad hole.
    public static func parse(string: String) throws -> Template {
        guard string.contains("{{") else { return .value(.string(string)) }
        var pieces: [Piece] = []
        var rest = Substring(string)
        var consumed = 0
        while let open = rest.range(of: "{{") {
            let before = rest[rest.startIndex..<open.lowerBound]
            if !before.isEmpty { pieces.append(.literal(String(before))) }
            consumed += before.count
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ExprError(message: "'{{' without a closing '}}'", offset: consumed)
            }
            let inner = String(rest[open.upperBound..<close.lowerBound])
            do {
                pieces.append(.hole(try ExprParser.parse(inner), inner.trimmingCharacters(in: .whitespaces)))
            } catch let e as ExprError {
                throw ExprError(message: e.message, offset: consumed + 2 + e.offset)
            }
            consumed += inner.count + 4
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return .text(pieces)
    }
}

import Foundation
