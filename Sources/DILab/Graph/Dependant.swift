/// FastAPI's `Dependant`, for one use site: the callable, how it was declared, and what it needs.
/// Built the way `get_dependant` builds it, so the engine can solve it the way `solve_dependencies` does.
public struct Dependant: Sendable {
    /// The provider called here, or nil for the route handler itself.
    public var provider: Provider?
    /// The parameter name it is passed as; nil for `dependencies=[...]` entries.
    public var name: String?
    /// The use-site declaration (`Depends(...)`/`Security(...)`); nil for the handler.
    public var use: DependsSpec?
    public var dependencies: [Dependant]
    public var requestParams: [ResolvedParam]
    public var backgroundTasksParam: String?
    public var securityScopesParam: String?
    public var ownScopes: [String]
    public var parentScopes: [String]
    /// Where this dependency was declared: `app`, `router api`, `decorator`, `param` (for display).
    public var level: String

    public init(provider: Provider?, name: String?, use: DependsSpec?, dependencies: [Dependant] = [],
                requestParams: [ResolvedParam] = [], backgroundTasksParam: String? = nil, securityScopesParam: String? = nil,
                ownScopes: [String] = [], parentScopes: [String] = [], level: String = "param") {
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
    }

    public var callName: String { provider?.name ?? "handler" }
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
        if !ownScopes.isEmpty || securityScopesParam != nil || provider?.securityScheme != nil { return true }
        return dependencies.contains { $0.usesScopes }
    }

    /// FastAPI's per-request cache key under the given profile.
    public func cacheKey(_ profile: Profile) -> CacheKey {
        let name = provider?.name ?? "handler"
        if profile.scopesOnlyWhenUsed {
            let scopes = usesScopes ? Array(Set(oauthScopes)).sorted() : []
            return CacheKey(call: name, scopes: scopes, scope: computedScope ?? "")
        }
        return CacheKey(call: name, scopes: Array(Set(oauthScopes)).sorted(), scope: nil)
    }
}

/// `(call, scopes, computed scope)`: ≤0.120 has no scope part.
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    public var call: String
    public var scopes: [String]
    public var scope: String?
    public var description: String {
        let s = "(" + ([call, "(" + scopes.map { "'\($0)'" }.joined(separator: ", ") + (scopes.count == 1 ? ",)" : ")")] + (scope.map { ["'\($0)'"] } ?? [])).joined(separator: ", ") + ")"
        return s
    }
}

/// A request parameter with its source decided (path vs query inferred from the route path).
public struct ResolvedParam: Sendable {
    public var name: String
    public var spec: RequestParam
    public var source: RequestParam.Source
    /// The key looked up in the request: header names are hyphenated, aliases win.
    public var key: String
}

/// A route with its full path and the root dependant FastAPI builds for it.
public struct CompiledRoute: Sendable {
    public var route: Route
    public var fullPath: String
    public var dependant: Dependant
    /// Level dependencies in FastAPI's order (app, include, router, decorator), for display.
    public var levels: [(level: String, spec: DependsSpec)]
    /// The deepest dependant under the handler (1 for a direct dependency): against FastAPI's recursion limits.
    public var depth: Int = 0
}
