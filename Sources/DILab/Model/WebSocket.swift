/// WebSocket endpoints and the clients that talk to them (docs/websockets.md).
///
/// An `@app.websocket` route has the same parameters and dependencies as an HTTP route; its body is a list of
/// steps instead of a return value, and each connection in `requests:` carries a client script.

/// The body of a websocket endpoint: `steps`, optionally inside `try: … except WebSocketDisconnect:`.
public struct WebSocketHandler: Sendable {
    public var steps: [WSStep]
    /// `except WebSocketDisconnect:` around the whole body, and what it does; nil lets the disconnect propagate.
    public var onDisconnect: [WSStep]?
    public var onDisconnectLocation: SourceLocation?

    public init(steps: [WSStep] = [], onDisconnect: [WSStep]? = nil, onDisconnectLocation: SourceLocation? = nil) {
        self.steps = steps
        self.onDisconnect = onDisconnect
        self.onDisconnectLocation = onDisconnectLocation
    }
}

/// One statement of a websocket endpoint.
public struct WSStep: Sendable {
    public indirect enum Action: Sendable {
        /// `await websocket.accept()`.
        case accept
        /// `name = await websocket.receive_text()` (or `receive_json()`).
        case receive(name: String, json: Bool)
        /// `await websocket.send_text(...)` (or `send_json(...)`) to this connection's client.
        case send(Template, json: Bool)
        /// `await websocket.close(code=..., reason=...)`.
        case close(code: Int, reason: Template?)
        /// `raise WebSocketException(...)`, `HTTPException(...)` or another exception.
        case raise(RaiseSpec)
        /// `while True:` around these steps; only an exception (a disconnect) leaves it.
        case loop([WSStep])
        /// `await manager.connect(websocket)`: accepts, then joins the room's list.
        case join(room: String)
        /// `manager.disconnect(websocket)`: leaves the room's list.
        case leave(room: String)
        /// `await manager.broadcast(...)`: `send_text` to every websocket in the room's list, in join order.
        case broadcast(room: String, Template)
        /// `await asyncio.sleep(...)`.
        case sleep(Int)
        /// `background_tasks.add_task(...)`: a websocket endpoint never runs it.
        case addTask(TaskCall)
        /// `async with <provider as a context manager> as name:` around `body`: a resource per use, not per
        /// connection.
        case with(provider: String, name: String, body: [WSStep])
    }

    public var action: Action
    public var location: SourceLocation

    public init(_ action: Action, location: SourceLocation = .unknown) {
        self.action = action
        self.location = location
    }
}

/// What one client does on its connection, in order (`script:` of a `websocket:` request).
public struct ClientScript: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// A text frame (`json`: the value JSON-encoded, as `send_json` does).
        case send(Value, json: Bool)
        /// Waits for the next `count` messages from the server (or its close).
        case receive(count: Int)
        case wait(Int)
        /// A close frame with this code; the server's next receive raises `WebSocketDisconnect(code)`.
        case close(code: Int, reason: String)
        /// The TCP connection goes away without a close frame: the server sees code 1006.
        case drop
    }

    /// The name the trace gives this client (`as: alice`); "client N" by default.
    public var label: String
    public var steps: [Step]
    public var stepLocations: [SourceLocation]
    /// With `app.workers: N`: the worker process (1…N) the connection lands on.
    public var worker: Int

    public init(label: String, steps: [Step] = [], stepLocations: [SourceLocation] = [], worker: Int = 1) {
        self.label = label
        self.steps = steps
        self.stepLocations = stepLocations
        self.worker = worker
    }

    public static func == (a: ClientScript, b: ClientScript) -> Bool {
        a.label == b.label && a.steps == b.steps && a.worker == b.worker
    }
}

/// A shared in-memory connection manager (`manager = ConnectionManager()`), one per worker process.
public struct Room: Sendable {
    public var name: String
    public var location: SourceLocation
    public init(name: String, location: SourceLocation = .unknown) {
        self.name = name
        self.location = location
    }
}

/// How a websocket connection ended, as its client saw it.
public struct WebSocketOutcome: Sendable, Equatable {
    /// The handshake finished (`websocket.accept`); false for a denial or a close before accept.
    public var accepted = false
    /// Every message the client received, in order, as text (`send_json` as its JSON text).
    public var received: [String] = []
    /// The close frame's code and reason (1006 with no reason when the connection just ended).
    public var closeCode: Int?
    public var closeReason: String = ""
    /// Who closed first: the server (`close`, an exception, the handler returning) or the client.
    public var closedByClient = false

    public init() {}
}

extension RequestSpec {
    /// The request line's method for a websocket connection.
    public static let webSocketMethod = "WEBSOCKET"
    public var isWebSocket: Bool { method == RequestSpec.webSocketMethod }
}

extension Route {
    public var isWebSocket: Bool { method == RequestSpec.webSocketMethod }
}
