/// The app's middleware around one request, as Starlette stacks it: ServerErrorMiddleware outermost, then the
/// user's layers (the last added outermost), then ExceptionMiddleware and the router. Observed on all four
/// profiles (docs/beyond-the-spec.md, "Middleware"):
/// - each layer's code before `call_next` runs outermost first, before any dependency;
/// - the response passes back innermost first when the app below *starts* it: a BaseHTTPMiddleware's code after
///   `call_next` runs then, before the client has a byte, and before background tasks and request-scoped cleanup;
/// - a pure ASGI layer sees `http.response.start` on its way out and returns after everything below it, background
///   tasks and cleanup included;
/// - on 0.105 (Starlette 0.27) a BaseHTTPMiddleware holds the last body message until the app below has finished;
/// - an exception no exception handler takes (and any exception a middleware raises, HTTPException too) goes
///   through every layer to ServerErrorMiddleware's plain 500, which no layer's code sees.
struct MiddlewarePass {
    /// Outermost first.
    var chain: [Middleware] = []
    /// Layers whose code has started, from the outermost: a response made below passes back through these.
    var entered = 0
    /// The layers a response about to start passes, `0..<source`; nil: all those entered. 0: ServerErrorMiddleware's.
    var source: Int?
    /// The response has passed the layers (it starts once per request).
    var passed = false
    /// 0.105: the outermost BaseHTTP layer the response streamed through, and the status whose `sent` it holds.
    var holder: Int?
    var heldStatus: Int?
    /// 0.106–0.120 under two or more BaseHTTP layers: the last body message, relayed through their memory streams,
    /// reaches the server at the first await of the app below (or when it finishes), not at once.
    var releasesOnAwait = false
    /// An exception left the app below the layers: the ASGI layers it crossed never reach their code after `await`.
    var raisedThrough = false
    /// An http layer's `except` caught an exception from below: the ASGI layers at or below it never complete.
    var caughtAt: Int?
    var active: Bool { !chain.isEmpty }
}

extension RequestRun {
    func throughMiddleware(_ declared: [Middleware], _ inner: () -> Void) {
        middleware.chain = declared.reversed()
        for (i, m) in middleware.chain.enumerated() {
            middleware.entered = i + 1
            contexts.layerTask.append(contexts.current)
            emit(.middlewareEnter, m.name, m.kind == .http ? "@app.middleware(\"http\"): the code before call_next" : "pure ASGI: the code before await self.app(...)",
                 thread: .loop)
            var ignored: [(String, String)] = []
            do throws(PyError) {
                if let early = try runStep(m.before, of: m, headers: &ignored) {
                    let body = early.body.renderInert(middlewareEnv())
                    emit(.middlewareExit, m.name, "returns its own response without calling call_next: nothing below it runs", q: String(early.status), thread: .loop)
                    middleware.source = i
                    respond(status: early.status, body: body)
                    completeLayers(below: i)
                    return
                }
            } catch {
                if let j = catchingLayer(error, below: i) {
                    answer(error, at: j)
                    completeLayers(below: j)
                    return
                }
                serverError(error, from: m.name)
                return
            }
            // BaseHTTPMiddleware's call_next runs the app below in a task group's new task: a copy of this context.
            if m.kind == .http { contexts.spawn() }
        }
        inner()
        completeLayers(below: middleware.chain.count)
    }

    /// The response starts: it passes each layer entered, innermost first. Returns the exception a layer's code
    /// after `call_next` raised (the response it was given is then dropped).
    func passUp(status: Int, headers: inout [(String, String)]) -> PyError? {
        let top = min(middleware.source ?? middleware.entered, middleware.entered)
        let streams = middleware.chain[0..<top].filter { $0.kind == .http }.count
        let below = contexts.current
        defer { contexts.current = below }
        for j in (0..<top).reversed() {
            let m = middleware.chain[j]
            // Each layer's code (an ASGI layer's send too) runs in the task the layer was called in.
            if j < contexts.layerTask.count { contexts.current = contexts.layerTask[j] }
            switch m.kind {
            case .asgi:
                emit(.middlewareResponse, m.name, "its send sees http.response.start and adds its headers", q: String(status), thread: .loop)
                let env = middlewareEnv()
                for (name, value) in m.startHeaders { headers.append((name.lowercased(), value.renderInert(env).text)) }
            case .http:
                emit(.middlewareResponse, m.name, "call_next returned the response: the code after it runs before the client gets a byte",
                     q: String(status), thread: .loop)
                do throws(PyError) { _ = try runStep(m.after, of: m, headers: &headers) } catch { return error }
                emit(.middlewareExit, m.name, "returns the response; BaseHTTPMiddleware streams its body to the layer above", q: String(status), thread: .loop)
                if profile == .v0_105 || (profile != .latest && streams >= 2) { middleware.holder = j }
                middleware.releasesOnAwait = profile != .v0_105 && streams >= 2
            }
        }
        return nil
    }

    /// The app below layer `top` has returned: the ASGI layers' code after `await self.app(...)` runs, innermost
    /// first, and on 0.105 the held last body message goes out when the outermost BaseHTTP layer's stream ends.
    func completeLayers(below top: Int) {
        guard !middleware.raisedThrough, !halted else { return }
        let below = contexts.current
        defer { contexts.current = below }
        for j in (0..<min(top, middleware.chain.count, middleware.caughtAt ?? top)).reversed() {
            let m = middleware.chain[j]
            if j < contexts.layerTask.count { contexts.current = contexts.layerTask[j] }
            if m.kind == .asgi {
                // 0.106–0.120: an http layer below this one returns through its task group, an await, so the last
                // body message the layers above still relay reaches the server before this layer's code goes on
                // (observed on 0.115.14 and 0.120.4: `sent` before a pure ASGI layer's exit between two http layers).
                if middleware.chain.dropFirst(j + 1).contains(where: { $0.kind == .http }) { releaseHeldSent(async: false, ms: 0) }
                var ignored: [(String, String)] = []
                do throws(PyError) { _ = try runStep(m.after, of: m, headers: &ignored) } catch { return }
                emit(.middlewareExit, m.name, "the app below it has returned: background tasks and cleanup are done", thread: .loop)
            }
            if middleware.holder == j, let status = middleware.heldStatus {
                middleware.heldStatus = nil
                emit(.sent, String(status), .status(detail: "Starlette 0.27's BaseHTTPMiddleware held the last body message until the app below had finished", status: status))
            }
        }
    }

    /// The app below the BaseHTTP layers awaits (a pause, or a sync callable's thread): a last body message they
    /// were still relaying reaches the server now (0.106–0.120, two or more layers; observed on 0.115.14 and 0.120.4).
    func releaseHeldSent(async isAsync: Bool, ms: Int) {
        guard middleware.releasesOnAwait, ms > 0 || !isAsync, let status = middleware.heldStatus else { return }
        middleware.heldStatus = nil
        emit(.sent, String(status), .status(detail: "the last body message, relayed through the BaseHTTPMiddleware streams, reaches the server at the app's first await", status: status))
    }

    /// The innermost http layer above `below` whose `except` takes `e`: call_next re-raises what the app below raised.
    func catchingLayer(_ e: PyError, below: Int) -> Int? {
        guard e.type != "CancelledError", !responseSent else { return nil }
        return (0..<min(below, middleware.chain.count)).reversed().first { j in
            middleware.chain[j].kind == .http && middleware.chain[j].handlers.contains { e.isInstance(of: $0.exception) }
        }
    }

    /// Layer `j`'s except block returns its own JSONResponse: it passes the layers above `j` only.
    func answer(_ e: PyError, at j: Int) {
        let m = middleware.chain[j]
        guard let h = m.handlers.first(where: { e.isInstance(of: $0.exception) }) else { return }
        let saved = contexts.current
        if j < contexts.layerTask.count { contexts.current = contexts.layerTask[j] }
        var env = middlewareEnv()
        contexts.current = saved
        env[Builtin.exc] = .object([("type", .string(e.type)), ("status", e.status.map(Value.int) ?? .null), ("detail", e.detail ?? .null), ("message", .string(e.message))])
        emit(.catch, m.name, "except \(h.exception): call_next re-raised \(e.display) → returns its own response", q: "\(e.summary) → \(h.status)", thread: .loop)
        emit(.middlewareExit, m.name, "returns its own response from its except block", q: String(h.status), thread: .loop)
        middleware.source = j
        middleware.caughtAt = j
        respond(status: h.status, body: h.body.renderInert(env))
    }

    /// An exception from a middleware's own code: no exception handler sees it, so ServerErrorMiddleware answers 500.
    func serverError(_ e: PyError, from owner: String) {
        middleware.source = 0
        middleware.raisedThrough = true
        middleware.holder = nil
        if e.type == "CancelledError" || halted { return finish(e) }
        if responseSent {
            emit(.serverError, e.type, e.display, q: PyError.slug(e.message), data: ["message": e.message])
            return
        }
        respond(status: 500, body: .string("Internal Server Error"), text: "Internal Server Error")
        emit(.serverError, e.type, e.display, q: PyError.slug(e.message), data: ["message": e.message])
    }

    /// One step of a layer's code: a pause, `request.state` writes, header writes, a raise, an early response.
    func runStep(_ step: MiddlewareStep, of m: Middleware, headers: inout [(String, String)]) throws(PyError) -> EarlyResponse? {
        guard !step.isEmpty else { return nil }
        _ = try setContext(step.contextSets, env: middlewareEnv(), async: true, by: m.name, depth: 0)
        try work(step.duration, async: true, in: m.name)
        try writeState(step.requestState, env: middlewareEnv(), param: "request", by: m.name)
        let env = middlewareEnv()
        try checkStateReads(step.headers.map(\.1), conditions: step.raises.compactMap(\.when) + [step.respond?.when].compactMap { $0 },
                            env: env, param: "request", by: m.name)
        for (name, value) in step.headers {
            // MutableHeaders.__setitem__: the first header of that name takes the value, any others go.
            let key = name.lowercased(), text = value.renderInert(env).text
            if let first = headers.firstIndex(where: { $0.0 == key }) {
                headers[first].1 = text
                headers = headers.enumerated().filter { $0.offset == first || $0.element.0 != key }.map(\.element)
            } else {
                headers.append((key, text))
            }
        }
        try raiseIfDue(step.raises, env: env, by: m.name, depth: 0)
        if let r = step.respond, r.when?.holdsInert(in: env) ?? true {
            try checkStateReads([r.body], conditions: [], env: env, param: "request", by: m.name)
            return r
        }
        return nil
    }

    /// A middleware's templates: `request` is the Request it was given (no path parameters before routing), and
    /// `@request`, `@call`, `@now` dilab's built-ins.
    func middlewareEnv() -> TemplateEnv {
        var env = environment([:], provider: nil, call: 0)
        env["request"] = requestObjectForMiddleware()
        return env
    }
}
