import DILab

/// The app part of the export: lifespans, `FastAPI(...)`, routers, path operations, includes,
/// exception handlers and `dependency_overrides`.
struct AppWriter {
    let scenario: Scenario

    func write(into w: inout PythonWriter) {
        w.section("app")
        let appLifespan = scenario.app.lifespan ?? (setsThreadpool ? Lifespan() : nil)
        if let l = appLifespan { lifespan("lifespan", l, threadpool: setsThreadpool, into: &w) }
        for r in scenario.routers { if let l = r.lifespan { lifespan("\(r.name)_lifespan", l, into: &w) } }
        var args: [String] = []
        if !scenario.app.dependencies.isEmpty { args.append("dependencies=" + dependsList(scenario.app.dependencies)) }
        if appLifespan != nil { args.append("lifespan=lifespan") }
        if let c = scenario.app.defaultResponseClass { args.append("default_response_class=\(c.rawValue)") }
        w.line()
        w.line("app = FastAPI(\(args.joined(separator: ", ")))")
        // `app: {state: ...}`: names checked as Python identifiers by the loader, values written as data literals.
        for (k, v) in scenario.app.state { w.line("app.state.\(k) = " + PythonSyntax.literal(v)) }
        for r in scenario.routers {
            var a: [String] = []
            if !r.prefix.isEmpty { a.append("prefix=\(PythonSyntax.string(r.prefix))") }
            if !r.dependencies.isEmpty { a.append("dependencies=" + dependsList(r.dependencies)) }
            if r.lifespan != nil { a.append("lifespan=\(r.name)_lifespan") }
            if let c = r.defaultResponseClass { a.append("default_response_class=\(c.rawValue)") }
            w.line("\(r.name) = APIRouter(\(a.joined(separator: ", ")))")
        }
        for route in scenario.routes {
            if let handler = route.webSocket {
                WebSocketWriter(scenario: scenario, route: route, handler: handler).write(into: &w)
            } else {
                RouteWriter(scenario: scenario, route: route).write(into: &w)
            }
        }
        includes(into: &w)
        exceptionHandlers(into: &w)
        MiddlewareWriter(scenario: scenario).write(into: &w)
        w.line()
        if !ExportTracing.isOff { w.line("app.add_middleware(RequestIds)") }
        for o in scenario.overrides { w.line("app.dependency_overrides[\(o.original)] = \(o.replacement)") }
    }

    func dependsList(_ specs: [DependsSpec]) -> String {
        "[" + specs.map { Signatures.depends($0) }.joined(separator: ", ") + "]"
    }

    /// `app: {threadpool_tokens: N}`: AnyIO's default thread limiter is set in the lifespan, on the loop that serves.
    var setsThreadpool: Bool {
        scenario.app.threadpoolLocation != nil || scenario.app.threadpoolTokens != AppConfig.defaultThreadpoolTokens
    }

    func lifespan(_ name: String, _ l: Lifespan, threadpool: Bool = false, into w: inout PythonWriter) {
        let body = Bodies(syntax: PythonSyntax(), subject: "", isAsync: true, backgroundTasks: nil)
        let isApps = name == "lifespan"
        func steps(_ kind: String, _ steps: [LifespanStep], _ w: inout PythonWriter) {
            for s in steps {
                w.line("record(\"\(kind)\", \(PythonSyntax.string(s.name)))")
                for (k, t) in s.sets {
                    w.line("STATE[\(PythonSyntax.string(k))] = " + body.syntax.template(t))
                    // The app's own lifespan also sets `app.state`, which `request.app.state` reads.
                    if isApps, PythonName.isIdentifier(k) { w.line("setattr(app.state, \(PythonSyntax.string(k)), STATE[\(PythonSyntax.string(k))])") }
                }
                body.pause(s.duration, into: &w)
            }
        }
        w.line()
        w.line()
        w.line("@asynccontextmanager")
        w.line("async def \(name)(app):")
        w.indented { w in
            if threadpool {
                w.line("# sync dependencies, handlers and tasks share AnyIO's worker threads: \(scenario.app.threadpoolTokens) here, 40 by default")
                w.line("anyio.to_thread.current_default_thread_limiter().total_tokens = \(scenario.app.threadpoolTokens)")
            }
            steps("lifespan.start", l.startup, &w)
            w.line("yield")
            steps("lifespan.end", l.shutdown, &w)
        }
    }

    /// Innermost routers first: FastAPI copies a router's routes when it is included, so a nested router
    /// must already be in its parent when the parent is included.
    func includes(into w: inout PythonWriter) {
        func depth(_ r: Router) -> Int {
            var d = 0
            var current = r.includedIn
            while current != "app", let parent = scenario.router(named: current), d < 50 { d += 1; current = parent.includedIn }
            return d
        }
        let ordered = scenario.routers.enumerated().sorted { (depth($0.element), -$0.offset) > (depth($1.element), -$1.offset) }.map(\.element)
        guard !ordered.isEmpty else { return }
        w.line()
        for r in ordered {
            var a = [r.name]
            if !r.includePrefix.isEmpty { a.append("prefix=\(PythonSyntax.string(r.includePrefix))") }
            if !r.includeDependencies.isEmpty { a.append("dependencies=" + dependsList(r.includeDependencies)) }
            if let c = r.includeDefaultResponseClass { a.append("default_response_class=\(c.rawValue)") }
            w.line("\(r.includedIn).include_router(\(a.joined(separator: ", ")))")
        }
    }

    func exceptionHandlers(into w: inout PythonWriter) {
        for h in scenario.app.exceptionHandlers {
            var syntax = PythonSyntax()
            syntax.roots["exc"] = "describe(exc)"
            w.line()
            w.line()
            w.line("@app.exception_handler(\(h.exception))")
            w.line("async def handle_\(h.exception.lowercased())(request: Request, exc: \(h.exception)):")
            w.indented { w in
                w.line("record(\"catch\", \"exception_handler(\(h.exception))\", summary(exc) + \(PythonSyntax.string(" → \(h.status)")))")
                w.line("return JSONResponse(\(syntax.template(h.body)), status_code=\(h.status))")
            }
        }
    }
}

/// One path operation: the decorator, the handler's signature and its body.
struct RouteWriter {
    let scenario: Scenario
    let route: Route

    static let decorators: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]

    func write(into w: inout PythonWriter) {
        let owner = route.router ?? "app"
        var args = [PythonSyntax.string(route.path)]
        if !route.dependencies.isEmpty { args.append("dependencies=[" + route.dependencies.map { Signatures.depends($0) }.joined(separator: ", ") + "]") }
        // A RedirectResponse answers 307 unless `status_code=` is given, so a written `status: 200` is written too.
        if route.stream == nil, route.responseBackground == nil, route.status != 200 || route.statusWritten && redirects {
            args.append("status_code=\(route.status)")
        }
        if let c = route.responseClass { args.append("response_class=\(c.rawValue)") }
        args += ModelWriter.decoratorArgs(route.responseModel)
        let decorator = Self.decorators.contains(route.method)
            ? "@\(owner).\(route.method.lowercased())(\(args.joined(separator: ", ")))"
            : "@\(owner).api_route(\(args.joined(separator: ", ")), methods=[\(PythonSyntax.string(route.method))])"
        let usesBT = route.params.contains { if case .backgroundTasks = $0.kind { return true } else { return false } }
        let btName = route.params.first { if case .backgroundTasks = $0.kind { return true } else { return false } }?.name ?? "background_tasks"
        let extraBT = !usesBT && !route.addsTasks.isEmpty ? btName : nil
        if let wrapped = route.wrappedBy, definesDecorator(wrapped.decorator) {
            w.line()
            w.line()
            ProviderWriter(scenario: scenario, late: [:]).writeDecoratorDefinition(wrapped.decorator, wrapped, into: &w)
        }
        w.line()
        w.line()
        w.line(decorator)
        // `@app.get(...)` above `@noop_wrap`, as FastAPI's test_dependency_wrapped.py decorates its endpoints.
        if let wrapped = route.wrappedBy { w.line("@" + wrapped.decorator) }
        let returns = route.returnAnnotation.map { " -> " + $0.python } ?? ""
        w.line("\(route.isAsync ? "async def" : "def") \(route.handlerName)(\(Signatures.list(route.params, extraBackgroundTasks: extraBT)))\(returns):")
        w.indented { w in body(btName, into: &w) }
    }

    /// Whether this route defines its decorator: no provider uses it (providers are written first) and no route before.
    func definesDecorator(_ name: String) -> Bool {
        guard !scenario.providers.contains(where: { $0.wrappedBy?.decorator == name }) else { return false }
        let first = scenario.routes.first { $0.wrappedBy?.decorator == name }
        return first?.location == route.location && first?.method == route.method && first?.path == route.path
    }

    /// Whether FastAPI builds this route's response with RedirectResponse (its own class or a default above it).
    var redirects: Bool {
        var compiler = GraphBuilder(scenario: scenario, profile: scenario.profile)
        return compiler.compile(route).responseClass == .redirect
    }

    var roots: Set<String> {
        var r = route.returns?.roots ?? []
        for s in route.raises { r += (s.detail?.roots ?? []) + (s.message?.roots ?? []) + (s.when?.expr.roots ?? []) }
        for c in route.addsTasks + (route.responseBackground.map { [$0] } ?? []) { r += c.args.flatMap(\.1.roots) + (c.when?.expr.roots ?? []) }
        for c in route.stream?.chunks ?? [] { r += c.roots }
        r += route.sets?.headers.flatMap(\.1.roots) ?? []
        r += route.requestState.flatMap(\.1.roots)
        r += route.contextSets.flatMap(\.1.roots)
        return Set(r)
    }

    func body(_ bt: String, into w: inout PythonWriter) {
        var syntax = PythonSyntax.function(params: route.params.map(\.name))
        syntax.raiser = ("raise", PythonSyntax.string(route.handlerName))
        syntax.objects = PlainTemplates.objectParams(route.params, scenario)
        syntax.scalars = PythonSyntax.scalarParams(route.params)
        var b = Bodies(syntax: syntax, subject: PythonSyntax.string(route.handlerName), isAsync: route.isAsync, backgroundTasks: bt)
        b.responseSets = Bodies.responseSets(route.sets, route.params)
        b.requestState = Bodies.requestState(route.requestState, route.params)
        b.contextSets = route.contextSets
        let always = b.prologue(kind: "handler", counter: PythonSyntax.string("handler:" + route.handlerName), usesCall: syntax.reads(.call, in: roots),
                                duration: route.duration, tasks: route.addsTasks, raising: route.raises, into: &w)
        guard !always else { return }
        let content = route.returns.map(b.syntax.template) ?? "None"
        let status = route.status != 200 ? ", status_code=\(route.status)" : ""
        if let stream = route.stream {
            streaming(stream, status: status, into: &w)
        } else if let bg = route.responseBackground {
            let args = ([bg.task] + bg.args.map { "\($0.0)=" + b.syntax.template($0.1) }).joined(separator: ", ")
            w.line("# a Response with its own background= replaces the tasks added to BackgroundTasks")
            w.line("return JSONResponse(\(content)\(status), background=BackgroundTask(\(args)))")
        } else {
            w.line("return " + content)
        }
    }

    /// A `StreamingResponse` whose generator records each chunk as it is produced.
    func streaming(_ stream: StreamSpec, status: String, into w: inout PythonWriter) {
        var syntax = PythonSyntax.function(params: route.params.map(\.name))
        let index = PythonSyntax.freeName("i", avoiding: syntax.locals)
        syntax.roots["i"] = index
        syntax.scalars = PythonSyntax.scalarParams(route.params)
        w.line()
        w.line("async def chunks():")
        w.indented { w in
            for (i, chunk) in stream.chunks.enumerated() {
                if stream.every > 0 { w.line(Bodies.asyncPause(stream.every)) }
                let piece = syntax.textTemplate(chunk)
                if PythonNames.used(in: piece).contains(index) { w.line("\(index) = \(i)") }
                w.line("piece = " + piece)
                w.line("record(\"chunk\", \"\(i)\")")
                w.line("yield piece")
            }
        }
        w.line()
        w.line("return StreamingResponse(chunks(), media_type=\"text/plain\"\(status))")
    }
}
