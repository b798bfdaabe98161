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
        public var events: [String]
    }

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
        let callables = Set(app.scenario.providers.map(\.name) + app.scenario.routes.map(\.handlerName) + app.scenario.tasks.map(\.name))
        func keep(_ e: TraceEvent) -> Bool {
            if Self.unobservable.contains(e.kind) { return false }
            if e.kind == .call, e.data["q"] == "lru_cache-hit" { return false }
            if e.kind == .raise {
                let type = String((e.data["q"] ?? "").split(separator: " ").first ?? "")
                return callables.contains(e.subject) && !Self.internalRaises.contains(type)
            }
            return true
        }
        func lines(_ events: [TraceEvent]) -> [String] {
            events.filter(keep).map { Self.line(kind: $0.kind.rawValue, subject: $0.subject, q: $0.data["q"] ?? "", thread: $0.thread?.rawValue) }
        }
        appError = run.appErrors.first.map(Self.appError)
        startup = lines(run.startup)
        shutdown = lines(run.shutdown)
        requests = run.requests.map { r in
            Request(line: r.request.line, status: r.status, body: r.bodyText,
                    headers: Dictionary(r.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { $1 }), events: lines(r.events))
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
                Self.line(kind: e["kind"]?.text ?? "?", subject: e["subject"]?.text ?? "?", q: e["q"]?.text ?? "", thread: e["thread"]?.text)
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
                requests.append(Request(line: r["request"]?.text ?? "?", status: status, body: r["body"]?.text ?? "",
                                        headers: headers, events: lines(r["events"])))
            }
        }
        self.requests = requests
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
