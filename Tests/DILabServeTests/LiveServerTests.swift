import DILab
@testable import DILabServe
import Foundation
import Testing

/// The real server on a real socket. Serialized: each test owns a server, and the 2-core CI machine should not
/// have to run several 500 ms background tasks at once while a test reads what happened first.
@Suite("dilab serve over HTTP", .serialized)
struct LiveServerTests {
    @Test("a request gets the engine's status, body and X-Request-ID; its trace is served as JSON")
    func requestStatusBodyTrace() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let reply = try await live.get("/users/1")
        #expect(reply.status == 200)
        #expect(reply.json == Value.parse(json: #"{"id":1,"session":"Session#1"}"#))
        #expect(reply.headers["content-type"] == "application/json")
        let id = try #require(reply.requestID)
        let trace = try await live.completeTrace(id)
        #expect(trace["status"] == .int(200))
        #expect(trace["route"] == .string("GET /users/{user_id}"))
        #expect(trace.compact == ["request GET /users/1", "enter get_db", "handler read_user", "task.add slow_audit",
                                  "response 200", "sent 200", "task.start slow_audit", "task.end slow_audit", "exit get_db"])
        #expect(live.logLines.contains { $0.hasPrefix("[\(id)]") && $0.contains("task.end") })
        _ = await live.stop()
    }

    @Test("the client has the response while the 500 ms background task is still running")
    func backgroundTaskAfterResponse() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let sent = Date()
        let reply = try await live.get("/users/2")
        let received = Date()
        let id = try #require(reply.requestID)
        // Read straight after the response: the task has started (or is about to) but cannot have ended.
        let early = try #require(try await live.get("/_dilab/traces/\(id)").json)
        #expect(early["complete"] == .bool(false))
        #expect(!early.compact.contains("task.end slow_audit"))
        let done = try await live.completeTrace(id)
        let finished = Date()
        // Lower bounds only (a loaded machine may be slow, never fast): the task's 500 ms were really waited out,
        // and after the client had its answer.
        #expect(finished.timeIntervalSince(sent) >= 0.5)
        #expect(received < finished)
        let times = Dictionary(done.events.map { ($0["kind"]!.text + " " + $0["subject"]!.text, $0["t"]!) }, uniquingKeysWith: { a, _ in a })
        if case .int(let sentAt)? = times["sent 200"], case .int(let endAt)? = times["task.end slow_audit"] {
            #expect(endAt - sentAt >= 500)
        } else {
            Issue.record("missing sent or task.end in \(done.compact)")
        }
        _ = await live.stop()
    }

    @Test("request-scoped cleanup runs after the background tasks (0.165); before the response on 0.115")
    func cleanupAfterTasks() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let trace = try await live.completeTrace(try #require(try await live.get("/users/3").requestID))
        let order = trace.compact
        let sent = try #require(order.firstIndex(of: "sent 200"))
        let taskEnd = try #require(order.firstIndex(of: "task.end slow_audit"))
        let exit = try #require(order.firstIndex(of: "exit get_db"))
        #expect(sent < taskEnd && taskEnd < exit)
        _ = await live.stop()

        let old = try await LiveServer.start(Scenarios.shop.replacingOccurrences(of: "fastapi: latest", with: "fastapi: \"0.115\""))
        let oldTrace = try await old.completeTrace(try #require(try await old.get("/users/3").requestID))
        let oldOrder = oldTrace.compact
        #expect(try #require(oldOrder.firstIndex(of: "exit get_db")) < (try #require(oldOrder.firstIndex(of: "sent 200"))))
        _ = await old.stop()
    }

    @Test("concurrent requests each have their own cache: one counter value per request, two requests overlap")
    func concurrentRequestsSeparateCaches() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        async let first = live.get("/twice?q=one")
        async let second = live.get("/twice?q=two")
        let replies = try await [first, second]
        var values: [String] = []
        for reply in replies {
            let body = try #require(reply.json)
            // Within a request the second use is a cache hit: the same value.
            #expect(body["a"] == body["b"])
            values.append(body["a"]?.text ?? "")
            let trace = try await live.completeTrace(try #require(reply.requestID))
            #expect(trace.compact.filter { $0.hasPrefix("call counter") }.count == 1)
            #expect(trace.compact.contains { $0.hasPrefix("cache.hit counter") })
        }
        #expect(Set(values) == ["n1", "n2"])
        #expect(Set(replies.compactMap { $0.json?["q"]?.text }) == ["one", "two"])
        // Both handlers (200 ms each) ran at the same time: each request started before the other finished.
        let a = try await live.completeTrace(replies[0].requestID!).events
        let b = try await live.completeTrace(replies[1].requestID!).events
        func time(_ events: [Value], _ kind: String) -> Int {
            if case .int(let t)? = events.first(where: { $0["kind"]?.text == kind })?["t"] { return t }
            return -1
        }
        #expect(time(a, "request") < time(b, "sent") && time(b, "request") < time(a, "sent"))
        _ = await live.stop()
    }

    @Test("query string and Cookie header reach the engine")
    func queryAndCookies() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let reply = try await live.get("/twice?q=hello%20world", headers: ["Cookie": "theme=dark; session_id=abc123"])
        #expect(reply.json?["q"] == .string("hello world"))
        #expect(reply.json?["session_id"] == .string("abc123"))
        _ = await live.stop()
    }

    @Test("FastAPI's error shapes: 404, 405 with allow, 422 path validation, HTTPException 404")
    func errorShapes() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let notFound = try await live.get("/nowhere")
        #expect(notFound.status == 404)
        #expect(notFound.body == #"{"detail":"Not Found"}"#)
        #expect(notFound.requestID != nil)

        let wrongMethod = try await live.send("DELETE", "/users/1")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.body == #"{"detail":"Method Not Allowed"}"#)
        #expect(wrongMethod.headers["allow"] == "GET")

        let invalid = try await live.get("/users/abc")
        #expect(invalid.status == 422)
        #expect(invalid.body == #"{"detail":[{"type":"int_parsing","loc":["path","user_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#)

        let missing = try await live.get("/users/99")
        #expect(missing.status == 404)
        #expect(missing.body == #"{"detail":"User not found"}"#)
        _ = await live.stop()
    }

    @Test("malformed and oversized bodies get 4xx and the server keeps serving")
    func malformedBodies() async throws {
        var options = ServeOptions(port: 0)
        options.maxBodyBytes = 64
        let live = try await LiveServer.start(Scenarios.shop, options: options)
        let json = ["Content-Type": "application/json"]

        let ok = try await live.send("POST", "/items", body: #"{"name":"pen"}"#, headers: json)
        #expect(ok.status == 200)
        #expect(ok.json == Value.parse(json: #"{"created":{"name":"pen"}}"#))

        // FastAPI 0.165's exact body for b'{"a":1,}' (observed with TestClient).
        let bad = try await live.send("POST", "/items", body: #"{"a":1,}"#, headers: json)
        #expect(bad.status == 422)
        #expect(bad.body == #"{"detail":[{"type":"json_invalid","loc":["body",7],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#)
        let badID = try #require(bad.requestID)
        #expect(Int(badID) != nil)
        let badTrace = try await live.completeTrace(badID)
        #expect(badTrace.compact == ["request POST /items", "validation body.7 json_invalid", "raise create_item RequestValidationError",
                                     "response 422", "sent 422"])

        let large = try await live.send("POST", "/items", body: #"{"text":""# + String(repeating: "x", count: 200) + #""}"#, headers: json)
        #expect(large.status == 413)
        #expect(large.body == #"{"detail":"Content Too Large"}"#)

        let after = try await live.get("/users/5")
        #expect(after.status == 200)
        _ = await live.stop()
    }

    @Test("a StreamingResponse body arrives whole; its chunks are in the trace between response and sent")
    func streaming() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let reply = try await live.get("/stream")
        #expect(reply.status == 200)
        #expect(reply.body == "c0;c1;c2;")
        #expect(reply.headers["content-type"] == nil)
        let trace = try await live.completeTrace(try #require(reply.requestID))
        #expect(trace.compact.suffix(6) == ["response 200", "chunk 0", "chunk 1", "chunk 2", "sent 200", "exit get_db"])
        _ = await live.stop()
    }

    @Test("unknown trace ids are a 404; only the newest traces are kept")
    func traceRetention() async throws {
        var options = ServeOptions(port: 0)
        options.keepTraces = 3
        let live = try await LiveServer.start(Scenarios.shop, options: options)
        var ids: [String] = []
        for _ in 0..<5 { ids.append(try #require(try await live.get("/nowhere").requestID)) }
        #expect(live.server.retainedTraces == 3)
        #expect(try await live.get("/_dilab/traces/\(ids[0])").status == 404)
        #expect(try await live.get("/_dilab/traces/\(ids[4])").status == 200)
        #expect(try await live.get("/_dilab/traces/nope").status == 404)
        _ = await live.stop()
    }
}
