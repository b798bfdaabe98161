import DILab
@testable import DILabServe
import Foundation
import Testing

/// Retained traces are bounded in bytes, not only in count: big bodies are cut (and say so), and the oldest
/// traces go once the byte budget is spent.
@Suite("trace retention by bytes", .serialized)
struct RetentionTests {
    static let echo = """
    scenario: big bodies
    fastapi: latest
    routes:
      - POST /items:
          handler: create_item
          params:
            item: dict = Body()
          returns: {created: "{{item}}"}
    """

    /// A JSON body of about `bytes` bytes.
    static func body(_ bytes: Int) -> String { #"{"data":""# + String(repeating: "x", count: bytes) + #""}"# }

    @Test("the store: accounted bytes stay under the budget, the oldest go first, a cut event says so")
    func storeBudget() {
        let budget = 64 * 1024
        let store = TraceStore(capacity: 1000, byteBudget: budget, limits: TraceLimits(fieldBytes: 1024), profile: .latest)
        let big = String(repeating: "x", count: 200_000)
        for i in 1...30 {
            let id = String(i)
            store.begin(id, request: RequestSpec(method: "POST", target: "/items", body: .string(big)))
            let events = [TraceEvent(t: 0, request: i, kind: .request, subject: "POST /items"),
                          TraceEvent(t: 1, request: i, kind: .handler, subject: "create_item", detail: "item=" + big),
                          TraceEvent(t: 2, request: i, kind: .response, subject: "200", data: ["status": "200", "body": big])]
            for e in events { store.append(id, e) }
            store.complete(id, RequestTrace(id: i, request: RequestSpec(method: "POST", target: "/items"), profile: .latest,
                                            events: events, status: 200, body: .object([("created", .string(big))]), bodyText: big))
            #expect(store.accountedBytes <= budget)
        }
        #expect(store.count < 30 && store.count > 1)
        #expect(store.json("1") == nil)
        let newest = store.json("30")
        #expect(newest?["truncated"] == .bool(true))
        #expect(newest?["complete"] == .bool(true))
        #expect(newest?.events.first { $0["kind"]?.text == "handler" }?["detail"]?.text.hasSuffix("…(truncated, \(big.utf8.count + 5) bytes)") == true)
        #expect(newest?["body"]?.text.contains("…(truncated, ") == true)
        // A small trace is kept whole and says it is not truncated.
        store.begin("small", request: RequestSpec(method: "GET", target: "/x"))
        store.complete("small", RequestTrace(id: 31, request: RequestSpec(method: "GET", target: "/x"), profile: .latest, status: 200, body: .int(1)))
        #expect(store.json("small")?["truncated"] == .bool(false))
        #expect(store.json("small")?["body"] == .int(1))
    }

    @Test("a cut keeps whole characters and names the original size")
    func cutKeepsCharacters() {
        let limits = TraceLimits(fieldBytes: 20)
        #expect(limits.cut("short") == nil)
        let text = String(repeating: "é", count: 30)   // 2 bytes each
        #expect(limits.cut(text) == String(repeating: "é", count: 10) + "…(truncated, 60 bytes)")
    }

    @Test("live: big bodies are cut in traces and the log; the oldest traces are evicted within the byte budget")
    func liveBigBodies() async throws {
        var options = ServeOptions(port: 0)
        options.maxBodyBytes = 1 << 20
        options.keepBytes = 48 * 1024
        options.traceFieldBytes = 2048
        let live = try await LiveServer.start(Self.echo, options: options)
        let body = Self.body(200_000)
        var ids: [String] = []
        for _ in 0..<12 {
            let reply = try await live.send("POST", "/items", body: body, headers: ["Content-Type": "application/json"])
            #expect(reply.status == 200)
            #expect(reply.body.count > 200_000)   // the client still gets the whole response
            ids.append(try #require(reply.requestID))
        }
        let newest = try await live.completeTrace(ids.last!)
        #expect(live.server.retainedTraceBytes <= options.keepBytes)
        #expect(live.server.retainedTraces < 12)
        #expect(try await live.get("/_dilab/traces/\(ids[0])").status == 404)
        #expect(newest["truncated"] == .bool(true))
        #expect(newest.events.contains { $0["detail"]?.text.contains("…(truncated, ") == true })
        let lines = live.logLines
        #expect(lines.contains { $0.contains("…(truncated, ") })
        #expect(lines.allSatisfy { $0.utf8.count < 3 * options.traceFieldBytes })
        _ = await live.stop()
    }
}
