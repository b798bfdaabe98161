/// A websocket endpoint's steps, with Starlette's state checks on every accept, receive and send
/// (observed per profile, docs/beyond-the-spec.md · WebSockets).
extension RequestRun {
    func runSteps(_ steps: [WSStep], _ env: inout TemplateEnv, in handler: String, depth: Int) throws(PyError) {
        for step in steps {
            try runStep(step, &env, in: handler, depth: depth)
        }
    }

    func runStep(_ step: WSStep, _ env: inout TemplateEnv, in handler: String, depth: Int) throws(PyError) {
        guard let c = connection else { return }
        switch step.action {
        case .accept:
            try accept(handler)
        case .receive(let name, let json):
            env[name] = try receive(handler, json: json)
        case .send(let t, let json):
            let v = try render(t, env, by: handler, depth: depth)
            try send(json ? v.json : v.text, to: c, from: handler)
        case .close(let code, let reason):
            if c.serverClosed { throw stateError("Cannot call \"send\" once a close message has been sent.") }
            let text = try reason.map { t throws(PyError) in try render(t, env, by: handler, depth: depth).text } ?? ""
            close(handler, code: code, reason: text)
        case .raise(let spec):
            guard try holds(spec.when, env, by: handler, depth: depth) else { return }
            let e: PyError
            do throws(PyError) { e = try makeError(spec, env: env) } catch { e = error }
            emit(.raise, handler, e.display, q: e.summary, depth: depth)
            throw e
        case .loop(let body):
            // Only an exception leaves `while True:`; every loop holds a receive, which raises once the client is gone.
            while true { try runSteps(body, &env, in: handler, depth: depth) }
        case .join(let room):
            try accept(handler)
            engine.rooms.join(room, c)
            emit(.wsJoin, room, "manager.active.append(websocket): \(engine.rooms.list(room, worker: c.worker).count) in the room" + workerNote(c))
        case .leave(let room):
            guard engine.rooms.leave(room, c) else {
                let e = PyError(type: "ValueError", message: "list.remove(x): x not in list")
                emit(.raise, handler, "manager.disconnect: this websocket is not in \(room)", q: e.summary, depth: depth)
                throw e
            }
            emit(.wsLeave, room, "manager.active.remove(websocket): \(engine.rooms.list(room, worker: c.worker).count) left" + workerNote(c))
        case .broadcast(let room, let t):
            let text = try render(t, env, by: handler, depth: depth).text
            let members = engine.rooms.list(room, worker: c.worker)
            emit(.wsBroadcast, room, .note("broadcast(\(Value.string(text).json)) to the \(members.count) websockets in the list, in join order" + workerNote(c),
                                           q: Value.string(text).json))
            for m in members { try send(text, to: m, from: handler) }
        case .sleep(let ms):
            try pause(ms, async: true, in: handler, depth: depth)
        case .addTask(let call):
            try addTasks([call], env: env, by: handler, depth: depth)
        case .with(let name, let binding, let body):
            try withResource(name, as: binding, body, &env, in: handler, depth: depth)
        }
    }

    func workerNote(_ c: Connection) -> String { app.scenario.app.workers > 1 ? " (worker \(c.worker))" : "" }

    /// Starlette's state errors: RuntimeError, a `WebSocketDisconnected` (a RuntimeError) on Starlette 1.x (0.165).
    func stateError(_ message: String) -> PyError {
        PyError(type: profile == .latest ? "WebSocketDisconnected" : "RuntimeError", message: message)
    }

    func accept(_ handler: String) throws(PyError) {
        guard let c = connection else { return }
        guard c.handshake == .pending, !c.serverClosed else {
            let e = PyError(type: "RuntimeError", message: "Expected ASGI message \"websocket.send\" or \"websocket.close\", but got 'websocket.accept'")
            emit(.raise, handler, "accept() on a websocket already accepted or closed", q: e.summary)
            throw e
        }
        c.handshake = .accepted
        c.outcome.accepted = true
        emit(.wsAccept, handler, "websocket.accept: the handshake completes (HTTP 101)")
        c.peer?.accept()
        c.wakeClient(loop)
    }

    /// `receive_text()` / `receive_json()`: the next frame, or `WebSocketDisconnect` once the client has gone.
    func receive(_ handler: String, json: Bool) throws(PyError) -> Value {
        guard let c = connection else { return .null }
        if c.handshake != .accepted || (c.serverClosed && !c.disconnectReceived) {
            throw raising(stateError("WebSocket is not connected. Need to call \"accept\" first."), in: handler)
        }
        if c.disconnectReceived {
            throw raising(stateError("Cannot call \"receive\" once a disconnect message has been received."), in: handler)
        }
        let frame = try nextFrame(c, handler)
        switch frame {
        case .disconnect(let code, let reason):
            c.disconnectReceived = true
            let e = PyError.webSocket("WebSocketDisconnect", code: code, reason: reason)
            let why: String
            switch code {
            case ClientFrame.droppedCode, 1006: why = "the connection dropped without a close frame (uvicorn says \(code))"
            case 1012: why = "the server is shutting down and closed the connection (1012, as uvicorn does)"
            default: why = "the client closed with \(code)"
            }
            emit(.disconnect, handler, "receive raises WebSocketDisconnect: " + why, q: "code=\(code)")
            throw e
        case .binary(let n):
            emit(.wsReceive, handler, .note("the client sent a binary frame (\(n) bytes): \(json ? "receive_json" : "receive_text")() reads message[\"text\"]", q: "bytes"))
            throw raising(PyError(type: "KeyError", message: "'text'"), in: handler)
        case .text(let text):
            guard json else {
                emit(.wsReceive, handler, .note("receive_text() → \(Value.string(text).json)", q: Value.string(text).json))
                return .string(text)
            }
            guard let value = Value.parse(json: text) else {
                throw raising(PyError(type: "JSONDecodeError", message: "the client's message is not JSON"), in: handler)
            }
            emit(.wsReceive, handler, .note("receive_json() → \(value.json)", q: value.json))
            return value
        }
    }

    private func raising(_ e: PyError, in handler: String) -> PyError {
        emit(.raise, handler, e.display, q: e.summary)
        return e
    }

    /// Waits for the client's next frame: its script on the virtual loop, the real socket in serve.
    private func nextFrame(_ c: Connection, _ handler: String) throws(PyError) -> ClientFrame {
        if c.inbound.isEmpty, let peer = c.peer, let loop, let task {
            let box = FrameBox()
            loop.awaitOutside(task) { resume in
                peer.receive { frame in
                    box.set(frame)
                    resume()
                }
            }
            c.fromClient(box.get() ?? .dropped, loop: nil)
        }
        while c.inbound.isEmpty {
            guard let loop, let task else { return .dropped }
            c.serverParked = true
            switch loop.park(task, interruptible: true) {
            case .ready: continue
            case .cancelled:
                c.serverParked = false
                throw cancelled(in: handler, depth: 0)
            case .deadlocked:
                c.serverParked = false
                emit(.deadlock, c.label, "\(handler) waits for a message from \(c.label), and \(c.label) waits for one from \(handler): nothing can move, so both hang until one gives up",
                     q: "websocket")
                throw halt()
            }
        }
        return c.inbound.removeFirst()
    }

    /// `send_text` to `target` (this connection or a room member): uvicorn raises once its client has gone.
    func send(_ text: String, to target: Connection, from handler: String) throws(PyError) {
        let q = Value.string(text).json
        if target.handshake == .pending {
            let expected = profile == .v0_105 ? "\"websocket.accept\" or \"websocket.close\"" : "\"websocket.accept\", \"websocket.close\" or \"websocket.http.response.start\""
            throw raising(PyError(type: "RuntimeError", message: "Expected ASGI message \(expected), but got 'websocket.send'"), in: handler)
        }
        if target.serverClosed {
            emit(.violation, target.label, "send to \(target.label) after its websocket was closed", q: "send-after-close")
            throw raising(stateError("Cannot call \"send\" once a close message has been sent."), in: handler)
        }
        if target.clientGone {
            // uvicorn raises ClientDisconnected (an OSError); Starlette 0.46+ turns it into WebSocketDisconnect(1006)
            // and marks the websocket closed, so the next send is a RuntimeError. Starlette 0.27 (0.105) lets the
            // OSError through on every send.
            emit(.violation, target.label, target === connection ? "send after the client has gone" : "\(target.label) has gone but is still in the room's list: the send raises in \(handler)",
                 q: target === connection ? "send-after-close" : "dead-connection")
            if profile == .v0_105 { throw raising(PyError(type: "ClientDisconnected", message: ""), in: handler) }
            target.serverClosed = true
            throw raising(.webSocket("WebSocketDisconnect", code: 1006), in: handler)
        }
        emit(.wsSend, target.label, .note(target === connection ? "send_text(\(q))" : "send_text(\(q)), from \(connection?.label ?? handler)'s endpoint", q: q))
        target.toClient(text, loop: loop)
    }

    /// `async with asynccontextmanager(provider)() as name:` around `body`: entered and cleaned up right here.
    func withResource(_ name: String, as binding: String, _ body: [WSStep], _ env: inout TemplateEnv, in handler: String, depth: Int) throws(PyError) {
        guard let provider = app.scenario.provider(named: name) else { return }
        let penv = environment([:], provider: provider.name, call: engine.nextCall(provider.name))
        let value = try provider.returns.map { t throws(PyError) in try render(t, penv, by: provider.name, depth: depth + 1) } ?? .null
        let pool = try takeThreadAndPool(provider, depth: depth + 1)
        emit(.enter, provider.name, .note("with \(provider.name)() as \(binding): a resource for this block only · → \(value.json)", q: ""),
             depth: depth + 1, thread: thread(async: provider.isAsync))
        var failure: PyError?
        do throws(PyError) {
            try work(provider.duration, async: provider.isAsync, in: provider.name, depth: depth + 1)
            var inner = env
            inner[binding] = value
            try runSteps(body, &inner, in: handler, depth: depth)
            // Every name the block bound or changed comes back out; `binding` itself keeps its outer value.
            let outer = env[binding]
            env = inner
            env[binding] = outer
        } catch {
            failure = error
        }
        var entryEnv = penv
        entryEnv["__value"] = value
        let entry = StackEntry(dependant: Dependant(provider: provider, name: provider.name, use: nil), env: entryEnv, depth: depth + 1,
                               scope: StackEntry.withBlock, pool: pool)
        if let e = exit(entry, failure) { throw e }
    }
}

/// A frame handed from a server thread to the connection's task.
final class FrameBox: @unchecked Sendable {
    private let lock = NSLock()
    private var frame: ClientFrame?
    func set(_ f: ClientFrame) { lock.lock(); frame = f; lock.unlock() }
    func get() -> ClientFrame? { lock.lock(); defer { lock.unlock() }; return frame }
}

import Foundation
