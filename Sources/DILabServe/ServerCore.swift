import DILab
import Foundation

/// What every request shares: the one `Engine` (its app-lifetime state is lock-protected; each `handle` call
/// gets its own cache, exit stacks and BackgroundTasks), the server's timeline, the log, the trace store,
/// the SSE fan-out and the in-flight count that shutdown waits on.
final class ServerCore: @unchecked Sendable {
    let app: CompiledApp
    let options: ServeOptions
    let engine: Engine
    /// The engine's event loop on the server's clock: every request is a task on it.
    let loop: LiveLoop
    /// Milliseconds since the server started, on the same scale as the engine's clocks: every request's clock
    /// starts where this one is, so concurrent requests share one timeline in the log.
    let timeline: RealClock
    let log: ServerLog
    let store: TraceStore
    let events = EventBroadcaster()
    let inflight = InflightTracker()
    /// The write deadlines (`options.writeTimeout`) of the response bodies being written.
    let deadlines: WriteDeadlines
    /// How a websocket connection reaches the engine (`LiveLoop.connect`); tests may plug in a scripted engine.
    var connect: WebSocketConnector
    private let lock = NSLock()
    private var rejected = 0

    init(app: CompiledApp, options: ServeOptions, log: ServerLog) {
        self.app = app
        self.options = options
        self.log = log
        self.deadlines = WriteDeadlines(timeout: options.writeTimeout)
        let timeline = RealClock(timeScale: options.timeScale)
        self.timeline = timeline
        let scale = options.timeScale
        self.engine = Engine(app: app, clock: { RealClock(timeScale: scale, origin: timeline.now) })
        let loop = LiveLoop(engine: engine, clock: timeline)
        self.loop = loop
        self.connect = ServerCore.engineConnector(loop)
        loop.start()
        self.store = TraceStore(capacity: options.keepTraces, byteBudget: options.keepBytes,
                                limits: TraceLimits(fieldBytes: options.traceFieldBytes), profile: app.profile)
    }

    /// Lifespan startup or shutdown, on a thread of its own (its steps wait on the real clock).
    func lifespan(startup: Bool) async {
        await ServerCore.onThread { [self] in
            let observer: (TraceEvent) -> Void = { [self] e in
                let brief = store.limits.settle(e).event
                log.event(brief)
                events.publish(brief, id: "lifespan")
            }
            _ = startup ? engine.startup(observer: observer) : engine.shutdown(observer: observer)
        }
    }

    static func onThread(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                work()
                done.resume()
            }
            thread.name = "dilab-lifespan"
            thread.start()
        }
    }

    /// Submits `spec` to the engine's event loop and returns the bridge the HTTP handler reads. The run outlives
    /// the handler: after `sent` it goes on with background tasks and cleanup, recording every event, and leaves
    /// the in-flight set when it ends.
    func startRun(_ spec: RequestSpec) -> (Exchange, String) {
        let exchange = Exchange(deadlines: deadlines)
        let run = RunState(core: self, spec: spec)
        run.exchange = exchange
        exchange.run = run
        let id = loop.submit(spec, channel: exchange, observer: run.record, done: run.finished)
        exchange.onTimeout = { [log, options] in
            log.message("[\(id)] the response was not written within \(options.writeTimeout) s; the engine carries on")
        }
        return (exchange, String(id))
    }

    /// One engine event of a request or connection: the in-flight set and the trace store learn of it with its
    /// first event; the log and the live stream get the cut event too (a 1 MiB body is not a 1 MiB log line).
    func record(_ e: TraceEvent, run: RunState) {
        let id = run.id(from: e)
        if e.kind == .request {
            inflight.enter(id, run.spec)
            run.entry = store.begin(id, request: run.spec)
        }
        share(e, id: id, entry: run.entry)
    }

    /// The store, the log and the live stream share one event: the engine's own when it cannot need a cut (no
    /// copy made but the store's), else the one `TraceLimits.settle` rendered and cut.
    private func share(_ e: TraceEvent, id: String, entry: TraceStore.Entry?) {
        if let bytes = store.limits.keptBytes(e) {
            log.event(e, id: id)
            events.publish(e, id: id)
            if let entry { store.append(to: entry, e, bytes: bytes, truncated: false) }
            return
        }
        let settled = store.limits.settle(e)
        log.event(settled.event, id: id)
        events.publish(settled.event, id: id)
        if let entry { store.append(to: entry, settled) }
    }

    /// Records and logs a request the server answered itself (413, 400, 422 json_invalid); its id is `s1`, `s2`...
    /// because it never reached the engine, which numbers only the requests it runs.
    func recordRejection(_ rejection: Rejection, request: RequestSpec) -> String {
        let handler = app.matchingRoute(method: request.method, path: request.path)?.route.handlerName ?? "app"
        let events = RequestTranslator.events(for: rejection, request: request, handler: handler, at: timeline.now)
        return recordServerAnswer(request, events: events, trace: RequestTrace(id: 0, request: request, profile: app.profile, events: events,
                                                                            status: rejection.status, body: rejection.body,
                                                                            bodyText: rejection.body.json, isJSON: true))
    }

    /// Stores, logs and streams the events of something the server answered itself, under the next `sN` id.
    func recordServerAnswer(_ request: RequestSpec, events: [TraceEvent], trace: RequestTrace) -> String {
        lock.lock()
        rejected += 1
        let id = "s\(rejected)"
        lock.unlock()
        let entry = store.begin(id, request: request)
        for e in events { share(e, id: id, entry: entry) }
        store.complete(entry, trace)
        return id
    }

    /// One run as serve records it, what its engine callbacks share: the request, the trace store's entry its
    /// events go to, and who waits for its end (the HTTP handler's exchange, or the websocket's peer). The engine
    /// numbers requests; the observer learns the number from the first event. One object per run, whose methods
    /// are the observer and `done` (no closure context, and the request not copied into each).
    final class RunState: @unchecked Sendable {
        let core: ServerCore
        let spec: RequestSpec
        var entry: TraceStore.Entry?
        /// An HTTP run's bridge: told when the engine has finished (released then: it points back here).
        var exchange: Exchange?
        /// A websocket run's client.
        var peer: WebSocketPeerBridge?
        private var value: String?

        init(core: ServerCore, spec: RequestSpec) {
            self.core = core
            self.spec = spec
        }

        func id(from e: TraceEvent) -> String {
            if let value { return value }
            let id = e.request.map(String.init) ?? "?"
            value = id
            return id
        }

        func record(_ e: TraceEvent) { core.record(e, run: self) }

        /// The response head the engine sent, for the store's partial trace.
        func started(_ head: ResponseStart) {
            if let entry { core.store.head(of: entry, head) }
        }

        /// The finished trace goes to the entry its events went to (a run that never recorded its `request` event
        /// has none, and nothing under its id to complete); then whoever waits for the end is told.
        func finished(_ trace: RequestTrace) {
            if let entry { core.store.complete(entry, trace) }
            exchange?.engineFinished()
            exchange = nil
            peer?.engineFinished()
            core.inflight.leave(String(trace.id))
        }
    }
}
