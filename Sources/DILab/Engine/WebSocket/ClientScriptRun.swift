/// A websocket client playing its script on the loop: it waits for the handshake, then sends, waits and reads in
/// order, and closes with 1000 when the script ends without a close (as TestClient does when its block ends).
struct ClientScriptRun {
    let connection: Connection
    let script: ClientScript
    let loop: EventLoop
    let task: EventLoop.Task

    private var label: String { connection.label }

    private func emit(_ kind: TraceEvent.Kind, _ detail: String, q: String = "") {
        connection.run?.emit(kind, label, .note(detail, q: q))
    }

    /// Parks until `ready` holds; false when nothing will ever make it hold (a deadlock).
    private func wait(until ready: () -> Bool) -> Bool {
        while !ready() {
            connection.clientParked = true
            if loop.park(task, interruptible: false) == .deadlocked {
                connection.clientParked = false
                return false
            }
        }
        return true
    }

    func run() {
        let c = connection
        guard wait(until: { c.handshake != .pending }), c.handshake == .accepted else { return }
        for step in script.steps {
            if c.isOver, c.unread.isEmpty { return }
            switch step {
            case .send(let value, let json):
                let text = json ? value.json : value.text
                emit(.clientSend, "sends \(Value.string(text).json)", q: Value.string(text).json)
                c.fromClient(.text(text), loop: loop)
            case .receive(let count):
                for _ in 0..<count {
                    guard wait(until: { !c.unread.isEmpty || c.isOver }), !c.unread.isEmpty else { return }
                    let text = c.unread.removeFirst()
                    emit(.clientReceive, "reads \(Value.string(text).json)", q: Value.string(text).json)
                }
            case .wait(let ms):
                if loop.sleep(task, ms, interruptible: false) == .deadlocked { return }
            case .close(let code, let reason):
                leave(code: code, reason: reason, detail: "sends a close frame")
                return
            case .drop:
                emit(.clientDrop, "the TCP connection goes away without a close frame", q: "1006")
                c.outcome.closedByClient = true
                c.outcome.closeCode = c.outcome.closeCode ?? 1006
                // The client sees 1006 (no close frame); uvicorn's default websocket implementation (websockets-sansio,
                // and wsproto) tells the app 1005 (the legacy `--ws websockets` says 1006).
                c.fromClient(.dropped, loop: loop)
                return
            }
        }
        if !c.isOver { leave(code: 1000, reason: "", detail: "the script is over: the client closes, as TestClient does when its block ends") }
    }

    private func leave(code: Int, reason: String, detail: String) {
        let c = connection
        guard !c.isOver, !c.clientGone else { return }
        emit(.clientClose, detail, q: String(code))
        c.outcome.closedByClient = true
        c.outcome.closeCode = code
        c.outcome.closeReason = reason
        c.fromClient(.disconnect(code: code, reason: reason), loop: loop)
    }
}
