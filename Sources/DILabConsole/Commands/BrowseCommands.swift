import DILab

/// `routes`, `providers`, `graph`: what the loaded app declares, as FastAPI builds it.
enum BrowseCommands {
    static let all: [ConsoleCommand] = [routes, providers, graph]

    static let routes = ConsoleCommand(
        name: "routes", usage: "routes",
        summary: "List the routes: method, path, handler, and the dependencies each one declares directly.",
        needsScenario: true
    ) { state, call in
        try call.requireNoArguments("routes")
        let (_, app, _) = try state.requireScenario()
        let width = app.routes.map { $0.route.method.count + 1 + $0.fullPath.count }.max() ?? 0
        return app.routes.map { r in
            let head = "\(r.route.method) \(r.fullPath)"
            let deps = r.dependant.dependencies.map(\.callName)
            return state.style.bold(head.padding(toLength: width, withPad: " ", startingAt: 0)) + "  → \(r.route.handlerName)"
                + (deps.isEmpty ? "" : state.style.dim("  depends: " + deps.joined(separator: ", "))) + "\n"
        }.joined()
    }

    static let providers = ConsoleCommand(
        name: "providers", aliases: ["deps"], usage: "providers",
        summary: "List the providers (dependencies) with their kind and where they are used.",
        needsScenario: true
    ) { state, call in
        try call.requireNoArguments("providers")
        let (scenario, app, _) = try state.requireScenario()
        let width = scenario.providers.map(\.name.count).max() ?? 0
        return scenario.providers.map { p in
            let users = app.routes.filter { uses($0.dependant, p.name) }.map { "\($0.route.method) \($0.fullPath)" }
            let overridden = state.overrides[p.name].map { "  overridden by \($0)" } ?? ""
            return state.style.bold(p.name.padding(toLength: width, withPad: " ", startingAt: 0)) + "  " + tags(p).joined(separator: ", ")
                + state.style.yellow(overridden)
                + state.style.dim(users.isEmpty ? "  (not used by any route)" : "  used by " + users.joined(separator: ", ")) + "\n"
        }.joined()
    }

    static func tags(_ p: Provider) -> [String] {
        var t = [p.isAsync ? "async" : "sync"]
        if p.isGenerator { t.append("yield") }
        if p.form == .classType { t.append("class") }
        if let i = p.instanceOf { t.append("instance of \(i)") }
        if p.lruCache { t.append("lru_cache") }
        if let s = p.securityScheme { t.append(s.kind.rawValue) }
        return t
    }

    static func uses(_ d: Dependant, _ name: String) -> Bool {
        d.dependencies.contains { $0.callName == name || uses($0, name) }
    }

    static let graph = ConsoleCommand(
        name: "graph", aliases: ["tree"], usage: "graph [ROUTE|HANDLER] [tree|dot|mermaid]",
        summary: "Show the dependency graph FastAPI builds for each route (or one route) as a tree, DOT or Mermaid.",
        examples: ["graph", "graph /users/{user_id}", "graph read_user", "graph mermaid"],
        arguments: [[.route, .words(["tree", "dot", "mermaid"])], [.words(["tree", "dot", "mermaid"])]],
        needsScenario: true
    ) { state, call in
        let (_, app, _) = try state.requireScenario()
        var format = GraphRenderer.Format.tree
        var selected: [CompiledRoute] = app.routes
        for arg in call.args {
            if let f = GraphRenderer.Format(rawValue: arg.lowercased()) {
                format = f
            } else {
                selected = try findRoutes(arg, in: app)
            }
        }
        if format != .tree {
            guard selected.count == app.routes.count else { throw ConsoleError("dot and mermaid show the whole app; leave out the route") }
            return GraphRenderer.render(app, format: format)
        }
        return selected.map(GraphRenderer.tree).joined(separator: "\n")
    }

    /// A route named by path (`/users/{user_id}`), by method and path, or by handler name.
    static func findRoutes(_ arg: String, in app: CompiledApp) throws -> [CompiledRoute] {
        let found = app.routes.filter { $0.fullPath == arg || $0.route.handlerName == arg || "\($0.route.method) \($0.fullPath)" == arg }
        guard !found.isEmpty else {
            let names = app.routes.flatMap { [$0.fullPath, $0.route.handlerName] }
            throw ConsoleError("no route '\(arg)'", hint: Suggest.closest(to: arg, in: names).map { "did you mean `\($0)`?" } ?? "`routes` lists them")
        }
        return found
    }
}
