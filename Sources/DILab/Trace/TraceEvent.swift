/// One thing that happened, at a virtual (or, in serve mode, real) millisecond.
/// The same vocabulary serves every door: run, test, REPL, lessons, serve and export.
public struct TraceEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case lifespanStart = "lifespan.start", lifespanEnd = "lifespan.end"
        case appError = "app.error"
        case request, call, cacheHit = "cache.hit", enter, handler, raise, `catch`, exit
        case validation, response, chunk, sent
        case taskAdd = "task.add", taskStart = "task.start", taskEnd = "task.end", taskFail = "task.fail"
        case violation
        case serverError = "server.error"
        /// Concurrency (several requests on one event loop): waiting for and holding a `max_concurrency` slot,
        /// a pool's unit or a threadpool token; the client going away; a task cancelled; a wait that never ends.
        case wait, acquire, release, disconnect, cancel, deadlock
        /// WebSockets: the server's side of a connection (accept, an HTTP denial, its close frame, a message received
        /// or sent, a broadcast to a room) and the client's (a frame sent, a message received, a close, a drop).
        case wsAccept = "ws.accept", wsDeny = "ws.deny", wsClose = "ws.close", wsReceive = "ws.receive", wsSend = "ws.send"
        case wsBroadcast = "ws.broadcast", wsJoin = "ws.join", wsLeave = "ws.leave"
        case clientSend = "client.send", clientReceive = "client.receive", clientClose = "client.close", clientDrop = "client.drop"
        /// Middleware: a layer's code starts; the response passes it on the way out (`call_next` returned, or the
        /// `http.response.start` message went through its `send`); its code returns.
        case middlewareEnter = "middleware.enter", middlewareResponse = "middleware.response", middlewareExit = "middleware.exit"
    }

    /// Where a callable ran: sync callables go to AnyIO's threadpool, async ones stay on the event loop.
    public enum Thread: String, Sendable, Codable { case loop, threadpool }

    public var t: Int
    public var request: Int?
    public var kind: Kind
    public var subject: String
    /// What the event says, rendered on demand (see `EventPayload`).
    var payload: EventPayload
    /// Nesting in the dependency tree (0 = the handler's own level).
    public var depth: Int
    public var thread: Thread?

    /// The human explanation, rendered from the payload when read. Setting it keeps the data as it was.
    public var detail: String {
        get { payload.detail }
        set { payload = .plain(detail: newValue, data: payload.data) }
    }

    /// Structured facts for machines: scope, cache key, status, value, exception type. Rendered when read;
    /// setting it keeps the detail as it was.
    public var data: [String: String] {
        get { payload.data }
        set { payload = .plain(detail: payload.detail, data: newValue) }
    }

    public init(t: Int, request: Int?, kind: Kind, subject: String, detail: String = "", depth: Int = 0,
                thread: Thread? = nil, data: [String: String] = [:]) {
        self.t = t
        self.request = request
        self.kind = kind
        self.subject = subject
        self.payload = .plain(detail: detail, data: data)
        self.depth = depth
        self.thread = thread
    }

    /// The compact line used in golden expectations and diffs: `kind subject [qualifier]`.
    /// Times are left out on purpose: goldens pin order, not durations (durations live in the text trace).
    public var compact: String {
        var line = kind.rawValue + " " + subject
        if let q = payload.q, !q.isEmpty { line += " " + q }
        return line
    }

    public static func == (a: TraceEvent, b: TraceEvent) -> Bool {
        a.t == b.t && a.request == b.request && a.kind == b.kind && a.subject == b.subject && a.detail == b.detail
            && a.depth == b.depth && a.thread == b.thread && a.data == b.data
    }

    enum CodingKeys: String, CodingKey { case t, request, kind, subject, detail, depth, thread, data }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        t = try c.decode(Int.self, forKey: .t)
        request = try c.decodeIfPresent(Int.self, forKey: .request)
        kind = try c.decode(Kind.self, forKey: .kind)
        subject = try c.decode(String.self, forKey: .subject)
        let detail = try c.decode(String.self, forKey: .detail)
        depth = try c.decode(Int.self, forKey: .depth)
        thread = try c.decodeIfPresent(Thread.self, forKey: .thread)
        payload = .plain(detail: detail, data: try c.decode([String: String].self, forKey: .data))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(t, forKey: .t)
        try c.encodeIfPresent(request, forKey: .request)
        try c.encode(kind, forKey: .kind)
        try c.encode(subject, forKey: .subject)
        try c.encode(detail, forKey: .detail)
        try c.encode(depth, forKey: .depth)
        try c.encodeIfPresent(thread, forKey: .thread)
        try c.encode(data, forKey: .data)
    }
}

/// What happened to one request: its events, the response the client saw, and what the server saw afterwards.
public struct RequestTrace: Sendable, Equatable {
    public var id: Int
    public var request: RequestSpec
    public var profile: Profile
    public var events: [TraceEvent]
    public var status: Int
    public var body: Value
    /// The raw body text (plain-text 500s, streamed chunks joined, or a JSON body's JSON), rendered when read.
    public var bodyText: String {
        get { bodySource.string }
        set { bodySource = .text(newValue) }
    }
    /// What `bodyText` is made from: a JSON response keeps its value and encodes it only if someone reads the text.
    public var bodySource: ResponseText
    public var isJSON: Bool
    public var headers: [(String, String)]
    /// The complete response's `content-type` as Starlette sets it (`.some(nil)`: none, as on a RedirectResponse);
    /// nil when no complete response was decided (no response, a stream, a websocket).
    public var contentType: String??
    /// The route template that matched, if any.
    public var route: String?
    /// A websocket connection: what its client saw (nil for HTTP).
    public var webSocket: WebSocketOutcome?

    public static func == (a: RequestTrace, b: RequestTrace) -> Bool {
        a.id == b.id && a.events == b.events && a.status == b.status && a.bodyText == b.bodyText
    }

    public init(id: Int, request: RequestSpec, profile: Profile, events: [TraceEvent] = [], status: Int = 0,
                body: Value = .null, bodyText: String = "", isJSON: Bool = true, headers: [(String, String)] = [],
                route: String? = nil) {
        self.id = id
        self.request = request
        self.profile = profile
        self.events = events
        self.status = status
        self.body = body
        self.bodySource = .text(bodyText)
        self.isJSON = isJSON
        self.headers = headers
        self.route = route
    }
}

/// The whole simulation of a scenario: app-level events (lifespan, app errors) and each request.
public struct RunResult: Sendable {
    public var scenario: String
    public var profile: Profile
    public var startup: [TraceEvent]
    public var requests: [RequestTrace]
    public var shutdown: [TraceEvent]
    /// FastAPI refused to build the app (DependencyScopeError, RecursionError, TypeError): no request was served.
    public var appErrors: [Diagnostic]
    /// When the requests shared one timeline (some request has `at:`, `disconnect:` or `cancel:`): every request
    /// event in the order it happened, across requests. Empty when each request ran alone, one after another.
    public var order: [EventRef] = []
    public var isConcurrent: Bool { !order.isEmpty }

    /// One event of one request: `requests[request].events[event]`.
    public struct EventRef: Sendable, Equatable {
        public var request: Int
        public var event: Int
        public init(request: Int, event: Int) {
            self.request = request
            self.event = event
        }
    }

    /// The events of every request in the order they happened (file order, request after request, when not concurrent).
    public var interleaved: [TraceEvent] {
        if order.isEmpty { return requests.flatMap(\.events) }
        return order.map { requests[$0.request].events[$0.event] }
    }

    public init(scenario: String, profile: Profile, startup: [TraceEvent] = [], requests: [RequestTrace] = [],
                shutdown: [TraceEvent] = [], appErrors: [Diagnostic] = []) {
        self.scenario = scenario
        self.profile = profile
        self.startup = startup
        self.requests = requests
        self.shutdown = shutdown
        self.appErrors = appErrors
    }
}
