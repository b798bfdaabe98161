import DILab
@testable import DILabServe
import Foundation
import Testing

/// Serve runs the engine's event loop on the real clock: a second client really waits for a slot.
@Suite("dilab serve: one event loop for every client")
struct ConcurrencyLiveTests {
    static let limited = """
    fastapi: latest
    providers:
      get_db:
        yield: true
        async: true
        returns: "db#{{call}}"
    routes:
      - GET /slow:
          async: true
          params: {db: 'Depends(get_db, max_concurrency=1)'}
          duration: 400ms
          returns: {db: "{{db}}"}
    """

    @Test("a second request waits on a live socket for the max_concurrency=1 slot the first one holds")
    func realWait() async throws {
        let live = try await LiveServer.start(Self.limited)
        let started = Date()
        async let first = live.get("/slow")
        try await Task.sleep(for: .milliseconds(100))
        async let second = live.get("/slow")
        let (a, b) = try await (first, second)
        let elapsed = Date().timeIntervalSince(started)
        #expect(a.status == 200 && b.status == 200)
        #expect(Set([a.body, b.body]) == [#"{"db":"db#1"}"#, #"{"db":"db#2"}"#])
        // The two 400 ms handlers ran one after the other, not side by side.
        #expect(elapsed >= 0.75, "both answered after \(elapsed) s")
        // Whichever reached the server second (a loaded machine may reorder the two) waited for the slot.
        let traces = [try await live.completeTrace(try #require(a.requestID)), try await live.completeTrace(try #require(b.requestID))]
        #expect(traces.filter { $0.compact.contains("wait get_db max_concurrency") }.count == 1)
        _ = await live.stop()
    }
}
