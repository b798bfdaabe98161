import Foundation

/// The engine on the real clock, for serve: one event loop, started on a thread of its own, and requests submitted
/// as they arrive (whichever thread holds the loop's baton runs them: `EventLoop+HandOver.swift`). The same scheduler as a simulation, so a second client really waits for a `max_concurrency=1` slot;
/// durations are waited out (scaled), and a response is written through its `ResponseChannel`.
public final class LiveLoop: @unchecked Sendable {
    let engine: Engine
    let loop: EventLoop
    /// Runs Swift tasks that prefer it on the loop's own threads, between its steps: serve's HTTP connections, so
    /// a request's arrival, its head and its body written need no hand-off between threads (`LoopExecutor`).
    public let executor: LoopExecutor
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    public init(engine: Engine, clock: RealClock) {
        self.engine = engine
        let loop = EventLoop(real: clock)
        self.loop = loop
        executor = LoopExecutor(wake: { [wakeup = loop.wakeup] in wakeup.signal() })
        loop.jobs = executor
    }

    public func start() {
        guard !started else { return }
        started = true
        let thread = Thread { [self] in
            loop.run()
            finished.signal()
        }
        thread.name = "dilab-event-loop"
        thread.stackSize = 8 << 20   // it runs requests too: the first free thread of the hand-over scheduler
        thread.start()
    }

    /// Runs `spec` on the loop and returns its request id. `observer` sees each event and `done` the finished trace,
    /// on the loop's current thread: keep them short.
    @discardableResult
    public func submit(_ spec: RequestSpec, channel: ResponseChannel, observer: @escaping (TraceEvent) -> Void,
                       done: @escaping (RequestTrace) -> Void) -> Int {
        start(spec, observer: observer, done: done) { run in run.channel = channel }
    }

    /// Runs a websocket connection (`spec.method == "WEBSOCKET"`) on the loop, its client being `peer`; returns its
    /// request id. `done` gets the finished trace when the endpoint and both exit stacks are done.
    @discardableResult
    public func connect(_ spec: RequestSpec, peer: WebSocketPeer, observer: @escaping (TraceEvent) -> Void,
                        done: @escaping (RequestTrace) -> Void) -> Int {
        start(spec, observer: observer, done: done) { run in
            Connection.open(for: run, label: spec.client?.label ?? "client \(run.id)", worker: 1).peer = peer
        }
    }

    /// A new request id, and its run as a task on the loop; `prepare` connects the run to its door.
    private func start(_ spec: RequestSpec, observer: @escaping (TraceEvent) -> Void, done: @escaping (RequestTrace) -> Void,
                       prepare: @escaping (RequestRun) -> Void) -> Int {
        engine.lock.lock()
        engine.requestCount += 1
        let id = engine.requestCount
        engine.lock.unlock()
        loop.submit(id: id) { [engine, loop] task in
            let run = RequestRun(engine: engine, id: id, request: spec, clock: LoopClock(loop), overrides: engine.overrides, observer: observer)
            run.loop = loop
            run.task = task
            prepare(run)
            var trace = run.execute()
            trace.webSocket = run.connection?.outcome
            done(trace)
        }
        return id
    }

    /// Ends the loop once the running requests (and their background work) have finished; with `wait`, returns
    /// only then.
    public func stop(wait: Bool = true) {
        guard started else { return }
        started = false
        loop.stop()
        if wait { finished.wait() }
    }
}
