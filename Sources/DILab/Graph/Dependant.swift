/// FastAPI's `Dependant`, for one use site: the callable, how it was declared, and what it needs.
/// Built the way `get_dependant` builds it, so the engine can solve it the way `solve_dependencies` does.
public struct Dependant: Sendable {
    /// The fields live in one shared, copy-on-write box: the engine copies a dependant at every use site it
    /// solves, and a copy is then one reference instead of every field of the provider and the declaration.
    final class Storage: @unchecked Sendable {
        var provider: Provider?
        var name: String?
        var use: DependsSpec?
        var dependencies: [Dependant]
        var requestParams: [ResolvedParam]
        var backgroundTasksParam: String?
        var securityScopesParam: String?
        /// `request: Request`: the parameter Starlette's Request is passed as.
        var requestObjectParam: String?
        /// `response: Response`: the parameter the temporal Response is passed as.
        var responseObjectParam: String?
        var ownScopes: [String]
        var parentScopes: [String]
        var level: String
        /// Facts computed once when the route is compiled (`prepared(for:)`); any change to a field drops them.
        var facts: DependantFacts?
        init(provider: Provider?, name: String?, use: DependsSpec?, dependencies: [Dependant], requestParams: [ResolvedParam],
             backgroundTasksParam: String?, securityScopesParam: String?, ownScopes: [String], parentScopes: [String],
             level: String, facts: DependantFacts?) {
            self.provider = provider
            self.name = name
            self.use = use
            self.dependencies = dependencies
            self.requestParams = requestParams
            self.backgroundTasksParam = backgroundTasksParam
            self.securityScopesParam = securityScopesParam
            self.ownScopes = ownScopes
            self.parentScopes = parentScopes
            self.level = level
            self.facts = facts
        }
        func copy() -> Storage {
            let s = Storage(provider: provider, name: name, use: use, dependencies: dependencies, requestParams: requestParams,
                            backgroundTasksParam: backgroundTasksParam, securityScopesParam: securityScopesParam, ownScopes: ownScopes,
                            parentScopes: parentScopes, level: level, facts: facts)
            s.requestObjectParam = requestObjectParam
            s.responseObjectParam = responseObjectParam
            return s
        }
    }

    var storage: Storage

    /// Makes the box this value's own before a change, and drops the compiled facts (the change may void them).
    mutating func willChange() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.facts = nil
    }

    /// The provider called here, or nil for the route handler itself.
    public var provider: Provider? {
        _read { yield storage.provider }   // borrowed: reading `provider?.name` copies no field of the provider
        set { willChange(); storage.provider = newValue }
        _modify { willChange(); yield &storage.provider }
    }
    /// The parameter name it is passed as; nil for `dependencies=[...]` entries.
    public var name: String? {
        get { storage.name }
        set { willChange(); storage.name = newValue }
        _modify { willChange(); yield &storage.name }
    }
    /// The use-site declaration (`Depends(...)`/`Security(...)`); nil for the handler.
    public var use: DependsSpec? {
        _read { yield storage.use }
        set { willChange(); storage.use = newValue }
        _modify { willChange(); yield &storage.use }
    }
    public var dependencies: [Dependant] {
        get { storage.dependencies }
        set { willChange(); storage.dependencies = newValue }
        _modify { willChange(); yield &storage.dependencies }
    }
    public var requestParams: [ResolvedParam] {
        get { storage.requestParams }
        set { willChange(); storage.requestParams = newValue }
        _modify { willChange(); yield &storage.requestParams }
    }
    public var backgroundTasksParam: String? {
        get { storage.backgroundTasksParam }
        set { willChange(); storage.backgroundTasksParam = newValue }
        _modify { willChange(); yield &storage.backgroundTasksParam }
    }
    public var securityScopesParam: String? {
        get { storage.securityScopesParam }
        set { willChange(); storage.securityScopesParam = newValue }
        _modify { willChange(); yield &storage.securityScopesParam }
    }
    public var requestObjectParam: String? {
        get { storage.requestObjectParam }
        set { willChange(); storage.requestObjectParam = newValue }
        _modify { willChange(); yield &storage.requestObjectParam }
    }
    public var responseObjectParam: String? {
        get { storage.responseObjectParam }
        set { willChange(); storage.responseObjectParam = newValue }
        _modify { willChange(); yield &storage.responseObjectParam }
    }
    public var ownScopes: [String] {
        get { storage.ownScopes }
        set { willChange(); storage.ownScopes = newValue }
        _modify { willChange(); yield &storage.ownScopes }
    }
    public var parentScopes: [String] {
        get { storage.parentScopes }
        set { willChange(); storage.parentScopes = newValue }
        _modify { willChange(); yield &storage.parentScopes }
    }
    /// Where this dependency was declared: `app`, `router api`, `decorator`, `param` (for display).
    public var level: String {
        get { storage.level }
        set { willChange(); storage.level = newValue }
        _modify { willChange(); yield &storage.level }
    }

    public init(provider: Provider?, name: String?, use: DependsSpec?, dependencies: [Dependant] = [],
                requestParams: [ResolvedParam] = [], backgroundTasksParam: String? = nil, securityScopesParam: String? = nil,
                ownScopes: [String] = [], parentScopes: [String] = [], level: String = "param") {
        storage = Storage(provider: provider, name: name, use: use, dependencies: dependencies, requestParams: requestParams,
                          backgroundTasksParam: backgroundTasksParam, securityScopesParam: securityScopesParam, ownScopes: ownScopes,
                          parentScopes: parentScopes, level: level, facts: nil)
    }

    /// Facts computed once when the route is compiled (`prepared(for:)`); any change to the fields above drops them.
    var facts: DependantFacts? {
        get { storage.facts }
        set {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            storage.facts = newValue
        }
    }

    public var callName: String { provider?.name ?? "handler" }

    /// Named sub-dependencies, request parameters and injected objects: the arguments the solver collects here.
    var argumentCount: Int {
        if let facts { return facts.argumentCount }
        var n = requestParams.count
        for sub in dependencies where sub.name != nil { n += 1 }
        for injected in [backgroundTasksParam, securityScopesParam, requestObjectParam, responseObjectParam] where injected != nil { n += 1 }
        return n
    }
    public var isGenerator: Bool { provider?.isGenerator ?? false }

    /// `_get_oauth_scopes`: parent scopes, then own ones not already present.
    public var oauthScopes: [String] {
        var scopes = parentScopes
        for s in ownScopes where !scopes.contains(s) { scopes.append(s) }
        return scopes
    }

    /// `_get_computed_scope`: the explicit `scope=`, else "request" for a generator, else none.
    public var computedScope: String? {
        if let s = use?.scope { return s }
        return isGenerator ? "request" : nil
    }

    /// `_uses_scopes` (0.121+): own scopes, a SecurityScopes parameter, a security scheme, or a sub-dependency that does.
    public var usesScopes: Bool {
        if let facts { return facts.usesScopes }
        if !ownScopes.isEmpty || securityScopesParam != nil || provider?.securityScheme != nil { return true }
        return dependencies.contains { $0.usesScopes }
    }

    /// FastAPI's per-request cache key under the given profile.
    public func cacheKey(_ profile: Profile) -> CacheKey {
        if let facts, facts.scopesOnlyWhenUsed == profile.scopesOnlyWhenUsed { return facts.key }
        let name = provider?.name ?? "handler"
        if profile.scopesOnlyWhenUsed {
            let scopes = usesScopes ? CacheKey.sortedUnique(oauthScopes) : []
            return CacheKey(call: name, scopes: scopes, scope: computedScope ?? "")
        }
        return CacheKey(call: name, scopes: CacheKey.sortedUnique(oauthScopes), scope: nil)
    }
}

/// What a compiled dependant knows about itself, shared by every copy of it (immutable, hence Sendable). The
/// solver reads these at every use instead of copying the provider and the declaration out of the dependant.
final class DependantFacts: Sendable {
    let usesScopes: Bool
    let scopesOnlyWhenUsed: Bool
    let key: CacheKey
    /// The key's index in its route's `CacheSlots` (`numbering` says which table): the per-request cache is an
    /// array, not a hash table.
    let slot: Int
    let numbering: CacheSlots.Numbering
    let callName: String
    let useCache: Bool
    /// Nothing to solve below it: no sub-dependencies, request parameters or injected objects.
    let isLeaf: Bool
    /// The provider has a `wrapped_by:` decorator (the wrapped-callable checks apply).
    let isWrapped: Bool
    /// The provider, boxed: `call`/`enter`/`exit` pass `providerBox.value` on borrowed instead of copying it.
    let providerBox: ProviderBox?
    /// The dependant's own fields the solver reads at every use (see `Fields`).
    let fields: Fields
    /// The provider's `{{call}}` counter in the app's `CallCounters` (nil: counted by name).
    let callCounter: Int?
    /// How many arguments the solver collects here (named sub-dependencies, request parameters, injected
    /// objects): the size its argument dictionary is made with.
    var argumentCount: Int { fields.argumentCount }
    init(usesScopes: Bool, scopesOnlyWhenUsed: Bool, key: CacheKey, slot: Int, numbering: CacheSlots.Numbering, callName: String,
         useCache: Bool, isLeaf: Bool, isWrapped: Bool = false, providerBox: ProviderBox? = nil, fields: Fields, callCounter: Int? = nil) {
        self.callCounter = callCounter
        self.isWrapped = isWrapped
        self.providerBox = providerBox
        self.fields = fields
        self.numbering = numbering
        self.usesScopes = usesScopes
        self.scopesOnlyWhenUsed = scopesOnlyWhenUsed
        self.key = key
        self.slot = slot
        self.callName = callName
        self.useCache = useCache
        self.isLeaf = isLeaf
    }
}

/// A large value in an immutable box shared by its holders: `box.value` passed on inside
/// `withExtendedLifetime(box)` is borrowed, where binding the value to a local copies each of its fields (a retain
/// each) at every use. A dependant's provider and the engine's compiled routes are kept so.
final class SharedBox<Boxed: Sendable>: Sendable {
    let value: Boxed
    init(_ value: Boxed) { self.value = value }
}

typealias ProviderBox = SharedBox<Provider>

extension Dependant {
    /// The tree with each dependant's scope use and cache key computed once, bottom-up (children first, so
    /// `usesScopes` reads theirs instead of walking the subtree at every use), every key numbered in `slots`.
    /// Recursive like the builder: run it where the builder ran (`DeepStack` for deep routes).
    func prepared(for profile: Profile, slots: inout [CacheKey: Int], numbering: CacheSlots.Numbering,
                  counters: CallCounters = .none) -> Dependant {
        var d = self
        var children = d.dependencies
        for i in children.indices { children[i] = children[i].prepared(for: profile, slots: &slots, numbering: numbering, counters: counters) }
        d.dependencies = children
        let uses = d.usesScopes
        let key = d.cacheKey(profile)
        let slot: Int
        if let n = slots[key] { slot = n } else { slot = slots.count; slots[key] = slot }
        let leaf = d.dependencies.isEmpty && d.requestParams.isEmpty && d.backgroundTasksParam == nil && d.securityScopesParam == nil
            && d.requestObjectParam == nil && d.responseObjectParam == nil
        d.facts = DependantFacts(usesScopes: uses, scopesOnlyWhenUsed: profile.scopesOnlyWhenUsed, key: key, slot: slot, numbering: numbering,
                                 callName: d.callName, useCache: d.use?.useCache ?? true, isLeaf: leaf,
                                 isWrapped: d.provider?.wrappedBy != nil, providerBox: d.provider.map(ProviderBox.init),
                                 fields: DependantFacts.Fields(d), callCounter: d.provider.flatMap { counters.numbers[$0.name] })
        return d
    }
}
