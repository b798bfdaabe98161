/// The names a template or condition reads inside one callable: its arguments, and dilab's built-ins (`@call`,
/// `@state`, …). The arguments are the solver's own dictionary, shared rather than copied, and the built-ins live
/// in fields, so making one per callable inserts nothing and hashes nothing; `closed` is only rendered when read.
public struct TemplateEnv: Sendable, ExpressibleByDictionaryLiteral {
    /// Bare names: the callable's arguments and whatever the engine binds beside them (a websocket step's
    /// `receive` names). A name spelled `@…` that is no built-in is kept here too.
    public private(set) var names: [String: Value]
    /// `__value`, what a yield dependency yielded, kept for its cleanup: a field, so binding it at every `yield`
    /// copies no shared argument dictionary (it was one copy and one insertion per yield dependency).
    private var yielded: Value?
    static let yieldedKey = "__value"
    private var builtins = Builtins()
    /// The providers already cleaned up when the environment was made (`closed.get_db`), a value snapshot.
    private var closedNames: [String]?

    private struct Builtins: Sendable {
        var call, request, state, now, i, closed, exc, client, code: Value?
    }

    public init() { names = [:] }

    /// Arguments as they are: one reference to the dictionary, no copy.
    public init(names: [String: Value]) { self.names = names }

    /// A plain dictionary with built-ins under their `@` keys, as `[String: Value]` environments were spelled.
    public init(_ dictionary: [String: Value]) {
        names = [:]
        for (key, value) in dictionary { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, Value)...) {
        names = [:]
        for (key, value) in elements { self[key] = value }
    }

    /// A built-in's value, or nil when none is bound.
    public subscript(builtin: Builtin) -> Value? {
        get {
            switch builtin {
            case .call: return builtins.call
            case .request: return builtins.request
            case .state: return builtins.state
            case .now: return builtins.now
            case .i: return builtins.i
            case .closed: return builtins.closed ?? closedNames.map { .object($0.map { ($0, .bool(true)) }) }
            case .exc: return builtins.exc
            case .client: return builtins.client
            case .code: return builtins.code
            }
        }
        set {
            switch builtin {
            case .call: builtins.call = newValue
            case .request: builtins.request = newValue
            case .state: builtins.state = newValue
            case .now: builtins.now = newValue
            case .i: builtins.i = newValue
            case .closed: builtins.closed = newValue; closedNames = nil
            case .exc: builtins.exc = newValue
            case .client: builtins.client = newValue
            case .code: builtins.code = newValue
            }
        }
    }

    /// `closed` as these providers, rendered (`{get_db: true, …}`) only if a template reads it.
    public mutating func bindClosed(_ providers: [String]) {
        builtins.closed = nil
        closedNames = providers
    }

    /// A name as a dictionary environment would answer it: `@state` is the built-in, `state` the bare name.
    public subscript(key: String) -> Value? {
        get {
            if let b = Self.builtin(key) { return self[b] }
            if yielded != nil, key == Self.yieldedKey { return yielded }
            return names[key]
        }
        set {
            if let b = Self.builtin(key) { self[b] = newValue } else if key == Self.yieldedKey { yielded = newValue } else { names[key] = newValue }
        }
    }

    /// Binds `__value` (what a yield dependency yielded), as `self["__value"] = value` does.
    mutating func bindYielded(_ value: Value) { yielded = value }

    /// What an expression's root reads: the bare name, else dilab's built-in of that name (`{{state}}` is the
    /// callable's own `state` parameter when it has one, as FastAPI passes it, and `@state` otherwise).
    public func lookup(_ root: String) -> Value? {
        if let v = self[root] { return v }
        guard let b = Builtin(rawValue: root) else { return nil }
        return self[b]
    }

    private static func builtin(_ key: String) -> Builtin? {
        guard key.utf8.first == UInt8(ascii: "@") else { return nil }
        return Builtin(rawValue: String(key.utf8.dropFirst())!)
    }
}
