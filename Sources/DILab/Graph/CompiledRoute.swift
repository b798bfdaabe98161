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
    public var route: Route {
        didSet { isWebSocket = route.isWebSocket; traceName = "\(route.method) \(fullPath)"; handlerCounter = nil }
    }
    public var fullPath: String { didSet { pattern = PathPattern(fullPath); traceName = "\(route.method) \(fullPath)" } }
    public var dependant: Dependant {
        didSet {
            (bodyParams, embedsBody) = CompiledRoute.bodyFacts(dependant)
            cacheSlots = .none   // a replaced tree's numbers are not this table's: every key goes by hash
        }
    }
    /// Level dependencies in FastAPI's order (app, include, router, decorator), for display.
    public var levels: [(level: String, spec: DependsSpec)]
    /// The deepest dependant under the handler (1 for a direct dependency): against FastAPI's recursion limits.
    public var depth: Int = 0
    /// The response class FastAPI builds this route's response with: the first one named, nearest first — the
    /// route's `response_class`, then for each router from the innermost out its own `default_response_class` and
    /// the one its `include_router(...)` gave, then the app's; JSONResponse when none is named.
    public var responseClass: ResponseClass = .json

    // Known when the app is compiled, so no request recomputes them; kept in step with the fields above.
    /// `fullPath`, split for matching.
    public private(set) var pattern: PathPattern
    /// Every body parameter of the tree, depth-first (`get_flat_dependant(...).body_params`).
    public private(set) var bodyParams: [ResolvedParam]
    /// Whether body parameters are embedded under their names (more than one distinct name).
    public private(set) var embedsBody: Bool
    /// A `WEBSOCKET` route: matched only by websocket scopes (a method compare per route per request, else).
    public private(set) var isWebSocket: Bool
    /// The tree's cache keys, numbered by `prepared(for:slots:)`.
    public internal(set) var cacheSlots: CacheSlots = .none
    /// The handler's `{{call}}` counter in the app's `CallCounters` and the name it counts (nil: counted by name).
    var handlerCounter: (number: Int, key: String)?
    /// `METHOD /full/path`, the name a request's trace gives its route (was interpolated once per request).
    public private(set) var traceName: String

    public init(route: Route, fullPath: String, dependant: Dependant, levels: [(level: String, spec: DependsSpec)], depth: Int = 0) {
        self.route = route
        self.fullPath = fullPath
        self.dependant = dependant
        self.levels = levels
        self.depth = depth
        pattern = PathPattern(fullPath)
        (bodyParams, embedsBody) = CompiledRoute.bodyFacts(dependant)
        isWebSocket = route.isWebSocket
        traceName = "\(route.method) \(fullPath)"
    }

    static func bodyFacts(_ d: Dependant) -> ([ResolvedParam], Bool) {
        var params: [ResolvedParam] = []
        // Iterative, pre-order as the recursive `own + children.flatMap` was: a deep chain is not this stack.
        var todo: [Dependant] = [d]
        while let next = todo.popLast() {
            params += next.requestParams.filter { $0.source == .body }
            todo += next.dependencies.reversed()
        }
        return (params, Set(params.map(\.name)).count > 1)
    }
}
