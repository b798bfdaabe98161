/// One websocket connection between an endpoint's task and its client: a script's task in a simulation, a real
/// socket (`WebSocketPeer`) in serve. Touched only by the thread holding the loop's baton.
final class Connection: @unchecked Sendable {
    enum Handshake: Equatable { case pending, accepted, refused }

    let label: String
    let worker: Int
    /// Frames from the client the endpoint has not received yet.
    var inbound: [ClientFrame] = []
    /// Messages the client's script has not read yet.
    var unread: [String] = []
    var serverTask: EventLoop.Task?
    var clientTask: EventLoop.Task?
    var serverParked = false
    var clientParked = false
    var handshake = Handshake.pending
    /// The app sent `websocket.close` (or the server ended the connection): nothing more reaches the client.
    var serverClosed = false
    /// The client sent a close frame or dropped, or uvicorn dropped the connection: uvicorn raises on any later send.
    var clientGone = false
    /// uvicorn ended the connection without a close frame (the endpoint returned or raised without closing).
    var droppedByServer = false
    /// Nothing more reaches the client: the app closed, or the server dropped the connection.
    var isOver: Bool { serverClosed || droppedByServer }
    /// The endpoint's `receive` has consumed the disconnect: a further receive is a RuntimeError.
    var disconnectReceived = false
    var outcome = WebSocketOutcome()
    /// The real client, in serve.
    var peer: WebSocketPeer?
    /// The endpoint's run: client events go into its trace.
    weak var run: RequestRun?

    init(label: String, worker: Int) {
        self.label = label
        self.worker = worker
    }

    /// The connection of `run`, whose task is its endpoint's.
    @discardableResult
    static func open(for run: RequestRun, label: String, worker: Int) -> Connection {
        let c = Connection(label: label, worker: worker)
        c.run = run
        c.serverTask = run.task
        run.connection = c
        return c
    }

    func wakeServer(_ loop: EventLoop?) {
        guard serverParked, let task = serverTask, let loop else { return }
        serverParked = false
        loop.wakeNow(task, .ready)
    }

    func wakeClient(_ loop: EventLoop?) {
        guard clientParked, let task = clientTask, let loop else { return }
        clientParked = false
        loop.wakeNow(task, .ready)
    }

    /// A frame from the client reaches the server: the endpoint's next `receive` gets it.
    func fromClient(_ frame: ClientFrame, loop: EventLoop?) {
        if case .disconnect = frame { clientGone = true }
        inbound.append(frame)
        wakeServer(loop)
    }

    /// A text frame reaches the client (the caller has checked the connection is open).
    func toClient(_ text: String, loop: EventLoop?) {
        outcome.received.append(text)
        if let peer { peer.send(text); return }
        unread.append(text)
        wakeClient(loop)
    }

    /// uvicorn drops the connection without a close frame: the client sees 1006, and for the app the websocket is
    /// still "connected", so a later send to it (a broadcast) raises as for a client that has gone.
    func dropFromServer(loop: EventLoop?) {
        guard !isOver else { return }
        droppedByServer = true
        if !clientGone { outcome.closeCode = 1006 }
        clientGone = true
        peer?.close(code: 1006, reason: "")
        wakeClient(loop)
    }

    /// The app's close frame (`code`, `reason`).
    func closeFromServer(code: Int, reason: String, loop: EventLoop?) {
        guard !serverClosed else { return }
        serverClosed = true
        if !clientGone {
            outcome.closeCode = code
            outcome.closeReason = reason
        }
        peer?.close(code: code, reason: reason)
        wakeClient(loop)
    }
}

/// The rooms (in-memory connection managers) of every worker process: app-lifetime state.
final class Rooms: @unchecked Sendable {
    private var members: [String: [Connection]] = [:]

    private func key(_ room: String, _ worker: Int) -> String { "\(worker)/\(room)" }

    func list(_ room: String, worker: Int) -> [Connection] { members[key(room, worker)] ?? [] }

    func join(_ room: String, _ c: Connection) { members[key(room, c.worker), default: []].append(c) }

    /// `list.remove(websocket)`: false when it is not there (Python's ValueError).
    func leave(_ room: String, _ c: Connection) -> Bool {
        let k = key(room, c.worker)
        guard let i = members[k]?.firstIndex(where: { $0 === c }) else { return false }
        members[k]?.remove(at: i)
        return true
    }
}
