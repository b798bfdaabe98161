/// Decorated dependencies (`wrapped_by:`): what FastAPI makes of a sync `@functools.wraps` wrapper
/// (`def wrapper(*args, **kwargs): return func(*args, **kwargs)`) around each kind of function.
///
/// Every profile reads the parameters through `inspect.signature`, which follows `__wrapped__`: the wrapped
/// function's sub-dependencies and request parameters are solved as usual. The profiles differ in how they
/// classify the callable. 0.165 (`fastapi/dependencies/models.py`) checks the wrapper and `inspect.unwrap(call)`,
/// so the wrapper around an `async def` is awaited, around a generator entered as one. 0.120.4, 0.115.14 and
/// 0.105.0 (`is_coroutine_callable`, `is_gen_callable`, `is_async_gen_callable` in `dependencies/utils.py`) check
/// only the wrapper, a plain function: it is run in the threadpool, and what it returns — the coroutine, generator
/// or async generator object — is the dependency's value. The body never runs (observed on all four releases).
public enum WrappedCallable {
    /// What FastAPI does with a wrapped provider on a profile.
    public enum Classification: Equatable, Sendable {
        /// Classified by what the wrapped function is: awaited, entered, or called in the threadpool.
        case asWritten
        /// Called as a plain sync function; its result, an unstarted object of this Python type, is the value.
        case passedThrough(String)
        /// No `__wrapped__`: FastAPI passed the query parameters `args` and `kwargs` on as keywords, which the
        /// wrapped function does not take: a TypeError when the wrapper calls it.
        case rejectsKeywords
    }

    public static func classify(_ p: Provider, on profile: Profile) -> Classification {
        guard let wrapped = p.wrappedBy, !wrapped.isAsync else { return .asWritten }
        if !wrapped.keepsWrapped { return .rejectsKeywords }
        if profile.unwrapsDecoratedDependencies { return .asWritten }
        switch (p.isAsync, p.isGenerator) {
        case (false, false): return .asWritten
        case (true, false): return .passedThrough("coroutine")
        case (false, true): return .passedThrough("generator")
        case (true, true): return .passedThrough("async_generator")
        }
    }

    /// The test's `noop_wrap_async` around a generator function (`gen_wrapper`, `async_gen_wrapper`): an async
    /// generator to every profile, entered as one; setup and cleanup run as the bare generator's (observed).
    public static func forwardsYields(_ p: Provider) -> Bool {
        guard let w = p.wrappedBy, w.isAsync, p.isGenerator else { return false }
        return p.form != .instance || w.decoratesCall
    }

    /// The trace's line where an exception reaches such a wrapper's `yield`.
    static func forwardedExceptionRefusal(_ p: Provider, _ e: PyError) -> String {
        "not modelled: \(e.type) reached the `yield` of \(p.wrappedBy?.decorator ?? "")'s async generator around '\(p.name)'; its `async for ... yield` does not pass it on, and the wrapped generator's except and cleanup run when Python drops it (a later loop turn or the garbage collector, observed at varying moments)"
    }

    /// Whether some profile passes the provider's object through: a sync wrapper around an `async def` or a generator.
    public static func differs(_ p: Provider) -> Bool {
        guard let w = p.wrappedBy, !w.isAsync, w.keepsWrapped else { return false }
        return p.isAsync || p.isGenerator
    }

    /// What Python's TypeError names when the wrapper without `__wrapped__` passes `args=`/`kwargs=` on: the
    /// function, the class's `__init__`, or the instance's `__call__` (observed on all four profiles).
    public static func wrappedCallName(_ p: Provider) -> String {
        switch p.form {
        case .function: return p.name
        case .classType: return p.name + ".__init__"
        case .instance: return (p.instanceOf ?? p.name) + ".__call__"
        }
    }

    /// The line the trace shows where a passed-through provider would have run.
    public static func explanation(_ p: Provider, type: String, profile: Profile) -> String {
        var kind = p.isGenerator ? (p.isAsync ? "an async generator" : "a generator") : "an async def"
        if p.form == .instance { kind = (p.wrappedBy?.decoratesCall == true ? "the __call__ method, " : "a callable instance whose __call__ is ") + kind + (p.wrappedBy?.decoratesCall == true ? ", of a callable instance" : "") }
        var s = "FastAPI \(profile.fastapiVersion) classifies the wrapper that \(p.wrappedBy?.decorator ?? "") puts around \(kind) by the wrapper alone: a plain function, called in the threadpool; its <\(type) object> is the value and the body never runs"
        let function = p.form == .instance ? (p.instanceOf ?? "") + ".__call__" : p.name
        if type == "coroutine" { s += " (RuntimeWarning: coroutine '\(function)' was never awaited)" }
        return s + "; 0.123.5+ unwraps it"
    }

    /// The Python names the export defines for a scenario, which a decorator's name may not shadow.
    static func namesTaken(in s: Scenario) -> Set<String> {
        var taken = Set(s.providers.map(\.name) + s.tasks.map(\.name) + s.routers.map(\.name) + s.routes.map(\.handlerName))
        taken.formUnion(s.routers.map { $0.name + "_lifespan" } + s.pools.map(\.name) + s.rooms.map(\.name) + s.aliases.keys)
        taken.formUnion(s.providers.compactMap(\.instanceOf) + s.providers.compactMap { p in p.instanceOf.map { $0 + "_" + p.name } })
        let raised = s.providers.flatMap { $0.raises + $0.cleanup.raises } + s.routes.flatMap(\.raises) + s.tasks.flatMap(\.raises)
        taken.formUnion(raised.map(\.exception) + s.providers.flatMap { $0.handlers.map(\.catches) })
        taken.formUnion(s.app.exceptionHandlers.map { "handle_" + $0.exception.lowercased() })
        return taken
    }

    /// Load-time refusals: what dilab does not model about a wrapped provider. A passed-through object's text
    /// carries its memory address, and what JSON encoding makes of it depends on its type, so a wrapped async or
    /// generator provider's value may not be read; its effects (that it ran, what it raised) are what differ.
    public static func problems(in s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let wrapped = s.providers.filter { $0.wrappedBy != nil }
        guard !wrapped.isEmpty else { return out }
        let names = Set(wrapped.map(\.name))
        let taken = namesTaken(in: s)
        for p in wrapped {
            let at = p.wrappedBy?.location ?? p.location
            let d = p.wrappedBy?.decorator ?? ""
            if p.lruCache || p.securityScheme != nil || p.factory != nil {
                out.append(Diagnostic(location: at, rule: "wrapped-by", message: "`wrapped_by` is modelled on a function, a class or a callable instance, not on provider '\(p.name)' (a factory product, @lru_cache or a security scheme)",
                                      hint: "drop `wrapped_by`, or make '\(p.name)' a plain `def`/`async def`"))
            }
            if forwardsYields(p), !p.handlers.isEmpty {
                out.append(Diagnostic(location: at, rule: "wrapped-by", message: "`except:` on '\(p.name)' behind the async wrapper '\(d)': not modelled",
                                      hint: "the wrapper's `async for ... yield` never passes an exception on to the generator; drop `except:`"))
            }
            if p.wrappedBy?.isAsync == true, p.isGenerator, p.form == .instance, p.wrappedBy?.decoratesCall != true {
                out.append(Diagnostic(location: at, rule: "wrapped-by", message: "the async wrapper '\(d)' around the callable instance '\(p.name)', whose `__call__` is a generator: not modelled",
                                      hint: "the test's noop_wrap_async sees no generator function there; decorate the method instead (`decorates: __call__`)"))
            }
            if wrapped.contains(where: { $0.wrappedBy?.decorator == d && ($0.wrappedBy?.isAsync != p.wrappedBy?.isAsync || $0.wrappedBy?.keepsWrapped != p.wrappedBy?.keepsWrapped) }) {
                out.append(Diagnostic(location: at, rule: "wrapped-by", message: "the decorator '\(d)' is written two ways (sync and async, or with and without @functools.wraps)",
                                      hint: "give each kind of wrapper its own name"))
            }
            if taken.contains(d) {
                out.append(Diagnostic(location: at, rule: "wrapped-by", message: "the decorator name '\(d)' is already a name of the app (a provider, task, router, handler, class, exception, pool or room)",
                                      hint: "pick another name, e.g. \(d)_wrapper"))
            }
            if differs(p), s.app.threadpoolTokens != AppConfig.defaultThreadpoolTokens {
                out.append(Diagnostic(location: at, rule: "wrapped-by", message: "`threadpool_tokens` with the sync-wrapped provider '\(p.name)' is not modelled",
                                      hint: "on 0.105–0.120 the wrapper takes a worker thread for a moment, which dilab does not show"))
            }
        }
        for o in s.overrides where names.contains(o.original) || names.contains(o.replacement) {
            out.append(Diagnostic(location: o.location, rule: "wrapped-by", message: "dependency_overrides with a wrapped provider ('\(names.contains(o.original) ? o.original : o.replacement)') is not modelled",
                                  hint: "override an unwrapped provider"))
        }
        for r in s.requests {
            for (k, v) in (r.overrides ?? [:]).sorted(by: { $0.key < $1.key }) where names.contains(k) || names.contains(v) {
                out.append(Diagnostic(location: r.location, rule: "wrapped-by", message: "dependency_overrides with a wrapped provider ('\(names.contains(k) ? k : v)') is not modelled",
                                      hint: "override an unwrapped provider"))
            }
        }
        let unread = Set(wrapped.filter { WrappedCallable.differs($0) }.map(\.name))
        for r in s.routes {
            for u in r.stream?.uses ?? [] where unread.contains(u) {
                out.append(Diagnostic(location: r.location, rule: "wrapped-by", message: "the stream of \(r.method) \(r.path) uses the wrapped provider '\(u)': not modelled",
                                      hint: "a wrapped async or generator provider's value is a coroutine or generator object on 0.105–0.120"))
            }
        }
        for t in s.tasks {
            for u in t.uses where unread.contains(u) {
                out.append(Diagnostic(location: t.location, rule: "wrapped-by", message: "task '\(t.name)' uses the wrapped provider '\(u)': not modelled",
                                      hint: "a wrapped async or generator provider's value is a coroutine or generator object on 0.105–0.120"))
            }
        }
        func check(_ params: [Param], roots: Set<String>, owner: String, at location: SourceLocation, webSocket: Bool, route: Route? = nil) {
            for param in params {
                guard let spec = param.depends, unread.contains(spec.provider) else { continue }
                if webSocket {
                    out.append(Diagnostic(location: location, rule: "wrapped-by", message: "the websocket endpoint \(owner) depends on the wrapped provider '\(spec.provider)': not modelled",
                                          hint: "use it from an HTTP route"))
                } else if let route, PassedThroughReturn.returnedParam(route) == param.name, !routeRoots(route, withReturns: false).contains(param.name),
                          let p = s.provider(named: spec.provider) {
                    out += PassedThroughReturn.problems(route, p, in: s)
                } else if roots.contains(param.name) {
                    out.append(Diagnostic(location: location, rule: "wrapped-by", message: "\(owner) reads '\(param.name)', the value of the wrapped provider '\(spec.provider)': not modelled",
                                          hint: "on 0.105–0.120 it is an unstarted \(s.provider(named: spec.provider)?.isGenerator == true ? "generator" : "coroutine") object, whose text has a memory address; read nothing of it (its effects still show), or put it in `dependencies: [...]`"))
                }
            }
        }
        for p in s.providers {
            check(p.params, roots: providerRoots(p), owner: "provider '\(p.name)'", at: p.location, webSocket: false)
        }
        for r in s.routes {
            check(r.params, roots: routeRoots(r), owner: "\(r.method) \(r.path)", at: r.location, webSocket: r.webSocket != nil, route: r)
        }
        return out
    }

    static func raiseRoots(_ specs: [RaiseSpec]) -> [String] {
        var r: [String] = []
        for spec in specs {
            r += spec.detail?.roots ?? []
            r += spec.message?.roots ?? []
            r += spec.when?.expr.roots ?? []
            r += spec.reason?.roots ?? []
        }
        return r
    }

    static func taskRoots(_ calls: [TaskCall]) -> [String] {
        var r: [String] = []
        for c in calls {
            for (_, t) in c.args { r += t.roots }
            r += c.when?.expr.roots ?? []
        }
        return r
    }

    static func providerRoots(_ p: Provider) -> Set<String> {
        var r: [String] = p.returns?.roots ?? []
        r += raiseRoots(p.raises + p.cleanup.raises)
        r += taskRoots(p.addsTasks + p.cleanup.addsTasks)
        for h in p.handlers {
            r += h.when?.expr.roots ?? []
            if case .raise(let spec) = h.action { r += raiseRoots([spec]) }
        }
        return Set(r)
    }

    static func routeRoots(_ route: Route, withReturns: Bool = true) -> Set<String> {
        var r: [String] = withReturns ? route.returns?.roots ?? [] : []
        r += raiseRoots(route.raises)
        r += taskRoots(route.addsTasks)
        if let b = route.responseBackground { r += taskRoots([b]) }
        r += route.stream?.chunks.flatMap(\.roots) ?? []
        return Set(r)
    }
}
