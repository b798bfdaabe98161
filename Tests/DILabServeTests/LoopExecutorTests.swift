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
