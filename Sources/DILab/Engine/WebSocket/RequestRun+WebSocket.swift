/// A websocket endpoint: dependencies solved once, before the endpoint (so before accept), the steps, then both exit
/// stacks, then what the server makes of how it ended (observed, docs/beyond-the-spec.md · WebSockets).
extension RequestRun {
    func runWebSocket(_ route: CompiledRoute, _ pathValues: PathValues) {
        guard let connection else { return }
        connection.run = self
        var pending: PyError?
        do throws(PyError) {
            let reader = RequestValues(request: request, body: nil, cookies: request.cookieJar, pathValues: pathValues, profile: profile,
                                       embedBody: false)
            cache = RequestCache(route.cacheSlots)
            let solved = try solve(route.dependant, reader: reader, depth: 1)
            if !solved.errors.isEmpty {
                let e = PyError(type: "WebSocketRequestValidationError", errors: solved.errors)
                emit(.raise, route.route.handlerName, "FastAPI raises WebSocketRequestValidationError: the endpoint is not called", q: e.summary)
                throw e
            }
            try runEndpoint(route, solved.values)
        } catch {
            pending = error
        }
        let original = pending
        if !functionStack.isEmpty { pending = unwind(&functionStack, pending) }
        pending = unwind(&requestStack, pending)
        if profile == .v0_105, pending == nil, let original {
            emit(.raise, "AsyncExitStackMiddleware", "re-raises the exception the dependency swallowed", q: original.summary)
            pending = original
        }
        finishWebSocket(route.route.handlerName, pending)
    }

    func runEndpoint(_ route: CompiledRoute, _ values: [String: Value]) throws(PyError) {
        let r = route.route
        var env = environment(values, provider: nil, call: engine.nextHandlerCall(route))
        env[Builtin.client] = .string(connection?.label ?? "")
        emit(.handler, r.handlerName, .handler(params: r.params, values: values), thread: .loop)
        guard let handler = r.webSocket else { return }
        do throws(PyError) {
            try runSteps(handler.steps, &env, in: r.handlerName, depth: 0)
        } catch let e where e.type == "WebSocketDisconnect" && handler.onDisconnect != nil {
            emit(.catch, r.handlerName, "except WebSocketDisconnect: the endpoint handles it", q: "\(e.summary) → handled", thread: .loop)
            env[Builtin.code] = .int(e.code ?? 1000)
            try runSteps(handler.onDisconnect ?? [], &env, in: r.handlerName, depth: 0)
        }
    }

    /// What the server does once the endpoint (and both exit stacks) are done.
    func finishWebSocket(_ handler: String, _ pending: PyError?) {
        guard !halted, let c = connection else { return }
        for t in tasks {
            emit(.violation, t.def.name, "never runs: a websocket endpoint has no response to run background tasks after", q: "task-in-websocket")
        }
        tasks.removeAll()
        guard let e = pending else {
            serverEnds(c, denied: "the endpoint returned without accepting: uvicorn answers 500 (\"ASGI callable returned without sending handshake\")",
                       dropped: "the endpoint returned without closing: Starlette sends nothing, and uvicorn drops the connection (no close frame)")
            return
        }
        if e.type == "CancelledError" {
            emit(.cancel, "request", "the connection's task ends cancelled", q: "CancelledError")
            c.dropFromServer(loop: loop)
            return
        }
        switch e.type {
        case "WebSocketException":
            // Starlette's websocket exception handler, outside the endpoint: after every cleanup.
            close(handler, code: e.code ?? 1008, reason: e.message, by: "WebSocketException handler")
            return
        case "WebSocketRequestValidationError":
            // The reason FastAPI sends is the Python list of errors itself (not text); uvicorn answers 403 and drops it.
            close(handler, code: 1008, reason: "", by: "FastAPI's websocket validation handler (its reason: the list of errors, \(Value.array(e.errors).json))")
            return
        case "HTTPException" where profile != .v0_105 && c.handshake == .pending:
            let body = Value.object([("detail", e.detail ?? .null)]).json
            deny(status: e.status ?? 500, body: body, isJSON: true, headers: e.headerPairs, because: "the HTTPException becomes an HTTP response to the upgrade request (websocket.http.response)")
            return
        case "HTTPException":
            // Starlette 0.27 (0.105) handles it without sending anything; Starlette 0.46+ sends the HTTP response even
            // after accept, which uvicorn refuses. Either way the client is left without a handshake or a close frame.
            if profile != .v0_105 {
                let message = "Expected ASGI message 'websocket.send' or 'websocket.close', but got 'websocket.http.response.start'."
                emit(.serverError, "RuntimeError", "uvicorn: \(message)", data: ["message": message])
            }
            serverEnds(c, denied: "Starlette 0.27 sends no response for an HTTPException on a websocket: uvicorn answers 500 (\"ASGI callable returned without sending handshake\")",
                       dropped: "an HTTPException after accept: uvicorn drops the connection without a close frame")
            return
        default: break
        }
        emit(.serverError, e.type, "uvicorn logs \"Exception in ASGI application\": \(e.display)", q: PyError.slug(e.message), data: ["message": e.message])
        serverEnds(c, denied: "an exception before accept: uvicorn answers 500 Internal Server Error",
                   dropped: "an exception after accept: uvicorn drops the connection without a close frame")
    }

    /// The app sent nothing more: before accept uvicorn answers 500; after, it drops a connection still open.
    func serverEnds(_ c: Connection, denied: String, dropped: String) {
        if c.handshake == .pending {
            deny(status: 500, because: denied)
        } else if !c.serverClosed, !c.clientGone {
            emit(.wsClose, "server", dropped, q: "1006")
            c.dropFromServer(loop: loop)
        }
    }

    /// The app's `websocket.close`: a close frame after accept; before accept, uvicorn refuses the handshake with 403.
    func close(_ subject: String, code: Int, reason: String, by who: String? = nil) {
        guard let c = connection else { return }
        let q = reason.isEmpty ? String(code) : "\(code) \(Value.string(reason).json)"
        emit(.wsClose, subject, (who.map { "\($0): " } ?? "") + "websocket.close code \(code)" + (reason.isEmpty ? "" : ", reason \(reason)"), q: q)
        if c.handshake == .pending {
            c.serverClosed = true
            deny(status: 403, because: "a close before accept: uvicorn refuses the handshake with 403 Forbidden (the close's code and reason are lost)")
        } else {
            c.closeFromServer(code: code, reason: reason, loop: loop)
        }
    }

    /// Refuses the handshake with an HTTP response.
    func deny(status: Int, body: String? = nil, isJSON: Bool = false, headers: [(String, String)] = [], because why: String) {
        let body = body ?? (status == 500 ? "Internal Server Error" : "")
        guard let c = connection, c.handshake == .pending else { return }
        c.handshake = .refused
        c.serverClosed = true
        trace.status = status
        trace.bodyText = body
        trace.headers = headers
        emit(.wsDeny, String(status), why, data: ["status": String(status)])
        trace.isJSON = isJSON
        c.peer?.deny(ResponseStart(status: status, headers: headers, body: body, isJSON: isJSON))
        c.wakeClient(loop)
    }
}
