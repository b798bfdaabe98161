/// An endpoint that returns the object a sync wrapper passed through (`returns: "{{value}}"`, as FastAPI's
/// `test_dependency_wrapped.py` writes every route). On 0.105–0.120 `serialize_response` hands it to
/// `jsonable_encoder` on the event loop, inside the dependencies' exit stack (observed on all three, raw ASGI,
/// `/work/probes-wrapmatrix/order.py`): a generator is run to its end there — its setup, then its code after
/// `yield`, both on the loop, before the response — and the body is the list of what it yielded; a coroutine or
/// an async generator is a `ValueError` (a 500). 0.165 unwraps the wrapper, so the value is the provider's own.
public enum PassedThroughReturn {
    /// The parameter a route's `returns:` is exactly one hole of (`returns: "{{value}}"`), or nil.
    public static func returnedParam(_ r: Route) -> String? {
        guard case .text(let pieces)? = r.returns, pieces.count == 1, case .hole(.ref(let path), _) = pieces[0], path.count == 1 else { return nil }
        return path[0]
    }

    /// The wrapped provider whose value the route returns as it is, when `WrappedCallable` passes it through on `profile`.
    /// The scenario is read only for a route whose `returns:` is one bare hole (the engine asks every request, and
    /// handing it the app's scenario by value copies it).
    public static func returned(_ r: Route, in scenario: @autoclosure () -> Scenario, on profile: Profile) -> (provider: Provider, type: String)? {
        guard let name = returnedParam(r), let spec = r.params.first(where: { $0.name == name })?.depends,
              let p = scenario().provider(named: spec.provider), case .passedThrough(let type) = WrappedCallable.classify(p, on: profile) else { return nil }
        return (p, type)
    }

    /// `jsonable_encoder`'s ValueError for an object it can neither iterate nor `vars()` (observed, all three profiles).
    static func encodingFailure(_ type: String) -> PyError {
        PyError(type: "ValueError", message: "[TypeError(\"'\(type)' object is not iterable\"), TypeError('vars() argument must have __dict__ attribute')]")
    }

    /// What the loader refuses about a returned passed-through object: anything but a plain JSON route, and a
    /// generator with more than a value to yield (its body runs inside `jsonable_encoder`, on the loop, which dilab
    /// models only for setup and cleanup events).
    static func problems(_ r: Route, _ p: Provider, in s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let owner = "\(r.method) \(r.path)"
        let otherClass = r.responseClass != nil || s.app.defaultResponseClass != nil
            || s.routers.contains { $0.defaultResponseClass != nil || $0.includeDefaultResponseClass != nil }
        if r.stream != nil || r.responseBackground != nil || r.responseModel != nil || r.returnAnnotation != nil || r.webSocket != nil || otherClass || r.status != 200 {
            out.append(Diagnostic(location: r.location, rule: "wrapped-by", message: "\(owner) returns the wrapped provider '\(p.name)' with a stream, response class, response model, response background or status: not modelled",
                                  hint: "on 0.105–0.120 its object goes to jsonable_encoder; keep the route plain JSON (status 200)"))
        }
        if p.isGenerator, !p.isAsync {
            let busy = !p.raises.isEmpty || !p.cleanup.raises.isEmpty || !p.handlers.isEmpty || p.duration > 0 || p.cleanup.duration > 0
                || !p.addsTasks.isEmpty || !p.cleanup.addsTasks.isEmpty || p.sets != nil || !p.requestState.isEmpty || !p.contextSets.isEmpty || p.acquires != nil
            if busy {
                out.append(Diagnostic(location: r.location, rule: "wrapped-by", message: "\(owner) returns the wrapped generator '\(p.name)', which has more than `returns:` and `params:`: not modelled",
                                      hint: "on 0.105–0.120 jsonable_encoder runs its body on the event loop while it serializes; give it only `returns:`"))
            }
        }
        return out
    }
}

extension RequestRun {
    /// 0.105–0.120: what `jsonable_encoder` makes of the passed-through object the handler returned.
    func serializePassedThrough(_ p: Provider, type: String, route r: Route) throws(PyError) -> Value {
        guard type == "generator" else {
            let e = PassedThroughReturn.encodingFailure(type)
            emit(.raise, p.wrappedBy?.decorator ?? p.name, "jsonable_encoder cannot encode the \(type) object the wrapper returned: \(e.display)", q: e.summary)
            throw e
        }
        let values = passedThroughArgs[p.name] ?? [:]
        let env = environment(values, provider: p.name, call: engine.nextCall(p.name))
        let (returned, failure) = renderReturns(p.returns, env)
        let value = returned ?? defaultValue(p, values)
        emit(.enter, p.name, "jsonable_encoder iterates the generator the wrapper returned: its body runs now, on the event loop, inside serialize_response", thread: .loop)
        try raiseDeferred(failure, by: p.name, depth: 0)
        emit(.exit, p.name, "the generator ran to its end inside jsonable_encoder, before the response (FastAPI never entered it as a dependency)", thread: .loop)
        closed.append(p.name)
        return .array([value])
    }
}
