/// Sending the response, running the background tasks, and turning what is left into an error response.
extension RequestRun {
    /// Sends the response. A CancelledError while streaming (the server cancelled the task) is returned; a client
    /// disconnect only stops the stream, as Starlette's `listen_for_disconnect` does, and the request goes on.
    @discardableResult
    func send(_ response: PendingResponse) -> PyError? {
        if profile.lifecycle == .insideHandler, task?.cancelRequested == true {
            // A cancellation left pending by sync code lands at the response's first send on 0.106–0.117
            // (observed on 0.115.14); later releases send the response.
            return cancelled(in: "send", depth: 0)
        }
        guard let stream = response.stream else {
            respond(status: response.status, body: response.body, text: response.text, headers: response.headers, contentType: response.contentType)
            return nil
        }
        trace.status = response.status
        trace.isJSON = false
        channel?.start(ResponseStart(status: response.status, isJSON: false, isStreaming: true))
        if clientGone {
            // `http.response.start` still goes out; the waiting http.disconnect then cancels the body at once.
            emit(.response, String(response.status), "StreamingResponse: headers sent, body follows", data: ["status": String(response.status), "streaming": "true"])
            emit(.cancel, "StreamingResponse", "the client had already gone: listen_for_disconnect reads http.disconnect at once and cancels the body before its first chunk",
                 q: "http.disconnect")
            awaitWritten()
            trace.bodyText = ""
            trace.body = .string("")
            responseSent = true
            return nil
        }
        emit(.response, String(response.status), "StreamingResponse: headers sent, body follows", data: ["status": String(response.status), "streaming": "true"])
        var text = ""
        streaming = true
        defer { streaming = false }
        for (i, chunk) in stream.chunks.enumerated() {
            if let loop, let task, loop.sleep(task, stream.every, interruptible: true) != .ready {
                trace.bodyText = text
                trace.body = .string(text)
                if halted { return halt() }
                if task.cancelRequested { return cancelled(in: "StreamingResponse", depth: 0) }
                emit(.cancel, "StreamingResponse", "listen_for_disconnect cancelled the body before chunk \(i): the rest is never sent", q: "http.disconnect")
                awaitWritten()
                responseSent = true
                return nil
            } else if loop == nil {
                clock.advance(stream.every)
            }
            var env = response.env
            env[Builtin.i] = .int(i)
            env.bindClosed(closed)
            for u in stream.uses where closed.contains(u) {
                emit(.violation, u, "chunk \(i) uses \(u) after its cleanup", q: "use-after-cleanup")
            }
            // The loader refuses a chunk hole that can raise (StreamSafety), so a chunk always renders.
            let piece = ((try? chunk.render(env)) ?? .null).text
            text += piece
            emit(.chunk, String(i), .chunk(piece))
            channel?.chunk(piece)
        }
        awaitWritten()
        trace.bodyText = text
        trace.body = .string(text)
        responseSent = true
        emit(.sent, String(response.status), .status(detail: "the client has the whole body", status: response.status))
        return nil
    }

    /// The response class builds the response from what the handler returned (after `jsonable_encoder`), inside
    /// the handler's exit stacks: a PlainTextResponse or HTMLResponse encodes a str (None is an empty body, anything
    /// else an AttributeError from `content.encode`); a RedirectResponse puts `str(content)` in `location`, with
    /// 307 unless the route set a status.
    func render(_ response: inout PendingResponse, as cls: ResponseClass, route: Route) throws(PyError) {
        response.contentType = cls.contentType
        switch cls {
        case .json: return
        case .plainText, .html:
            switch response.body {
            case .null: response.text = ""
            case .string(let s): response.text = s
            default:
                let e = PyError(type: "AttributeError", message: "'\(PythonOps.typeName(response.body))' object has no attribute 'encode'")
                emit(.raise, cls.rawValue, "starlette's Response.render: content.encode(\"utf-8\") on what the handler returned", q: e.summary)
                throw e
            }
        case .redirect:
            response.text = ""
            response.headers = [("location", ResponseClass.location(response.body.text))]
            if !route.statusWritten { response.status = 307 }
        }
    }

    /// Sends a complete response: status and body decided, then the last body byte leaves.
    /// For a status without a body, FastAPI empties it (`response.body = b""`), whatever the handler returned.
    /// `contentType` defaults to Starlette's for what is sent: JSONResponse, the 500's PlainTextResponse, none for
    /// an empty RedirectResponse (redirect_slashes' 307).
    func respond(status: Int, body: Value, text: String? = nil, headers: [(String, String)] = [], contentType: String?? = nil) {
        guard !halted else { return }
        var headers = headers
        if middleware.active, !middleware.passed {
            middleware.passed = true
            if let e = passUp(status: status, headers: &headers) { return serverError(e, from: "middleware") }
        }
        let contentType: String? = contentType ?? (text == nil ? ResponseClass.json.contentType : text!.isEmpty ? nil : ResponseClass.plainText.contentType)
        var body = body, text = text
        if !Scenario.bodyAllowed(status: status) { body = .string(""); text = "" }
        trace.status = status
        trace.body = body
        trace.isJSON = text == nil
        // Serve sends the text at once: encoded here, once, for the client, the trace and the event alike.
        trace.bodySource = text.map(ResponseText.text) ?? (channel != nil ? .text(body.json) : .json(body))
        trace.headers += headers
        trace.contentType = .some(contentType)
        emit(.response, String(status), .response(status: status, body: trace.bodySource, isJSON: text == nil, headers: trace.headers))
        if let channel {
            channel.start(ResponseStart(status: status, headers: trace.headers, body: trace.bodyText, isJSON: text == nil, contentType: contentType))
            awaitWritten()
        }
        responseSent = true
        if middleware.holder != nil, middleware.heldStatus == nil {
            middleware.heldStatus = status
            return
        }
        emit(.sent, String(status), .status(detail: "the client has its answer", status: status))
    }

    /// The body is complete: wait (letting other requests run) until the server has written its last byte.
    func awaitWritten() {
        guard let channel, !halted else { return }
        if let loop, let task {
            loop.awaitOutside(task) { written in channel.end(written: written) }
        } else {
            let done = DispatchSemaphore(value: 0)
            channel.end { done.signal() }
            done.wait()
        }
    }

    /// Starlette's `BackgroundTasks.__call__`: in order; the first failure stops the rest.
    func runBackground() -> PyError? {
        var queue = tasks
        if let explicit = explicitBackground {
            for dropped in tasks {
                emit(.violation, dropped.def.name, "dropped: the handler returned a Response with its own background=, which replaces the injected tasks", q: "dropped-task")
            }
            queue = [explicit]
        }
        var index = 0
        while index < queue.count {
            let task = queue[index]
            let th = thread(async: task.def.isAsync)
            do throws(PyError) { try takeThread(task.def.isAsync, for: task.def.name, depth: 0) } catch {
                skipRest(queue, after: index)
                return error
            }
            emit(.taskStart, task.def.name, .taskStart(args: task.args), thread: th)
            for u in task.def.uses where closed.contains(u) {
                emit(.violation, u, "task \(task.def.name) uses \(u) after its cleanup", q: "use-after-cleanup")
            }
            do throws(PyError) { try work(task.def.duration, async: task.def.isAsync, in: task.def.name) } catch {
                skipRest(queue, after: index)
                return error
            }
            var env = TemplateEnv(Dictionary(task.args, uniquingKeysWith: { $1 }))
            env[Builtin.request] = .int(id)
            env = withContext(env)
            var due: PyError?
            do throws(PyError) {
                env = try setContext(task.def.contextSets, env: env, async: task.def.isAsync, by: task.def.name, depth: 0)
                due = try dueError(task.def.raises, env: env)
            } catch { due = error }
            dropLocalContext()
            if let e = due {
                emit(.taskFail, task.def.name, e.display, q: e.summary, thread: th)
                for rest in queue[(index + 1)...] {
                    emit(.violation, rest.def.name, "never runs: an earlier task failed", q: "task-skipped")
                }
                tasks.removeAll()
                return e
            }
            emit(.taskEnd, task.def.name, "", thread: th)
            index += 1
        }
        tasks.removeAll()
        return nil
    }

    /// The tasks after `index` never run: the request task was cancelled (or stopped) under them.
    func skipRest(_ queue: [PendingTask], after index: Int) {
        for rest in queue[(index + 1)...] {
            emit(.violation, rest.def.name, "never runs: the request was cancelled", q: "task-skipped")
        }
        tasks.removeAll()
    }

    /// Exception handlers turn what is left into the error response; after the response it belongs to the server.
    func finish(_ pending: PyError?) {
        let leftover = tasks
        tasks.removeAll()
        let sentBefore = responseSent
        defer {
            for t in leftover {
                emit(.violation, t.def.name, sentBefore
                     ? "never runs: added during cleanup, after the background tasks already ran"
                     : "never runs: the request failed, and the error response carries no background tasks", q: "task-never-runs")
            }
        }
        guard let e = pending, !halted else { return }
        if e.type == "CancelledError" {
            // BaseException: no exception handler and no error response; the server sees the task end cancelled.
            emit(.cancel, "request", responseSent ? "the request task ends cancelled, after its response" : "the request task ends cancelled: the client gets no response",
                 q: "CancelledError")
            return
        }
        if responseSent {
            middleware.raisedThrough = true
            if e.isHTTP || e.type == "RequestValidationError" || app.scenario.app.exceptionHandlers.contains(where: { e.isInstance(of: $0.exception) }) {
                emit(.serverError, "RuntimeError", PyError.alreadyStarted + " (from \(e.display))", q: PyError.slug(PyError.alreadyStarted), data: ["message": PyError.alreadyStarted])
            } else {
                emit(.serverError, e.type, e.display, q: PyError.slug(e.message), data: ["message": e.message])
            }
            return
        }
        if e.isHTTP {
            respond(status: e.status ?? 500, body: .object([("detail", e.detail ?? .null)]), headers: e.headerPairs)
        } else if e.type == "RequestValidationError" {
            respond(status: 422, body: .object([("detail", .array(e.errors))]))
        } else if middleware.active, app.scenario.app.exceptionHandlers.first(where: { e.isInstance(of: $0.exception) })?.exception ?? "Exception" == "Exception",
                  let j = catchingLayer(e, below: middleware.entered) {
            // No handler below the user middleware takes it (a handler for Exception sits in ServerErrorMiddleware,
            // outside them): call_next re-raises it into the innermost http layer whose except matches.
            answer(e, at: j)
        } else if let handler = app.scenario.app.exceptionHandlers.first(where: { e.isInstance(of: $0.exception) }) {
            // Starlette gives a handler for Exception to ServerErrorMiddleware, outside every user middleware.
            if handler.exception == "Exception" { middleware.source = 0; middleware.raisedThrough = true }
            let env: TemplateEnv = [Builtin.exc.key: .object([("type", .string(e.type)), ("message", .string(e.message))])]
            emit(.catch, "exception_handler(\(handler.exception))", "the app's exception handler builds the response", q: "\(e.summary) → \(handler.status)", thread: .loop)
            // The loader refuses a hole that can raise in an exception handler's body (StreamSafety).
            respond(status: handler.status, body: (try? handler.body.render(env)) ?? .null)
        } else {
            middleware.source = 0
            middleware.raisedThrough = true
            respond(status: 500, body: .string("Internal Server Error"), text: "Internal Server Error")
            emit(.serverError, e.type, e.display, q: PyError.slug(e.message), data: ["message": e.message])
        }
    }
}

import Foundation
