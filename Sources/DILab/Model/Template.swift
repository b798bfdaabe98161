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

    /// The value with its holes filled. A hole whose expression Python would refuse (`{{1 // 0}}`) raises that
    /// exception, which the engine raises from the callable that rendered it.
    /// For a template the loader checked cannot raise (`YNode.inertTemplate`): where no exception is modelled.
    public func renderInert(_ env: TemplateEnv) -> Value { (try? render(env)) ?? .null }
    public func renderInert(_ env: [String: Value]) -> Value { renderInert(TemplateEnv(env)) }
    public func render(_ env: [String: Value]) throws(PyError) -> Value { try render(TemplateEnv(env)) }

    public func render(_ env: TemplateEnv) throws(PyError) -> Value {
        switch self {
        case .value(let v): return v
        case .text(let pieces):
            if pieces.count == 1, case .hole(let e, _) = pieces[0] { return try e.evaluate(env) }
            var out = ""
            for piece in pieces {
                switch piece {
                case .literal(let s): out += s
                case .hole(let e, _): out += try e.evaluate(env).bounded.text.boundedText
                }
            }
            return .string(out.boundedText)
        // Only containers and texts can grow beyond their inputs: see ValueBudget.swift.
        case .array(let items):
            var out: [Value] = []
            for item in items { out.append(try item.render(env)) }
            return Value.array(out).bounded
        case .object(let pairs):
            var out: [(String, Value)] = []
            for (k, t) in pairs { out.append((k, try t.render(env))) }
            return Value.object(out).bounded
        }
    }

    /// Whether rendering it can raise a Python exception (`{{1 // 0}}`).
    public var canRaise: Bool {
        switch self {
        case .value: return false
        case .text(let pieces): return pieces.contains { if case .hole(let e, _) = $0 { return e.canRaise } else { return false } }
        case .array(let items): return items.contains(where: \.canRaise)
        case .object(let pairs): return pairs.contains { $0.1.canRaise }
        }
    }

    /// Every dotted path the holes read, for the load-time member check.
    public var paths: [[String]] {
        switch self {
        case .value: return []
        case .text(let pieces): return pieces.flatMap { if case .hole(let e, _) = $0 { return e.paths } else { return [] } }
        case .array(let items): return items.flatMap(\.paths)
        case .object(let pairs): return pairs.flatMap(\.1.paths)
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
