@testable import DILab
import Foundation
import Testing

/// One test per scheduler rule (issue 11): requests overlapping on one virtual event loop.
@Suite("Event loop: overlapping requests")
struct SchedulerTests {
    /// A yield dependency behind `Depends(get_db, max_concurrency=N)`, an async handler of `handler` ms and a task.
    static func slotApp(limit: Int = 1, handler: Int = 20, task: Int = 50, scope: String = "request", raisesOn: Int? = nil) -> String {
        """
        fastapi: latest
        providers:
          get_db:
            yield: true
            async: true
            duration: 10ms
            returns: "db#{{call}}"
            cleanup: {duration: 5ms}
        \(raisesOn.map { "    raises: [{exception: ValueError, message: boom, when: \"call == \($0)\"}]" } ?? "")
        tasks:
          audit: {async: true, duration: \(task)ms}
        routes:
          - GET /items:
              async: true
              params:
                db: 'Depends(get_db, scope="\(scope)", max_concurrency=\(limit))'
                background_tasks: BackgroundTasks
              duration: \(handler)ms
              adds_tasks: [audit]
              returns: ok
        """
    }

    /// Two routes taking pools p and q in opposite orders, one request each at 0 ms: a wait cycle.
    static let crossDeadlockYAML = """
    fastapi: latest
    pools: {p: 1, q: 1}
    providers:
      take_p: {yield: true, async: true, acquires: p, duration: 10ms}
      take_q: {yield: true, async: true, acquires: q, duration: 10ms}
    routes:
      - GET /pq: {params: {a: Depends(take_p), b: Depends(take_q)}, returns: ok}
      - GET /qp: {params: {b: Depends(take_q), a: Depends(take_p)}, returns: ok}
    requests:
      - {request: GET /pq, at: 0ms}
      - {request: GET /qp, at: 0ms}
    """

    static func at(_ times: [Int], _ line: String = "GET /items", extra: String = "") -> String {
        "\nrequests:\n" + times.map { "  - {request: \(line), at: \($0)ms\(extra)}\n" }.joined()
    }

    func together(_ yaml: String) throws -> RunResult {
        Engine.run(try compile(yaml))
    }

    /// `kind subject @t #request` for every event of the given kinds, across requests, in the order they happened.
    func timeline(_ r: RunResult, _ kinds: Set<TraceEvent.Kind>) -> [String] {
        r.interleaved.filter { kinds.contains($0.kind) }.map { "\($0.kind.rawValue) \($0.subject) @\($0.t) #\($0.request ?? 0)" }
    }

    @Test("waiters get a slot first come, first served, and a released slot goes straight to the first of them")
    func fifo() throws {
        let r = try together(Self.slotApp(task: 0) + Self.at([0, 2, 1]))
        #expect(r.isConcurrent)
        let acquires = timeline(r, [.acquire])
        // Request 3 arrived at 1 ms, before request 2 (2 ms): it is served second.
        #expect(acquires == ["acquire get_db @0 #1", "acquire get_db @35 #3", "acquire get_db @70 #2"])
        #expect(timeline(r, [.wait]) == ["wait get_db @1 #3", "wait get_db @2 #2"])
    }

    @Test("a request-scoped yield dependency holds its slot through the background tasks; scope=function does not")
    func heldThroughBackground() throws {
        let r = try together(Self.slotApp() + Self.at([0, 5]))
        let second = r.requests[1].events
        let firstExit = try #require(r.requests[0].events.first { $0.kind == .exit })
        let firstTask = try #require(r.requests[0].events.first { $0.kind == .taskEnd })
        let got = try #require(second.first { $0.kind == .acquire })
        #expect(got.t >= firstTask.t && got.t >= firstExit.t + 5)
        let f = try together(Self.slotApp(scope: "function") + Self.at([0, 5]))
        let fGot = try #require(f.requests[1].events.first { $0.kind == .acquire })
        let fTask = try #require(f.requests[0].events.first { $0.kind == .taskStart })
        #expect(fGot.t <= fTask.t, "function scope gives the slot back before the response and its tasks")
    }

    @Test("a cache hit takes no slot")
    func cacheHitTakesNoSlot() throws {
        let yaml = """
        fastapi: latest
        providers:
          get_db: {yield: true, async: true}
          repo: {params: {db: 'Depends(get_db, max_concurrency=1)'}}
        routes:
          - GET /x:
              params: {r: Depends(repo), db: 'Depends(get_db, max_concurrency=1)'}
              returns: ok
        requests: [GET /x]
        """
        let t = try #require(Engine.run(try compile(yaml)).requests.first)
        #expect(lines(t, kinds: [.acquire, .cacheHit, .release]) == ["acquire get_db max_concurrency", "cache.hit get_db", "release get_db max_concurrency"])
        #expect(t.status == 200)
    }

    @Test("an error before the yield gives the slot back at once")
    func releaseOnError() throws {
        let r = try together(Self.slotApp(raisesOn: 1) + Self.at([0, 1]))
        #expect(r.requests[0].status == 500)
        #expect(timeline(r, [.acquire, .release]) == ["acquire get_db @0 #1", "release get_db @10 #1", "acquire get_db @10 #2", "release get_db @95 #2"])
    }

    @Test("a cancelled waiter leaves the queue; a cancelled holder gives its slot back after its cleanup")
    func releaseOnCancel() throws {
        let yaml = Self.slotApp(task: 0) + """

        requests:
          - {request: GET /items, at: 0ms, cancel: 15ms}
          - {request: GET /items, at: 1ms, cancel: 5ms}
          - {request: GET /items, at: 2ms}
        """
        let r = try together(yaml)
        #expect(lines(r.requests[1], kinds: [.wait, .acquire, .cancel]) == ["wait get_db max_concurrency", "cancel get_db CancelledError", "cancel request CancelledError"])
        // Request 1 is cancelled in its handler at 15 ms; its shielded cleanup (5 ms) ends at 20 ms, then request 3 gets the slot.
        #expect(timeline(r, [.release, .acquire]) == ["acquire get_db @0 #1", "release get_db @20 #1", "acquire get_db @20 #3", "release get_db @55 #3"])
        #expect(r.requests[0].status == 0 && r.requests[2].status == 200)
    }

    @Test("the same limited declaration needed twice deadlocks, and the report names the wait cycle")
    func deadlock() throws {
        let yaml = """
        fastapi: latest
        providers:
          conn: {yield: true, async: true}
          a: {params: {c: 'Depends(conn, max_concurrency=1, use_cache=False)'}}
          b: {params: {c: 'Depends(conn2, max_concurrency=1)'}, yield: true, async: true, duration: 10ms}
          conn2: {yield: true, async: true}
        routes:
          - GET /x:
              params: {first: 'Depends(a, use_cache=False)', second: 'Depends(a, use_cache=False)'}
              returns: ok
        requests: [GET /x]
        """
        let t = try #require(Engine.run(try compile(yaml)).requests.first)
        #expect(lines(t).suffix(2) == ["wait conn max_concurrency", "deadlock conn max_concurrency"])
        #expect(t.status == 0)
        #expect(t.events.last?.detail.contains("held by request 1 itself") == true)
    }

    @Test("dilab check sees the same declaration held twice on one path, and not a shared cached use")
    func staticDeadlock() throws {
        let yaml = """
        fastapi: latest
        providers:
          conn: {yield: true, async: true}
          a: {params: {c: 'Depends(conn, max_concurrency=1, use_cache=False)'}}
        routes:
          - GET /x: {params: {first: 'Depends(a, use_cache=False)', second: 'Depends(a, use_cache=False)'}, returns: ok}
          - GET /y: {params: {first: Depends(a), second: Depends(a)}, returns: ok}
          - GET /z: {params: {first: Depends(b), second: Depends(b)}, returns: ok}
        """
        // /y too: a cache hit on `a` still re-solves its sub-dependencies, so conn (use_cache=False) is entered
        // twice — observed hanging on FastAPI 0.165.0. /z shares one cached conn and is fine.
        let yaml2 = yaml.replacingOccurrences(of: "  a: {", with: "  b: {params: {c: 'Depends(conn, max_concurrency=1)'}}\n  a: {")
        let warnings = Validator.check(try ScenarioLoader.load(text: yaml2, file: "inline.yaml")).filter { $0.rule == "max-concurrency-deadlock" }
        #expect(warnings.map { String($0.message.prefix(22)) } == ["GET /x enters conn 2 t", "GET /y enters conn 2 t"])
        #expect(warnings.first?.severity == .warning && warnings.first?.location.line == 5)
    }

    @Test("an Annotated alias is one declaration shared by every route; two Depends(...) texts are two semaphores")
    func sharedDeclaration() throws {
        func app(_ a: String, _ b: String) -> String {
            """
            fastapi: latest
            aliases:
              LimitedDB: "Annotated[Session, Depends(get_db, max_concurrency=1)]"
            providers:
              get_db: {yield: true, async: true, duration: 10ms}
            routes:
              - GET /a: {async: true, params: {db: '\(a)'}, returns: a}
              - GET /b: {async: true, params: {db: '\(b)'}, returns: b}
            requests:
              - {request: GET /a, at: 0ms}
              - {request: GET /b, at: 1ms}
            """
        }
        let shared = try together(app("LimitedDB", "LimitedDB"))
        #expect(timeline(shared, [.wait, .acquire]) == ["acquire get_db @0 #1", "wait get_db @1 #2", "acquire get_db @10 #2"])
        let separate = try together(app("Depends(get_db, max_concurrency=1)", "Depends(get_db, max_concurrency=1)"))
        #expect(timeline(separate, [.wait, .acquire]) == ["acquire get_db @0 #1", "acquire get_db @1 #2"])
    }

    @Test("a timeline holds at most 2,000 requests: each running one has a thread")
    func timelineCap() throws {
        let yaml = "routes:\n  - GET /x: {returns: ok}\nrequests:\n" + String(repeating: "  - {request: GET /x, at: 0ms}\n", count: Engine.maxTimelineRequests + 1)
        #expect(throws: DiagnosticList.self) { try ScenarioLoader.load(text: yaml, file: "big.yaml") }
        let ok = "routes:\n  - GET /x: {returns: ok}\nrequests:\n" + String(repeating: "  - GET /x\n", count: Engine.maxTimelineRequests + 1)
        #expect(try ScenarioLoader.load(text: ok, file: "many.yaml").requests.count == Engine.maxTimelineRequests + 1)
    }

    @Test("two requests waiting for each other's pool: the report shows the cycle")
    func crossDeadlock() throws {
        let r = try together(Self.crossDeadlockYAML)
        let reports = r.requests.compactMap { $0.events.last { $0.kind == .deadlock }?.detail }
        #expect(reports.count == 2)
        #expect(reports[0].contains("wait cycle: request 1 → request 2 → request 1"))
    }

    @Test("a sync callable waits for a threadpool token when every token is taken")
    func threadpool() throws {
        let yaml = """
        fastapi: latest
        app: {threadpool_tokens: 1}
        providers:
          slow: {duration: 30ms}
        routes:
          - GET /x: {async: true, params: {s: Depends(slow)}, returns: ok}
        """ + Self.at([0, 10], "GET /x")
        let r = try together(yaml)
        #expect(timeline(r, [.wait, .acquire, .call]) == ["call slow @0 #1", "wait threadpool @10 #2", "acquire threadpool @30 #2", "call slow @30 #2"])
    }

    @Test("a disconnect stops a stream at its next await; the background tasks and the cleanup still run")
    func disconnect() throws {
        let yaml = """
        fastapi: latest
        providers:
          res: {yield: true, async: true}
        tasks:
          audit: {}
        routes:
          - GET /s:
              async: true
              params: {r: Depends(res), background_tasks: BackgroundTasks}
              adds_tasks: [audit]
              stream: {chunks: [a, b, c], every: 10ms}
        requests:
          - {request: GET /s, disconnect: 15ms}
        """
        let t = try #require(Engine.run(try compile(yaml)).requests.first)
        #expect(lines(t).suffix(6) == ["chunk 0", "disconnect GET /s http.disconnect", "cancel StreamingResponse http.disconnect",
                                       "task.start audit", "task.end audit", "exit res"])
        #expect(t.bodyText == "a")
    }

    @Test("cancelled: 0.165 runs an async cleanup to its end, 0.120 cuts it at its first await")
    func shieldedCleanup() throws {
        let yaml = """
        providers:
          res: {yield: true, async: true, cleanup: {duration: 50ms, adds_tasks: []}}
        routes:
          - GET /slow: {async: true, params: {r: Depends(res)}, duration: 300ms, returns: ok}
        requests:
          - {request: GET /slow, cancel: 100ms}
        """
        let latest = try #require(Engine.run(try compile("fastapi: latest\n" + yaml)).requests.first)
        #expect(lines(latest) == ["enter res", "handler get_slow", "cancel get_slow CancelledError", "exit res", "cancel request CancelledError"])
        #expect(latest.events.last?.t == 150)
        let old = try #require(Engine.run(try compile("fastapi: \"0.120\"\n" + yaml)).requests.first)
        #expect(lines(old) == ["enter res", "handler get_slow", "cancel get_slow CancelledError", "exit res", "cancel res CancelledError", "cancel request CancelledError"])
        #expect(old.events.last?.t == 100)
    }

    @Test("max_concurrency= is a TypeError before 0.163 and a ValueError unless a positive int")
    func keyword() throws {
        let yaml = Self.slotApp() + Self.at([0])
        let old = try compile(yaml.replacingOccurrences(of: "fastapi: latest", with: "fastapi: \"0.120\""))
        #expect(old.appErrors.map(\.message).contains("TypeError: Depends() got an unexpected keyword argument 'max_concurrency'"))
        let zero = try compile(Self.slotApp(limit: 0) + Self.at([0]))
        #expect(zero.appErrors.map(\.message) == ["ValueError: max_concurrency must be a positive integer or None"])
    }

    @Test("the same file gives the same interleaved trace, byte for byte, in two processes")
    func acrossProcesses() throws {
        let yaml = Self.slotApp(limit: 2) + Self.at([0, 0, 1, 1, 3, 3, 3])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-sched-\(getpid()).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let inProcess = JSONRenderer.render(Engine.run(try compile(yaml)))
        guard let binary = SchedulerTests.binary else {
            Issue.record("no built dilab binary beside the tests")
            return
        }
        let outputs = try (0..<2).map { _ in try SchedulerTests.output(binary, ["run", file.path, "--format", "json"]) }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].contains("\"kind\": \"wait\""))
        #expect(inProcess.contains("\"kind\": \"wait\""))
    }

    static let binary: String? = {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dirs = (try? fm.contentsOfDirectory(atPath: root))?.filter { $0.hasPrefix(".build") } ?? []
        return dirs.map { root + "/\($0)/debug/dilab" }.first { fm.isExecutableFile(atPath: $0) }
    }()

    static func output(_ binary: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
