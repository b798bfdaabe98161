/// Builds dependants the way FastAPI's `get_dependant` does when a route is registered, and records what
/// FastAPI would refuse (DependencyScopeError, RecursionError, TypeError) next to what dilab cannot resolve.
public struct GraphBuilder {
    public let scenario: Scenario
    public let profile: Profile
    public private(set) var problems: [Diagnostic] = []

    /// Dependants built so far, against `maxDependants` (one past it once the overflow is reported).
    var built = 0
    /// The deepest dependant built for the route being compiled (the route itself is 0).
    var deepest = 0
    /// The route being compiled: a `WebSocket` or `Request` parameter anywhere in its tree depends on its kind.
    var compiling: Route?
    /// The app's call counters, numbered before its routes are compiled (`Validator.compile`); none: counted by name.
    var callCounters = CallCounters.none

    public init(scenario: Scenario, profile: Profile) {
        self.scenario = scenario
        self.profile = profile
    }

    /// `get_dependant` recurses once per level. Measured on Python 3.11 (limit 1000) with FastAPI 0.165, a
    /// module-level route whose chain is this many providers deep fails to register with RecursionError
    /// (982 deep registers). See docs/beyond-the-spec.md.
    public static let registrationDepthLimit = 983
    /// A chain that registers but is at least this deep dies in `solve_dependencies` at request time:
    /// RecursionError, a 500 (956 deep is served).
    public static let requestDepthLimit = 957
    /// FastAPI builds the dependant tree without sharing, so diamonds grow it exponentially. dilab refuses an
    /// app beyond this many use sites instead of hanging, as FastAPI would.
    public static let maxDependants = 200_000

    /// The message FastAPI's `get_dependant` raises, verbatim.
    public static func scopeErrorMessage(_ parent: String) -> String {
        "The dependency \"\(parent)\" has a scope of \"request\", it cannot depend on dependencies with scope \"function\"."
    }

    /// Only the stable part: the tail ("in comparison", "while calling a Python object") depends on which
    /// frame hits the limit, which varies with how the cycle is written, not with the FastAPI version.
    public func recursionMessage() -> String {
        "maximum recursion depth exceeded"
    }

    var reported: Set<String> = []

    mutating func report(_ d: Diagnostic) {
        if reported.insert("\(d.location)|\(d.rule)|\(d.message)").inserted { problems.append(d) }
    }

    /// The chain of routers from the outermost include down to `name`.
    public mutating func routerChain(_ name: String?, from location: SourceLocation) -> [Router] {
        var chain: [Router] = []
        var current = name
        var seen: Set<String> = []
        while let n = current, n != "app" {
            guard let r = scenario.router(named: n) else {
                report(Diagnostic(location: location, rule: "unknown-router", message: "unknown router '\(n)'",
                                  hint: Suggest.hint(for: n, among: scenario.routers.map(\.name), kind: "routers")))
                return chain
            }
            guard seen.insert(n).inserted else {
                report(Diagnostic(location: r.location, rule: "router-cycle", message: "router '\(n)' is included in itself",
                                  hint: "set `include: {in: app}` on one of the routers"))
                return chain
            }
            chain.insert(r, at: 0)
            current = r.includedIn
            if let parent = current, parent != "app", scenario.router(named: parent) == nil {
                report(Diagnostic(location: r.location, rule: "unknown-router", message: "router '\(n)' is included in unknown router '\(parent)'",
                                  hint: Suggest.hint(for: parent, among: scenario.routers.map(\.name) + ["app"], kind: "routers")))
                return chain
            }
        }
        return chain
    }

    /// `APIRoute.__init__`: level dependencies first (app, then each include before its router), then the signature.
    public mutating func compile(_ route: Route) -> CompiledRoute {
        let chain = routerChain(route.router, from: route.location)
        var levels: [(String, DependsSpec)] = scenario.app.dependencies.map { ("app", $0) }
        var fullPath = ""
        for r in chain {
            levels += r.includeDependencies.map { ("include \(r.name)", $0) }
            levels += r.dependencies.map { ("router \(r.name)", $0) }
            fullPath += r.includePrefix + r.prefix
        }
        levels += route.dependencies.map { ("decorator", $0) }
        fullPath += route.path
        let pathParams = GraphBuilder.pathParamNames(fullPath)
        deepest = 0
        compiling = route
        defer { compiling = nil }
        var root = Dependant(provider: nil, name: nil, use: nil, level: "handler")
        for (level, spec) in levels {
            if let d = subDependant(spec: spec, name: nil, parent: root, pathParams: pathParams, stack: [], level: level) {
                root.dependencies.append(d)
            }
        }
        absorb(params: route.params, into: &root, pathParams: pathParams, stack: [], parentIsGenerator: false, parentName: route.handlerName)
        var slots: [CacheKey: Int] = [:]
        let numbering = CacheSlots.Numbering()
        let prepared = root.prepared(for: profile, slots: &slots, numbering: numbering, counters: callCounters)
        var compiled = CompiledRoute(route: route, fullPath: fullPath, dependant: prepared, levels: levels, depth: deepest)
        compiled.cacheSlots = CacheSlots(slots, numbering: numbering)
        let handlerKey = CallCounters.handlerKey(route.handlerName)
        compiled.handlerCounter = callCounters.numbers[handlerKey].map { ($0, callCounters.names[$0]) }   // the table's own string
        compiled.responseClass = responseClass(route, chain: chain)
        return compiled
    }

    /// FastAPI's `get_value_or_default` down the include chain (`test_include_router_defaults_overrides.py`): the
    /// first class actually named wins, nearest the route first. A route that returns its own Response (a stream,
    /// `response_background:`) is not built by the class at all.
    mutating func responseClass(_ route: Route, chain: [Router]) -> ResponseClass {
        var named: [ResponseClass?] = [route.responseClass]
        for r in chain.reversed() { named += [r.defaultResponseClass, r.includeDefaultResponseClass] }
        named.append(scenario.app.defaultResponseClass)
        let cls = named.lazy.compactMap { $0 }.first ?? .json
        if route.stream != nil || route.responseBackground != nil || route.isWebSocket { return .json }
        if cls == .redirect, let returns = route.returns, returns.isContainer {
            report(Diagnostic(location: route.location, rule: "response-class",
                              message: "route '\(route.method) \(route.path)' is answered by a RedirectResponse, whose URL is str() of what the handler returns; dilab writes only a string (or number) there",
                              hint: "return the URL: `returns: /target`"))
        }
        return cls
    }

    /// `Depends(..., scope=...)` before 0.121, and `Security(..., scope=...)` always, is a TypeError when Python
    /// evaluates the default, which happens when the module is imported: for every provider, used or not.
    mutating func checkScopeKeyword(_ spec: DependsSpec) {
        checkMaxConcurrency(spec)
        if spec.scope != nil {
            if spec.isSecurity {
                report(Diagnostic(location: spec.scopeLocation ?? spec.location, origin: .fastapi, rule: "scope-keyword",
                                  message: "TypeError: Security() got an unexpected keyword argument 'scope'",
                                  hint: "Security() has no scope=; use Depends(..., scope=...) for a yield dependency"))
            } else if !profile.supportsScope {
                report(Diagnostic(location: spec.scopeLocation ?? spec.location, origin: .fastapi, rule: "scope-keyword",
                                  message: "TypeError: Depends() got an unexpected keyword argument 'scope'",
                                  hint: "scope= exists from FastAPI 0.121; this scenario runs under FastAPI \(profile.fastapiVersion) (`fastapi: latest` to use it)"))
            }
        }
    }

    /// `max_concurrency=` is a keyword of `Depends` from 0.163; `Security()` never takes it. A value that is not a
    /// positive int is `ValueError` from `Depends.__post_init__`, when the module is imported.
    mutating func checkMaxConcurrency(_ spec: DependsSpec) {
        guard let limit = spec.maxConcurrency else { return }
        let at = spec.maxConcurrencyLocation ?? spec.location
        if spec.isSecurity {
            report(Diagnostic(location: at, origin: .fastapi, rule: "max-concurrency",
                              message: "TypeError: Security() got an unexpected keyword argument 'max_concurrency'",
                              hint: "Security() has no max_concurrency=; limit the provider with Depends(..., max_concurrency=N) where it is used"))
        } else if !profile.supportsMaxConcurrency {
            report(Diagnostic(location: at, origin: .fastapi, rule: "max-concurrency",
                              message: "TypeError: Depends() got an unexpected keyword argument 'max_concurrency'",
                              hint: "max_concurrency= exists from FastAPI 0.163; this scenario runs under FastAPI \(profile.fastapiVersion) (`fastapi: latest` to use it)"))
        } else if case .invalid = limit {
            report(Diagnostic(location: at, origin: .fastapi, rule: "max-concurrency",
                              message: "ValueError: max_concurrency must be a positive integer or None",
                              hint: "write max_concurrency=1 or more (an int literal; True, 0 and \"2\" are refused)"))
        }
    }

    /// Reports the `scope=` TypeError for providers no route reaches (an override's replacement, say).
    public mutating func checkScopeKeywordsEverywhere() {
        for provider in scenario.providers {
            for param in provider.params { if let spec = param.depends { checkScopeKeyword(spec) } }
        }
        for spec in scenario.app.dependencies + scenario.routers.flatMap({ $0.dependencies + $0.includeDependencies }) { checkScopeKeyword(spec) }
    }

    /// The dependant for one use site, or nil when the provider is unknown or the use closes a cycle.
    public mutating func subDependant(spec: DependsSpec, name: String?, parent: Dependant, pathParams: Set<String>,
                                      stack: [String], level: String, providerOverride: Provider? = nil) -> Dependant? {
        checkScopeKeyword(spec)
        guard built < GraphBuilder.maxDependants else {
            if built == GraphBuilder.maxDependants { built += 1 } else { return nil }   // reported once
            report(Diagnostic(location: spec.location, rule: "graph-size",
                              message: "the dependency tree has more than \(GraphBuilder.maxDependants) use sites: FastAPI builds every use separately, so this app would not finish starting",
                              hint: "a provider used twice at each of many levels doubles the tree per level; share fewer uses"))
            return nil
        }
        guard let provider = providerOverride ?? scenario.provider(named: spec.provider) else {
            report(Diagnostic(location: spec.location, rule: "unknown-provider", message: "unknown provider '\(spec.provider)'",
                              hint: Suggest.hint(for: spec.provider, among: scenario.providers.map(\.name), kind: "providers")))
            return nil
        }
        if stack.contains(provider.name) {
            let cycle = Array(stack.drop { $0 != provider.name }) + [provider.name]
            let shown = cycle.count <= 12 ? cycle.joined(separator: " → ")
                : (cycle.prefix(5) + ["… \(cycle.count - 10) more …"] + cycle.suffix(5)).joined(separator: " → ")
            report(Diagnostic(location: spec.location, origin: .fastapi, rule: "cycle",
                              message: "dependency cycle \(shown): FastAPI has no cycle check, so registering this route dies with RecursionError: \(recursionMessage())",
                              hint: "break the cycle: one of \(cycle.dropLast().prefix(8).joined(separator: ", "))\(cycle.count > 9 ? ", …" : "") must stop depending on the next"))
            return nil
        }
        if stack.count + 1 >= GraphBuilder.registrationDepthLimit {
            report(Diagnostic(location: spec.location, origin: .fastapi, rule: "recursion-depth",
                              message: "dependency chain \(stack.count + 1) providers deep (\(stack.first ?? provider.name) → … → \(provider.name)): FastAPI's get_dependant recurses once per level, so registering this route dies with RecursionError: \(recursionMessage())",
                              hint: "FastAPI registers chains up to \(GraphBuilder.registrationDepthLimit - 1) deep and serves up to \(GraphBuilder.requestDepthLimit - 1); flatten the chain"))
            return nil
        }
        built += 1
        deepest = max(deepest, stack.count + 1)
        var d = Dependant(provider: provider, name: name, use: spec, ownScopes: spec.isSecurity ? spec.scopes : [],
                          parentScopes: parent.oauthScopes, level: level)
        absorb(params: provider.params, into: &d, pathParams: pathParams, stack: stack + [provider.name],
               parentIsGenerator: provider.isGenerator, parentName: provider.name)
        return d
    }

    /// Adds a signature's parameters to a dependant, in order, checking the scope rule on each `Depends`.
    mutating func absorb(params: [Param], into d: inout Dependant, pathParams: Set<String>, stack: [String],
                         parentIsGenerator: Bool, parentName: String) {
        for param in params {
            switch param.kind {
            case .depends(let spec):
                if profile.supportsScope, parentIsGenerator, d.computedScope == "request", spec.scope == "function" {
                    report(Diagnostic(location: spec.scopeLocation ?? spec.location, origin: .fastapi, rule: "dependency-scope",
                                      message: "DependencyScopeError: " + GraphBuilder.scopeErrorMessage(parentName),
                                      hint: "a request-scoped yield dependency outlives the function scope: drop scope=\"function\" here, or declare \(parentName) itself with scope=\"function\" where it is used"))
                }
                if let sub = subDependant(spec: spec, name: param.name, parent: d, pathParams: pathParams, stack: stack, level: "param") {
                    d.dependencies.append(sub)
                }
            case .request(let rp):
                if let model = rp.model, let problem = ModelParamCheck.problem(param, model: model, source: rp.source, profile: profile, siblings: params) {
                    report(problem)
                }
                d.requestParams.append(GraphBuilder.resolve(param.name, rp, pathParams: pathParams))
            case .backgroundTasks:
                d.backgroundTasksParam = param.name
            case .securityScopes:
                d.securityScopesParam = param.name
            case .requestObject:
                d.requestObjectParam = param.name
                if let r = compiling, r.isWebSocket {
                    report(Diagnostic(location: param.location, rule: "websocket",
                                      message: "'\(param.name)' asks for a Request, which FastAPI never fills in a websocket endpoint (\(r.path)): the call fails with TypeError",
                                      hint: "ask for `websocket: WebSocket` instead"))
                }
            case .responseObject:
                d.responseObjectParam = param.name
            case .webSocket:
                // The connection itself: no value to solve, and only a websocket endpoint has one.
                if let r = compiling, !r.isWebSocket {
                    report(Diagnostic(location: param.location, rule: "websocket",
                                      message: "'\(param.name)' asks for the WebSocket, but \(r.method) \(r.path) is an HTTP route: FastAPI fills it only for a websocket, so the call fails with TypeError",
                                      hint: "use this dependency from a WEBSOCKET route only"))
                }
            }
        }
    }

    static func resolve(_ name: String, _ rp: RequestParam, pathParams: Set<String>) -> ResolvedParam {
        var source = rp.source
        if source == .inferred {
            // A list without Query() is a body, as FastAPI reads any sequence type (observed on all four profiles).
            if pathParams.contains(name) { source = .path } else if rp.type == .dict || rp.type == .list { source = .body } else { source = .query }
        }
        let key: String
        switch source {
        case .header: key = rp.alias ?? name.replacingOccurrences(of: "_", with: "-")
        default: key = rp.alias ?? name
        }
        return ResolvedParam(name: name, spec: rp, source: source, key: key)
    }

    public static func pathParamNames(_ path: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let inner = rest[rest.index(after: open)..<close]
            names.insert(String(inner.split(separator: ":").first ?? inner))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

import Foundation
