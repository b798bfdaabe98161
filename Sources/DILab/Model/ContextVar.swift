/// `request_id_var: ContextVar[str] = ContextVar("request_id", default=...)`, declared under `context_vars:`.
/// Which callables see a value set is decided by the engine's contexts (`RequestRun+Context.swift`), as
/// asyncio and AnyIO decide it: docs/beyond-the-spec.md, "Context variables, modelled".
public struct ContextVarDecl: Sendable {
    /// The module-level Python name the scenario reads and sets (`request_id_var`).
    public var name: String
    /// The name given to `ContextVar(...)`, which Python's LookupError shows (`request_id`).
    public var label: String
    /// `default=`: what `get()` answers when nothing is set in the running context; nil: LookupError.
    public var defaultValue: Value?
    public var location: SourceLocation

    public init(name: String, label: String, defaultValue: Value? = nil, location: SourceLocation = .unknown) {
        self.name = name
        self.label = label
        self.defaultValue = defaultValue
        self.location = location
    }

    /// The template environment's key for the variables as the running code sees them: an object of
    /// `name: {label, default?, value?}` (a spelling no Python parameter can have).
    public static let envKey = "@context"
}

/// `var.set(value)` lines a callable's body runs, in order.
public typealias ContextSets = [(String, Template)]

extension Expr {
    /// The value of a literal expression (nil for anything else).
    public var literalValue: Value? {
        if case .literal(let v) = self { return v }
        return nil
    }

    /// Every context variable this expression reads with `.get(...)`.
    public var contextReads: [String] {
        var out: [String] = []
        var stack = [self]
        while let e = stack.popLast() {
            if case .contextGet(let name, _) = e { out.append(name) }
            stack += e.children
        }
        return out
    }
}

extension Template {
    /// Every context variable the template's holes read.
    public var contextReads: [String] {
        switch self {
        case .value: return []
        case .text(let pieces):
            return pieces.flatMap { p -> [String] in if case .hole(let e, _) = p { return e.contextReads }; return [] }
        case .array(let items): return items.flatMap(\.contextReads)
        case .object(let pairs): return pairs.flatMap(\.1.contextReads)
        }
    }
}
