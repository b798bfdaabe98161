import DILab
@testable import DILabServe
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("graceful shutdown", .serialized)
struct ShutdownTests {
    @Test("shutdown with a task still running: the task and cleanup finish, then the lifespan shutdown; no new connections")
    func drainsRunningTask() async throws {
        let live = try await LiveServer.start(Scenarios.lifespan)
        // The lifespan startup ran before the port opened: the first request already sees its state.
        let reply = try await live.send("POST", "/register")
        #expect(reply.json?["pool"] == .string("pool-1"))
        let id = try #require(reply.requestID)
        let early = try #require(try await live.get("/_dilab/traces/\(id)").json)
        #expect(early["complete"] == .bool(false))

        let report = await live.stop()
        #expect(report.drained)
        #expect(report.pending.isEmpty)
        let lines = live.log.lines
        let taskEnd = try #require(lines.firstIndex { $0.hasPrefix("[\(id)]") && $0.contains("task.end") })
        let cleanup = try #require(lines.firstIndex { $0.hasPrefix("[\(id)]") && $0.contains("exit") && $0.contains("get_db") })
        let shutdown = try #require(lines.firstIndex { $0.contains("close pool") && $0.contains("lifespan shutdown") })
        let startup = try #require(lines.firstIndex { $0.contains("open pool") && $0.contains("lifespan startup") })
        let listening = try #require(lines.firstIndex { $0.contains("listening on") })
        #expect(startup < listening)
        #expect(taskEnd < cleanup && cleanup < shutdown)

        // The port is closed.
        let session = URLSession(configuration: .ephemeral)
        var refused = false
        do { _ = try await session.data(from: live.url("/register")) } catch { refused = true }
        #expect(refused)
    }

    @Test("a drain timeout is reported with the requests still running")
    func drainTimeout() async throws {
        var options = ServeOptions(port: 0)
        options.drainTimeout = 0.1
        let live = try await LiveServer.start(Scenarios.lifespan, options: options)
        let reply = try await live.send("POST", "/register")
        let report = await live.stop()
        #expect(!report.drained)
        #expect(report.pending == ["[\(reply.requestID ?? "?")] POST /register"])
        #expect(live.log.lines.contains { $0.contains("drain timeout") })
    }
}
