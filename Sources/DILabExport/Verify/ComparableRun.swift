import DILab

/// One run reduced to what both dilab and a real FastAPI run can observe, so the two can be compared line by line.
/// Every rule that drops or rewrites something is listed here and in docs/verify.md; nothing else is ignored.
public struct ComparableRun: Sendable, Equatable {
    public struct Request: Sendable, Equatable {
        public var line: String
        public var status: Int
        public var body: String
        /// Headers dilab says the response carries (name lower-cased → value); the real response may have more.
        public var headers: [String: String]
        /// The response's `content-type`: dilab's for a complete HTTP response it decided (`.some(nil)`: none),
        /// nil when it has none to compare (a stream, a websocket, no response); the real response's header.
        public var contentType: String?? = nil
        public var events: [String]
        /// When the requests overlapped, for each event: dilab's virtual time (dilab's side) or its place in the
        /// real run's one global order (FastAPI's side). Empty otherwise.
        public var times: [Int] = []
        public var order: [Int] = []
        /// A websocket connection: what its client saw (accepted, the messages it got, the close code and reason).
        public var webSocket: WebSocketOutcome?
    }

    /// dilab ran the requests on one timeline (`RunResult.isConcurrent`): orderings across requests are compared too.
    public var concurrent = false

    /// `Type: message` when FastAPI refuses to build the app; only the type is compared for RecursionError.
    public var appError: String?
    public var startup: [String]
    public var requests: [Request]
    public var shutdown: [String]

    /// Event kinds no code of the app can observe: dilab's own annotations (violation), FastAPI internals
    /// (cache.hit, validation), and the arrival line (request).
    public static let unobservable: Set<TraceEvent.Kind> = [.request, .cacheHit, .validation, .violation]
    /// Exceptions FastAPI raises itself; the app's code never runs a `raise` for them.
    public static let internalRaises: Set<String> = ["RequestValidationError", "DependencyScopeError", "UnboundLocalError", "FastAPIError", "RecursionError"]
    /// Kinds whose thread (event loop or threadpool) is compared.
    public static let threaded: Set<String> = ["call", "enter", "handler", "catch", "exit", "task.start", "task.end", "task.fail"]
    /// `wait`/`acquire`/`release` qualifiers FastAPI and AnyIO keep to themselves: a `max_concurrency` semaphore
    /// and the threadpool's tokens are taken before the callable's body runs, where no app code can see them.
    /// A pool's are the app's own (the export's `ConnectionPool`), and are compared.
    public static let internalLimits: Set<String> = ["max_concurrency", "threadpool"]

    /// How one of dilab's events reads in the comparison, or nil when no app code could observe it. `ownRaises`: for a
    /// websocket endpoint, the exception types its own `raise` steps raise; any other raise it shows is Starlette's or
    /// uvicorn's (a send to a client that has gone, a state error, `list.remove`), where no app code runs.
    static func observable(_ e: TraceEvent, callables: Set<String>, ownRaises: [String: Set<String>] = [:]) -> String? {
        if Self.unobservable.contains(e.kind) { return nil }
        switch e.kind {
        case .call where e.data["q"] == "lru_cache-hit": return nil
        case .raise:
            let type = String((e.data["q"] ?? "").split(separator: " ").first ?? "")
            guard callables.contains(e.subject), !Self.internalRaises.contains(type) else { return nil }
            if let own = ownRaises[e.subject], !own.contains(type) { return nil }
        case .wait, .acquire, .release:
            if Self.internalLimits.contains(e.data["q"] ?? "") { return nil }
        case .cancel:
            return nil
        case .deadlock:
            return "hung"
        default: break
        }
        return Self.line(kind: e.kind.rawValue, subject: e.subject, q: e.data["q"] ?? "", thread: e.thread?.rawValue)
    }

    /// `kind subject [q] @thread`: the compact golden line plus where the callable ran.
    public static func line(kind: String, subject: String, q: String, thread: String?) -> String {
        var l = kind + " " + subject
        if !q.isEmpty { l += " " + q }
        if let thread, threaded.contains(kind) { l += " @" + thread }
        return l
    }

    public init(appError: String?, startup: [String], requests: [Request], shutdown: [String]) {
        self.appError = appError
        self.startup = startup
        self.requests = requests
        self.shutdown = shutdown
    }

    /// dilab's side.
    public init(_ run: RunResult, app: CompiledApp) {
        let callables = Set(app.scenario.providers.map(\.name) + app.scenario.routes.map(\.handlerName) + app.scenario.tasks.map(\.name)
                            + app.scenario.middleware.map(\.name))
        let ownRaises = Self.webSocketRaises(app.scenario)
        func kept(_ events: [TraceEvent]) -> [(String, Int)] {
            events.compactMap { e in Self.observable(e, callables: callables, ownRaises: ownRaises).map { ($0, e.t) } }
        }
        appError = run.appErrors.first.map(Self.appError)
        startup = kept(run.startup).map(\.0)
        shutdown = kept(run.shutdown).map(\.0)
        concurrent = run.isConcurrent
        requests = run.requests.map { r in
            let events = kept(r.events)
            var request = Request(line: r.request.line, status: r.status, body: r.bodyText,
                                  headers: Dictionary(r.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { $1 }), events: events.map(\.0))
            if r.webSocket == nil { request.contentType = r.contentType }
            if run.isConcurrent { request.times = events.map(\.1) }
            request.webSocket = r.webSocket
            return request
        }
    }

    /// What Python prints for an app FastAPI refuses: the exception type and, where stable, its message.
    static func appError(_ d: Diagnostic) -> String {
        switch d.rule {
        case "cycle": return "RecursionError"
        default:
            let parts = d.message.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? "\(parts[0]): \(parts[1])" : d.message
        }
    }

    /// The real side: the JSON `python app.py --trace` prints.
    public init(driverOutput json: Value) throws {
        func lines(_ v: Value?) -> [String] {
            guard case .array(let items)? = v else { return [] }
            return items.map { e in
                e["kind"]?.text == "hung" ? "hung"
                    : Self.line(kind: e["kind"]?.text ?? "?", subject: e["subject"]?.text ?? "?", q: e["q"]?.text ?? "", thread: e["thread"]?.text)
            }
        }
        if let err = json["app_error"], err != .null {
            let type = err["type"]?.text ?? "?"
            appError = type == "RecursionError" ? type : "\(type): \(err["message"]?.text ?? "")"
        }
        startup = lines(json["startup"])
        shutdown = lines(json["shutdown"])
        guard appError != nil || json["requests"] != nil else { throw VerifyError.badOutput("no `requests` in the driver's output") }
        var requests: [Request] = []
        if case .array(let items)? = json["requests"] {
            for r in items {
                var headers: [String: String] = [:]
                if case .object(let pairs)? = r["headers"] { for (k, v) in pairs { headers[k] = v.text } }
                let status: Int
                if case .int(let s)? = r["status"] { status = s } else { status = 0 }
                var request = Request(line: r["request"]?.text ?? "?", status: status, body: r["body"]?.text ?? "",
                                      headers: headers, events: lines(r["events"]))
                request.contentType = .some(headers["content-type"])
                if let ws = r["websocket"], ws != .null { request.webSocket = Self.outcome(ws) }
                if case .array(let events)? = r["events"] {
                    request.order = events.compactMap { e in if case .int(let n)? = e["seq"] { return n } else { return nil } }
                    if request.order.count != events.count { request.order = [] }
                }
                requests.append(request)
            }
        }
        self.requests = requests
    }
}

extension ComparableRun {
    /// Each websocket endpoint's own `raise` steps, by exception type (`WebSocketException`, `ValueError`...), and
    /// what a security scheme raises itself.
    static func webSocketRaises(_ s: Scenario) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for r in s.routes {
            guard let h = r.webSocket else { continue }
            var types: Set<String> = []
            WebSocketWriter.visitSteps(h.steps + (h.onDisconnect ?? [])) { step in
                if case .raise(let spec) = step.action { types.insert(spec.exception) }
            }
            out[r.handlerName] = types
        }
        // A security scheme raises only its HTTPException; a TypeError FastAPI meets calling it is not its code.
        for p in s.providers where p.securityScheme != nil { out[p.name] = ["HTTPException"] }
        return out
    }

    /// The driver's `websocket` object: `{"accepted", "received", "close", "reason", "closed_by_client"}`.
    static func outcome(_ v: Value) -> WebSocketOutcome {
        var o = WebSocketOutcome()
        o.accepted = v["accepted"] == .bool(true)
        if case .array(let items)? = v["received"] { o.received = items.map { $0.text } }
        if case .int(let code)? = v["close"] { o.closeCode = code }
        o.closeReason = v["reason"]?.text ?? ""
        o.closedByClient = v["closed_by_client"] == .bool(true)
        return o
    }
}

public enum VerifyError: Error, CustomStringConvertible, Sendable {
    case badOutput(String)
    case setup(String)
    public var description: String {
        switch self {
        case .badOutput(let m): return "the exported app's output could not be read: \(m)"
        case .setup(let m): return m
        }
    }
}
