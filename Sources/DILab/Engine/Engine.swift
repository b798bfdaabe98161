import Foundation

/// The one implementation of FastAPI's dependency-injection semantics in dilab.
/// Every door (run, test, REPL, lessons, serve, verify) calls it and renders its trace.
///
/// An `Engine` is one app's lifetime: lifespan, then requests, then shutdown. State that outlives a
/// request (lru_cache values, call counters, lifespan state, overrides) lives here; each request gets
/// a fresh `RequestRun` with its own cache, exit stacks and BackgroundTasks.
public final class Engine: @unchecked Sendable {
    public let app: CompiledApp
    public var profile: Profile { app.profile }
    /// `app.dependency_overrides`: original provider → replacement. Mutable, like the real dict.
    public var overrides: [String: String]
    let makeClock: @Sendable () -> EngineClock
    let lock = NSLock()
    var lruValues: [String: Value] = [:]
    /// `{{call}}` counts by the app's counter number (`CallCounters`); a name the app did not number is counted
    /// in `otherCallCounts`. Both are read and written under `lock`.
    var callCounts: [Int]
    var otherCallCounts: [String: Int] = [:]
    let counters: CallCounters
    var requestCount = 0
    var state: [(String, Value)] = []
    /// What the app's own lifespan set, which the export writes to `app.state` as well (`{{request.app.state.x}}`).
    var appLifespanState: [(String, Value)] = []
    /// `max_concurrency` semaphores (one per declaration) and pools: they live as long as the app's event loop.
    var limiters: [String: Limiter] = [:]
    /// AnyIO's default thread limiter.
    lazy var threadpool = Limiter(.threadpool, capacity: app.scenario.app.threadpoolTokens)
    /// The websocket connection managers of every worker process.
    let rooms = Rooms()
    /// The scenario's `models:` by name (the first of a name wins), made once rather than per request.
    let modelsByName: [String: BodyModel]
    /// `app.routes`, each in a box a request borrows its matched route from (no `CompiledRoute` copy per request).
    let routeBoxes: [RouteBox]

    public init(app: CompiledApp, clock: @escaping @Sendable () -> EngineClock = { VirtualClock() }) {
        self.app = app
        self.makeClock = clock
        self.overrides = Dictionary(app.scenario.overrides.map { ($0.original, $0.replacement) }, uniquingKeysWith: { $1 })
        self.modelsByName = Dictionary(app.scenario.models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.routeBoxes = app.routes.map(RouteBox.init)
        self.counters = app.callCounters
        self.callCounts = Array(repeating: 0, count: app.callCounters.names.count)
    }

    /// Loads, compiles and runs a whole scenario: startup, every request in the file (or `requests`), shutdown.
    public static func run(_ app: CompiledApp, requests: [RequestSpec]? = nil) -> RunResult {
        let engine = Engine(app: app)
        var result = RunResult(scenario: app.scenario.name, profile: app.profile, appErrors: app.appErrors)
        guard app.appErrors.isEmpty else { return result }
        result.startup = engine.startup()
        let requests = requests ?? app.scenario.requests
        if isConcurrent(requests) {
            (result.requests, result.order) = engine.runTogether(requests)
        } else {
            for r in requests {
                if let overrides = r.overrides { engine.overrides = overrides }
                result.requests.append(engine.handle(r))
            }
        }
        result.shutdown = engine.shutdown()
        return result
    }

    // MARK: app-lifetime state

    /// The next `{{call}}` number of `name`; `counter` is its compiled number when the caller has one.
    func nextCall(_ name: String, counter: Int? = nil) -> Int {
        lock.lock(); defer { lock.unlock() }
        return bumpCall(name, counter: counter)
    }

    /// `nextCall` and `stateValue` under one lock: what every callable's environment needs.
    func nextCallAndState(_ name: String, counter: Int? = nil) -> (call: Int, state: Value) {
        lock.lock(); defer { lock.unlock() }
        return (bumpCall(name, counter: counter), .object(state))
    }

    /// The handler's next `{{call}}` number: its route's compiled counter, else by `handler:NAME`.
    func nextHandlerCall(_ route: CompiledRoute) -> Int {
        if let (counter, key) = route.handlerCounter { return nextCall(key, counter: counter) }
        return nextCall(CallCounters.handlerKey(route.route.handlerName))
    }

    /// Counts one call of `name` (the caller holds `lock`). A name has one home: its number in the app's table
    /// (the compiled `counter` when that is `name`'s, else looked up), or `otherCallCounts`.
    private func bumpCall(_ name: String, counter: Int?) -> Int {
        func bump(_ n: inout Int) -> Int { n += 1; return n }
        // One access to `callCounts` for the bounds check and the count (each access of a class `var` is checked).
        func bump(_ counts: inout [Int], at i: Int) -> Int? { i < counts.count ? bump(&counts[i]) : nil }
        if let i = counter, counters.names.indices.contains(i), counters.names[i] == name, let n = bump(&callCounts, at: i) { return n }
        if let i = counters.numbers[name], let n = bump(&callCounts, at: i) { return n }
        return bump(&otherCallCounts[name, default: 0])   // one hash of the name, not two
    }

    func lruValue(_ name: String) -> Value? {
        lock.lock(); defer { lock.unlock() }
        return lruValues[name]
    }

    func storeLRU(_ name: String, _ value: Value) {
        lock.lock(); defer { lock.unlock() }
        if lruValues[name] == nil { lruValues[name] = value }
    }

    func limiter(_ kind: Limiter.Kind, capacity: Int) -> Limiter {
        let key: String
        switch kind {
        case .slot(_, let declaration): key = "slot " + declaration
        case .pool(let name): key = "pool " + name
        case .threadpool: return threadpool
        }
        lock.lock(); defer { lock.unlock() }
        if let l = limiters[key] { return l }
        let l = Limiter(kind, capacity: capacity)
        limiters[key] = l
        return l
    }

    var stateValue: Value {
        lock.lock(); defer { lock.unlock() }
        return .object(state)
    }

    /// Starlette's `app.state`: the scenario's `app: {state: ...}`, overlaid by what the app's lifespan steps set
    /// (a router's lifespan gets no `app.state` of its own to write).
    var appStateValue: Value {
        lock.lock(); defer { lock.unlock() }
        var out = app.scenario.app.state
        for (k, v) in appLifespanState {
            if let i = out.firstIndex(where: { $0.0 == k }) { out[i].1 = v } else { out.append((k, v)) }
        }
        return .object(out)
    }

    // MARK: lifespan

    /// Lifespan startup: the app's steps, then each included router's (not on 0.105, which ignores router lifespans).
    public func startup(observer: ((TraceEvent) -> Void)? = nil) -> [TraceEvent] {
        lifespanPhase(startup: true, observer: observer)
    }

    /// Lifespan shutdown, innermost first.
    public func shutdown(observer: ((TraceEvent) -> Void)? = nil) -> [TraceEvent] {
        lifespanPhase(startup: false, observer: observer)
    }

    func lifespanPhase(startup: Bool, observer: ((TraceEvent) -> Void)?) -> [TraceEvent] {
        let clock = makeClock()
        var events: [TraceEvent] = []
        var owners: [(String, Lifespan)] = []
        if let l = app.scenario.app.lifespan { owners.append(("app", l)) }
        if profile.runsRouterLifespan {
            owners += app.scenario.routers.compactMap { r in r.lifespan.map { ("router \(r.name)", $0) } }
        }
        if !startup { owners.reverse() }
        for (owner, lifespan) in owners {
            for step in startup ? lifespan.startup : lifespan.shutdown {
                let env: TemplateEnv = [Builtin.state.key: stateValue]
                var e = TraceEvent(t: clock.now, request: nil, kind: startup ? .lifespanStart : .lifespanEnd, subject: step.name,
                                   detail: "\(owner) lifespan \(startup ? "startup" : "shutdown")", thread: .loop)
                for (k, t) in step.sets {
                    // The loader refuses a lifespan hole that can raise (StreamSafety).
                    let v = (try? t.render(env)) ?? .null
                    lock.lock(); state.removeAll { $0.0 == k }; state.append((k, v))
                    if owner == "app", PythonName.isIdentifier(k) { appLifespanState.removeAll { $0.0 == k }; appLifespanState.append((k, v)) }
                    lock.unlock()
                    e.detail += " · state.\(k) = \(v.json)"
                }
                events.append(e)
                observer?(e)
                clock.advance(step.duration)
            }
        }
        return events
    }

    // MARK: requests

    /// Simulates one request from arrival until its last background task and cleanup have finished.
    public func handle(_ request: RequestSpec, observer: ((TraceEvent) -> Void)? = nil) -> RequestTrace {
        // A websocket has two ends, the endpoint and its client: always two tasks on a loop.
        if request.isWebSocket { return runTogether([request], observer: observer).traces[0] }
        lock.lock()
        requestCount += 1
        let id = requestCount
        let overrides = self.overrides
        lock.unlock()
        let run = RequestRun(engine: self, id: id, request: request, clock: makeClock(), overrides: overrides, observer: observer)
        return run.execute()
    }
}
