import Foundation

/// Requests that overlap: every request is a task on one `EventLoop`, on the virtual clock.
extension Engine {
    /// The most requests one timeline may hold: each running task has a thread (8 MiB of stack reserved).
    public static let maxTimelineRequests = 2_000

    /// True when the requests share one timeline: one of them has an arrival time, a disconnect or a cancel.
    public static func isConcurrent(_ requests: [RequestSpec]) -> Bool {
        requests.contains { $0.at != nil || $0.disconnect != nil || $0.cancel != nil }
    }

    /// Runs `requests` together on one event loop: each arrives at its `at:` (absolute virtual ms), or, without one,
    /// when the request before it in the list has finished. Returns the traces in list order and, in `order`,
    /// every event in the order it happened. Request ids are given in list order.
    public func runTogether(_ requests: [RequestSpec], observer: ((TraceEvent) -> Void)? = nil) -> (traces: [RequestTrace], order: [RunResult.EventRef]) {
        let loop = EventLoop(start: 0)
        let book = Book(count: requests.count)
        lock.lock()
        let firstID = requestCount + 1
        requestCount += requests.count
        lock.unlock()
        loop.onDeadlock = { stuck in Deadlock.describe(stuck, book: book) }

        func arrive(_ index: Int, at time: Int) {
            let spec = requests[index]
            loop.spawn(id: firstID + index, at: time) { [self] task in
                if let overrides = spec.overrides { self.overrides = overrides }
                let run = RequestRun(engine: self, id: firstID + index, request: spec, clock: LoopClock(loop), overrides: self.overrides,
                                     observer: { e in
                                         book.order.append(RunResult.EventRef(request: index, event: book.runs[index]!.trace.events.count - 1))
                                         observer?(e)
                                     })
                run.loop = loop
                run.task = task
                run.clientPort = 50000 + index
                book.runs[index] = run
                if spec.isWebSocket { self.startClient(of: run, spec, loop: loop) }
                if let d = spec.disconnect { loop.at(loop.now + d) { run.clientDisconnects() } }
                if let c = spec.cancel { loop.at(loop.now + c) { run.serverCancels() } }
                book.traces[index] = run.execute()
                if index + 1 < requests.count, requests[index + 1].at == nil { arrive(index + 1, at: loop.now) }
            }
        }
        for (i, r) in requests.enumerated() where r.at != nil || i == 0 { arrive(i, at: r.at ?? 0) }
        loop.run()
        let traces = requests.indices.map { i in
            // A websocket's client may act after its endpoint has ended: its run's trace has every event.
            if let run = book.runs[i], let c = run.connection {
                var t = run.trace
                t.webSocket = c.outcome
                return t
            }
            return book.traces[i] ?? book.runs[i]?.trace ?? RequestTrace(id: firstID + i, request: requests[i], profile: profile)
        }
        return (traces, book.order)
    }

    /// Gives `run` its connection and starts the client's script as a task of its own, right after the endpoint's.
    func startClient(of run: RequestRun, _ spec: RequestSpec, loop: EventLoop) {
        let script = spec.client ?? ClientScript(label: "client \(run.id)")
        let c = Connection.open(for: run, label: script.label, worker: script.worker)
        loop.spawn(id: -run.id, at: loop.now) { task in
            c.clientTask = task
            ClientScriptRun(connection: c, script: script, loop: loop, task: task).run()
        }
    }

    /// `runTogether`'s traces alone (the REPL's `GET /a & GET /b`).
    public func handleTogether(_ requests: [RequestSpec], observer: ((TraceEvent) -> Void)? = nil) -> [RequestTrace] {
        runTogether(requests, observer: observer).traces
    }
}

/// What the tasks of one concurrent run write down; touched only by the thread holding the loop's baton.
final class Book: @unchecked Sendable {
    var runs: [RequestRun?]
    var traces: [RequestTrace?]
    var order: [RunResult.EventRef] = []
    init(count: Int) {
        runs = Array(repeating: nil, count: count)
        traces = Array(repeating: nil, count: count)
    }

    func run(of task: EventLoop.Task) -> RequestRun? { runs.first { $0?.id == task.id } ?? nil }
}

/// The loop's clock as a request sees it.
final class LoopClock: EngineClock, @unchecked Sendable {
    let loop: EventLoop
    init(_ loop: EventLoop) { self.loop = loop }
    var now: Int { loop.now }
    func advance(_ ms: Int) {}
}

/// When nothing can move: which request waits for what, held by whom, and the wait cycle.
enum Deadlock {
    static func describe(_ stuck: [EventLoop.Task], book: Book) {
        let waitsFor = Dictionary(stuck.compactMap { t in t.waitingOn.map { (t.id, $0) } }, uniquingKeysWith: { a, _ in a })
        for task in stuck {
            guard let run = book.run(of: task), let limiter = task.waitingOn else { continue }
            let holders = limiter.holderIDs
            var text = "request \(task.id) waits for \(limiter.label), "
            text += holders.isEmpty ? "which nobody holds" : "held by " + holders.map { $0 == task.id ? "request \($0) itself" : "request \($0)" }.joined(separator: ", ")
            // Follow holders to find the cycle through this request.
            var path = [task.id]
            var current = holders.first
            while let h = current, !path.contains(h), let next = waitsFor[h] {
                path.append(h)
                current = next.holderIDs.first
            }
            if let h = current, h == task.id, path.count > 1 {
                text += " · wait cycle: " + (path + [task.id]).map { "request \($0)" }.joined(separator: " → ")
            }
            text += ": nothing can move, so FastAPI hangs here until the client gives up"
            run.deadlockReport = (limiter, text)
        }
    }
}
