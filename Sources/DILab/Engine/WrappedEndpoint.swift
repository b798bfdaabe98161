/// Decorated endpoints (`wrapped_by:` on a route, `@app.get(...) @noop_wrap def handler`), as FastAPI's
/// `test_dependency_wrapped.py` writes them. Observed on all four profiles: the endpoint's parameters are read
/// through `__wrapped__`; a sync wrapper around a `def` and the async wrapper (`noop_wrap_async`) around either
/// kind run the body exactly as the bare endpoint, so the engine runs the route unchanged. A sync wrapper around an
/// `async def` differs: 0.165 awaits it, 0.105–0.120 serialize the unawaited coroutine (a ValueError the yield
/// dependencies see, then a 500); that one is refused, as are the forms no probe covered.
public enum WrappedEndpoint {
    /// A sync wrapper around an `async def` endpoint on 0.105–0.120 (the wrapper alone is classified, as for
    /// dependencies): `jsonable_encoder` fails on the unawaited coroutine with this ValueError (observed).
    static func coroutineFailure(_ r: Route, on profile: Profile) -> PyError? {
        guard let w = r.wrappedBy, !w.isAsync, r.isAsync, !profile.unwrapsDecoratedDependencies else { return nil }
        return PyError(type: "ValueError", message: "[TypeError(\"'coroutine' object is not iterable\"), TypeError('vars() argument must have __dict__ attribute')]")
    }

    static func explanation(_ r: Route, profile: Profile) -> String {
        "FastAPI \(profile.fastapiVersion) classifies the endpoint behind \(r.wrappedBy?.decorator ?? "") by the wrapper alone: a plain function, called in the threadpool; its <coroutine object> is the return value and the body never runs (RuntimeWarning: coroutine '\(r.handlerName)' was never awaited); 0.123.5+ unwraps it"
    }

    public static func problems(in s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let routes = s.routes.filter { $0.wrappedBy != nil }
        guard !routes.isEmpty else { return out }
        let taken = WrappedCallable.namesTaken(in: s)
        let providerWrappers = s.providers.compactMap(\.wrappedBy)
        for r in routes {
            guard let w = r.wrappedBy else { continue }
            let owner = "the endpoint \(r.handlerName) (\(r.method) \(r.path))"
            if r.webSocket != nil {
                out.append(Diagnostic(location: w.location, rule: "wrapped-by", message: "a decorated websocket endpoint is not modelled",
                                      hint: "decorate an HTTP endpoint, or drop `wrapped_by`"))
            }
            if !w.keepsWrapped || w.decoratesCall {
                out.append(Diagnostic(location: w.location, rule: "wrapped-by", message: "\(owner): an endpoint decorated \(w.decoratesCall ? "with `decorates: __call__`" : "without `@functools.wraps`") is not modelled",
                                      hint: "keep `@functools.wraps` (`keeps_wrapped: true`) and drop `decorates:`"))
            }
            let otherClass = r.responseClass != nil || s.app.defaultResponseClass != nil
                || s.routers.contains { $0.defaultResponseClass != nil || $0.includeDefaultResponseClass != nil }
            if !w.isAsync, r.isAsync, r.stream != nil || r.responseBackground != nil || r.responseModel != nil || otherClass {
                out.append(Diagnostic(location: w.location, rule: "wrapped-by", message: "\(owner): a sync wrapper around an `async def` endpoint with a stream, response class, response model or response background is not modelled",
                                      hint: "on 0.105–0.120 its unawaited coroutine is serialized (a ValueError, then a 500); keep the route plain JSON"))
            }
            if taken.contains(w.decorator) {
                out.append(Diagnostic(location: w.location, rule: "wrapped-by", message: "the decorator name '\(w.decorator)' is already a name of the app (a provider, task, router, handler, class, exception, pool or room)",
                                      hint: "pick another name, e.g. \(w.decorator)_wrapper"))
            }
            let others = providerWrappers + routes.compactMap(\.wrappedBy)
            if others.contains(where: { $0.decorator == w.decorator && ($0.isAsync != w.isAsync || $0.keepsWrapped != w.keepsWrapped) }) {
                out.append(Diagnostic(location: w.location, rule: "wrapped-by", message: "the decorator '\(w.decorator)' is written two ways (sync and async, or with and without @functools.wraps)",
                                      hint: "give each kind of wrapper its own name"))
            }
        }
        return out
    }
}
