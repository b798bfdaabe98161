/// A parse failure with the 0-based offset into the source text where it happened.
public struct ExprError: Error, Sendable {
    public var message: String
    public var offset: Int
}

/// Recursive-descent parser for `Expr`, with Python's precedence: `x if c else y`, `or`, `and`, `not`, comparisons,
/// `+ -`, `* // %`, unary `-`, then `len(...)`, `[...]` and `.name`. Depth is bounded, so every tree it returns is
/// shallow enough for the recursive `evaluate`, `roots` and `==` to run on any thread's stack.
public struct ExprParser {
    /// The deepest tree accepted: nesting of `(`, `[`, `len(`, `not`, unary `-` and `if`/`else`, plus the length of
    /// operator and postfix chains (left-nested). Python's own parser stops at 200 nested parentheses.
    public static let maxDepth = 100

    enum Token: Equatable {
        case ident(String), number(String), string(String), op(String), lparen, rparen, lbracket, rbracket, comma, dot, colon, end
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
        let expr = try parser.parseExpression()
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
            } else if c.isNumber {
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
            } else if "+-*%".contains(c) {
                i += 1
                out.append((.op(String(c)), start))
            } else if c == "/" {
                guard i + 1 < chars.count, chars[i + 1] == "/" else {
                    throw ExprError(message: "'/' is not modelled (it makes a float); use // for floor division", offset: start)
                }
                i += 2
                out.append((.op("//"), start))
            } else {
                i += 1
                switch c {
                case "(": out.append((.lparen, start))
                case ")": out.append((.rparen, start))
                case "[": out.append((.lbracket, start))
                case "]": out.append((.rbracket, start))
                case ",": out.append((.comma, start))
                case ".": out.append((.dot, start))
                case ":": out.append((.colon, start))
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
        case .colon: return "':'"
        case .end: return "end of expression"
        }
    }

    /// `then if condition else otherwise`, right-nested as in Python.
    mutating func parseExpression() throws -> Expr {
        let value = try parseOr()
        guard peek == .ident("if") else { return value }
        let at = offset
        _ = advance()
        try descend(at: at)
        defer { depth -= 1 }
        let condition = try parseOr()
        guard peek == .ident("else") else { throw ExprError(message: "expected 'else' after the condition of 'if'", offset: offset) }
        _ = advance()
        return .choose(condition: condition, then: value, otherwise: try parseExpression())
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
        let left = try parseSum()
        var op: Expr.CompareOp?
        switch peek {
        case .op(let s) where Expr.CompareOp(rawValue: s) != nil: _ = advance(); op = Expr.CompareOp(rawValue: s)
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
        return .compare(left, op!, try parseSum())
    }

    /// `a + b - c`: left-nested, each link one level.
    mutating func parseSum() throws -> Expr {
        let base = depth
        defer { depth = base }
        var left = try parseTerm()
        while case .op(let s) = peek, s == "+" || s == "-" {
            _ = advance()
            try descend()
            left = .arith(left, s == "+" ? .add : .subtract, try parseTerm())
        }
        return left
    }

    mutating func parseTerm() throws -> Expr {
        let base = depth
        defer { depth = base }
        var left = try parseUnary()
        while case .op(let s) = peek, let op = Expr.ArithOp(rawValue: s), op == .multiply || op == .floorDivide || op == .modulo {
            _ = advance()
            try descend()
            left = .arith(left, op, try parseUnary())
        }
        return left
    }

    /// `-x`; `-3` stays the literal -3, as it always was.
    mutating func parseUnary() throws -> Expr {
        guard peek == .op("-") else { return try parsePostfix() }
        let at = offset
        _ = advance()
        try descend(at: at)
        defer { depth -= 1 }
        let inner = try parseUnary()
        switch inner {
        case .literal(.int(let i)) where i != Int.min: return .literal(.int(-i))
        case .literal(.double(let d)): return .literal(.double(-d))
        default: return .negate(inner)
        }
    }

    /// An atom followed by `[i]`, `[a:b]` and `.name`; a dotted path on a name stays one `ref`.
    mutating func parsePostfix() throws -> Expr {
        let base = depth
        defer { depth = base }
        var e = try parseAtom()
        while true {
            if peek == .lbracket {
                let at = offset
                _ = advance()
                try descend(at: at)
                e = try parseSubscript(of: e)
            } else if peek == .dot, case .ref = e {
                break
            } else if peek == .dot {
                _ = advance()
                try descend()
                guard case .ident(let member) = advance() else { throw ExprError(message: "expected a name after '.'", offset: tokens[position - 1].1) }
                e = .member(e, member)
            } else {
                break
            }
        }
        return e
    }

    /// After `[`: `i]`, `a:b]`, `:b]`, `a:]` or `:]`.
    mutating func parseSubscript(of e: Expr) throws -> Expr {
        let lo: Expr? = peek == .colon ? nil : try parseExpression()
        if peek == .rbracket, let lo {
            _ = advance()
            return .index(e, lo)
        }
        guard advance() == .colon else { throw ExprError(message: "expected ']' or ':'", offset: tokens[position - 1].1) }
        let hi: Expr? = peek == .rbracket ? nil : try parseExpression()
        guard advance() == .rbracket else { throw ExprError(message: "expected ']' (a slice takes start:stop; no step)", offset: tokens[position - 1].1) }
        return .slice(e, lo, hi)
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
        case .ident("len") where peek == .lparen:
            _ = advance()
            try descend(at: at)
            defer { depth -= 1 }
            let inner = try parseExpression()
            guard advance() == .rparen else { throw ExprError(message: "expected ')' (len takes one argument)", offset: tokens[position - 1].1) }
            return .length(inner)
        case .ident(let name):
            if peek == .lparen {
                throw ExprError(message: "'\(name)(...)' is not modelled: the only function a template can call is len()", offset: at)
            }
            var path = [name]
            while peek == .dot {
                _ = advance()
                switch advance() {
                case .ident(let member), .number(let member): path.append(member)
                default: throw ExprError(message: "expected a name after '.'", offset: tokens[position - 1].1)
                }
            }
            if peek == .lparen, path.count == 2, path[1] == "get" {
                // `var.get()` / `var.get(default)`: a context variable's read (the name is checked at load).
                _ = advance()
                try descend(at: at)
                defer { depth -= 1 }
                if peek == .rparen { _ = advance(); return .contextGet(name, nil) }
                let fallback = try parseExpression()
                guard advance() == .rparen else { throw ExprError(message: "expected ')' (get takes one default)", offset: tokens[position - 1].1) }
                return .contextGet(name, fallback)
            }
            if peek == .lparen {
                throw ExprError(message: "'\(path.joined(separator: "."))(...)' is not modelled: a template calls only len() and a context variable's get()", offset: at)
            }
            return .ref(path)
        case .lparen:
            try descend(at: at)
            defer { depth -= 1 }
            let e = try parseExpression()
            guard advance() == .rparen else { throw ExprError(message: "expected ')'", offset: tokens[position - 1].1) }
            return e
        case .lbracket:
            try descend(at: at)
            defer { depth -= 1 }
            var items: [Expr] = []
            if peek == .rbracket { _ = advance(); return .list(items) }
            while true {
                items.append(try parseExpression())
                let t = advance()
                if t == .rbracket { return .list(items) }
                guard t == .comma else { throw ExprError(message: "expected ',' or ']'", offset: tokens[position - 1].1) }
            }
        case let t:
            throw ExprError(message: "expected a value, found \(describe(t))", offset: at)
        }
    }
}

import Foundation
