import DILab
@testable import DILabServe
import Foundation
import Testing

/// Serve's HTTP connections run on the engine loop's own threads (`LoopExecutor`). What must hold: a task that
/// prefers the executor runs there while the loop runs, a request it submits is answered, and once the loop has
/// stopped a task preferring it still runs to its end (a connection closing late is never stranded).
@Suite struct LoopExecutorTests {
    static let yaml = """
    scenario: executor
    fastapi: latest
    routes:
      - GET /ping:
          handler: ping
          returns: {pong: true}
    """

    static func loop() throws -> LiveLoop {
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "test.yaml"))
        let clock = RealClock(timeScale: 1)
        let loop = LiveLoop(engine: Engine(app: app, clock: { RealClock(timeScale: 1, origin: clock.now) }), clock: clock)
        loop.start()
        return loop
    }

    @Test func aRequestSubmittedFromTheExecutorIsAnswered() async throws {
        let loop = try Self.loop()
        let exchange = Exchange(deadlines: WriteDeadlines(timeout: 5))
        let head = await withTaskExecutorPreference(loop.executor) { () async -> ResponseStart? in
            loop.submit(RequestSpec(method: "GET", target: "/ping"), channel: exchange, observer: { _ in }, done: { _ in exchange.engineFinished() })
            let head = await exchange.nextHead()
            exchange.bodyWritten()
            return head
        }
        #expect(head?.status == 200)
        #expect(head?.body == #"{"pong":true}"#)
        loop.stop()
    }

    static let held = """
    scenario: arrivals wait for due wake-ups
    fastapi: latest
    providers:
      get_db:
        yield: true
        returns: "Session"
    routes:
      - GET /a:
          handler: read_a
          params:
            db: Depends(get_db)
          returns: {a: true}
      - GET /b:
          handler: read_b
          returns: {b: true}
    """

    /// On the real clock a request that has arrived starts only when no wake-up is due: here B arrives, then A's
    /// body is written, both while the loop runs one job; A finishes (`sent`, its cleanup) before B starts,
    /// on the thread that was running A. Before, B's arrival came first and A waited to be handed back.
    @Test func aBodyWrittenGoesBeforeANewArrival() async throws {
        let app = try Validator.compile(try ScenarioLoader.load(text: Self.held, file: "test.yaml"))
        let clock = RealClock(timeScale: 1)
        let loop = LiveLoop(engine: Engine(app: app, clock: { RealClock(timeScale: 1, origin: clock.now) }), clock: clock)
        loop.start()
        let lock = NSLock()
        var order: [String] = []
        let observer: (String) -> (TraceEvent) -> Void = { name in { e in lock.withLock { order.append("\(name) \(e.kind.rawValue)") } } }
        let a = Exchange(deadlines: WriteDeadlines(timeout: 5))
        let b = Exchange(deadlines: WriteDeadlines(timeout: 5))
        let heads = await withTaskExecutorPreference(loop.executor) { () async -> [Int?] in
            loop.submit(RequestSpec(method: "GET", target: "/a"), channel: a, observer: observer("A"), done: { _ in a.engineFinished() })
            let first = await a.nextHead()
            // A waits for its body to be written; in this one job, B arrives and then A's body is written.
            loop.submit(RequestSpec(method: "GET", target: "/b"), channel: b, observer: observer("B"), done: { _ in b.engineFinished() })
            a.bodyWritten()
            let second = await b.nextHead()
            b.bodyWritten()
            return [first?.status, second?.status]
        }
        #expect(heads == [200, 200])
        loop.stop()
        let events = lock.withLock { order }
        let aExit = try #require(events.firstIndex(of: "A exit"))
        let bRequest = try #require(events.firstIndex(of: "B request"))
        #expect(events.firstIndex(of: "A sent").map { $0 < bRequest } == true)
        #expect(aExit < bRequest, "\(events)")
    }

    @Test func tasksStillRunOnceTheLoopHasStopped() async throws {
        let loop = try Self.loop()
        loop.stop()
        let value = await withTaskExecutorPreference(loop.executor) { () async -> Int in
            await Task.yield()
            return 42
        }
        #expect(value == 42)
    }
}
