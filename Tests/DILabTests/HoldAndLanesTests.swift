@testable import DILab
import Foundation
import Testing

/// Hold analysis (how long each yield dependency was held, when it was last used), the lanes of a run on one time
/// axis, and the interleaved text trace of overlapping requests.
@Suite("holds, lanes and the interleaved trace")
struct HoldAndLanesTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Three clients, a pool of 2, streams that pin their session; request 2 disconnects, request 3 waits.
    static var poolYAML: String {
        get throws { try String(contentsOfFile: root + "/Tests/DILabExportTests/Fixtures/three-clients-pool-stream.yaml", encoding: .utf8) }
    }

    /// A stream and a task that use the session: its last use is the task's end, so nothing is pinned.
    static let usedYAML = """
    fastapi: latest
    providers:
      get_db: {yield: true, async: true, returns: s}
    tasks:
      audit: {async: true, duration: 100ms, uses: [get_db]}
    routes:
      - GET /s:
          async: true
          params: {db: Depends(get_db), background_tasks: BackgroundTasks}
          duration: 10ms
          adds_tasks: [audit]
          stream: {chunks: [a, b, c], every: 40ms, uses: [get_db]}
    requests:
      - GET /s
    """

    @Test("enter, exit and the last use: the handler's return, or a chunk or task that uses it")
    func holdsFromTheTrace() throws {
        let app = try compile(try Self.poolYAML)
        let r = Engine.run(app)
        let h1 = try #require(HoldAnalysis.holds(r.requests[0], app: app).first)
        #expect(h1.provider == "get_db" && h1.scope == "request" && h1.pool == "db_pool")
        #expect(h1.enteredAt == 0 && h1.exitedAt == 325 && h1.held == 325)
        #expect(h1.lastUse == .handler("get_report") && h1.lastUseAt == 25 && h1.idle == 300)
        #expect(h1.heldThrough == ["the streaming body", "the background tasks"])
        #expect(HoldAnalysis.isPinned(h1))
        // Request 2's client went away at 70 ms: no more chunks, but the task and the cleanup still ran.
        let h2 = try #require(HoldAnalysis.holds(r.requests[1], app: app).first)
        #expect(h2.heldThrough == ["the background tasks"] && h2.exitedAt == 170)

        let usedApp = try compile(Self.usedYAML)
        let used = try #require(HoldAnalysis.holds(Engine.run(usedApp).requests[0], app: usedApp).first)
        #expect(used.lastUse == .task("audit") && used.lastUseAt == used.exitedAt)
        #expect(used.streamUses == [0, 1, 2] && used.taskUses == ["audit"])
        #expect(!HoldAnalysis.isPinned(used))
    }

    @Test("the warning names each pinned request, who waited for the pool, and both fixes")
    func pinnedWarning() throws {
        let app = try compile(try Self.poolYAML)
        let warnings = HoldAnalysis.warnings(Engine.run(app), app: app)
        #expect(warnings.count == 1, "one warning per provider")
        let text = try #require(warnings.first?.text)
        #expect(text.contains("request 1 (GET /report): held 325 ms (0 → 325 ms), last used at 25 ms"))
        #expect(text.contains("holding a unit of pool db_pool while request 3 waited for one"))
        #expect(text.contains("fix 1: Depends(get_db, scope=\"function\")"))
        #expect(text.contains("fix 2: release it early"))
        // Quick work after the response is no warning (the seed's 20 ms audit), nor is a resource the late work uses.
        let seed = try compile(String(contentsOfFile: Self.root + "/scenarios/seeds/db-session-read-user.yaml", encoding: .utf8))
        #expect(HoldAnalysis.warnings(Engine.run(seed), app: seed).isEmpty)
        let used = try compile(Self.usedYAML)
        #expect(HoldAnalysis.warnings(Engine.run(used), app: used).isEmpty)
        // With scope="function" the session closes when the handler returns: nothing is pinned.
        let function = try compile(try Self.poolYAML.replacingOccurrences(of: "db: Depends(get_db)", with: "db: 'Depends(get_db, scope=\"function\")'"))
        #expect(HoldAnalysis.warnings(Engine.run(function), app: function).isEmpty)
    }

    @Test("a stream that uses the resource, then long tasks that do not: fix 1 says the chunks would see it closed")
    func streamUsesThenTasks() throws {
        let app = try compile("""
        fastapi: latest
        providers:
          get_db: {yield: true, async: true, returns: s}
        tasks:
          mail: {async: true, duration: 200ms}
        routes:
          - GET /s:
              async: true
              params: {db: Depends(get_db), background_tasks: BackgroundTasks}
              adds_tasks: [mail]
              stream: {chunks: [a, b, c], every: 10ms, uses: [get_db]}
        requests:
          - GET /s
        """)
        let w = try #require(HoldAnalysis.warnings(Engine.run(app), app: app).first)
        #expect(w.hold.lastUse == .chunk(2) && w.hold.lastUseAt == 30 && w.hold.heldThrough == ["the background tasks"])
        #expect(w.text.contains("but chunks 0–2 use it and would then see it closed"))
        #expect(w.text.contains("give each background task its own short-lived session"))
    }

    @Test("the JSON trace never carries the warning")
    func jsonUntouched() throws {
        let app = try compile(try Self.poolYAML)
        let json = JSONRenderer.render(Engine.run(app))
        #expect(!json.contains("warning") && !json.contains("fix 1"))
    }

    @Test("lanes: one per request and one for the pool, with holds, waits, units and marks on one axis")
    func lanes() throws {
        let app = try compile(try Self.poolYAML)
        let t = Lanes.build(Engine.run(app), app: app)
        #expect(t.concurrent && t.start == 0 && t.end == 499)
        #expect(t.lanes.map(\.title) == ["#1 GET /report", "#2 GET /report", "#3 GET /report", "pool db_pool (size 2)"])
        #expect(t.lanes[0].rows.map(\.label) == ["request", "get_db", "handler", "stream", "task audit"])
        let wait = try #require(t.lanes[2].rows.first { $0.label == "waits: pool db_pool" }?.spans.first)
        #expect(wait.kind == .wait && wait.start == 20 && wait.end == 172 && !wait.open)
        #expect(t.lanes[1].marks.map(\.kind) == [.disconnect, .cancel])
        let units = t.lanes[3].rows.map { $0.spans.map { "\($0.label) \($0.start)-\($0.end)" } }
        #expect(units == [["#1 0-327"], ["#2 10-172", "#3 172-499"]])
        #expect(t.pinned.map(\.request) == [1, 2, 3])
    }

    @Test("lanes of a deadlock: waits that never end reach the end of the axis, with a deadlock mark")
    func deadlockLanes() throws {
        let app = try compile(SchedulerTests.crossDeadlockYAML)
        let t = Lanes.build(Engine.run(app), app: app)
        for lane in t.lanes.prefix(2) {
            #expect(lane.marks.contains { $0.kind == .deadlock })
            let wait = try #require(lane.rows.first { $0.label.hasPrefix("waits:") }?.spans.first)
            #expect(wait.open && wait.end == t.end)
        }
    }

    @Test("a max_concurrency slot gets a lane of its own; the threadpool does not (only its waits show)")
    func slotAndThreadpoolLanes() throws {
        let slot = try compile("""
        fastapi: latest
        providers:
          get_db: {yield: true, async: true, duration: 10ms}
        routes:
          - GET /items: {async: true, params: {db: 'Depends(get_db, max_concurrency=1)'}, duration: 20ms, returns: ok}
        requests:
          - {request: GET /items, at: 0ms}
          - {request: GET /items, at: 5ms}
        """)
        let t = Lanes.build(Engine.run(slot), app: slot)
        #expect(t.lanes.map(\.title) == ["#1 GET /items", "#2 GET /items", "max_concurrency get_db"])
        #expect(t.lanes[2].rows.map { $0.spans.map(\.label) } == [["#1", "#2"]], "one slot, held in turn")
        #expect(t.lanes[1].rows.contains { $0.label == "waits: max_concurrency get_db" })

        let pool = try compile("""
        fastapi: latest
        app: {threadpool_tokens: 1}
        providers:
          slow: {duration: 30ms}
        routes:
          - GET /x: {async: true, params: {s: Depends(slow)}, returns: ok}
        requests:
          - {request: GET /x, at: 0ms}
          - {request: GET /x, at: 10ms}
        """)
        let p = Lanes.build(Engine.run(pool), app: pool)
        #expect(p.lanes.count == 2)
        let wait = try #require(p.lanes[1].rows.first { $0.label == "waits: threadpool" }?.spans.first)
        #expect(wait.start == 10 && wait.end == 30)
    }

    @Test("sequential runs: lanes back to back, and the text trace stays per request")
    func sequential() throws {
        let seed = try compile(String(contentsOfFile: Self.root + "/scenarios/seeds/db-session-read-user.yaml", encoding: .utf8))
        let r = Engine.run(seed)
        #expect(!r.isConcurrent)
        let t = Lanes.build(r, app: seed)
        let starts = t.lanes.map { $0.rows[0].spans[0].start }
        #expect(starts == starts.sorted() && starts[1] == t.lanes[0].rows[0].spans[0].end)
        let text = TextRenderer().render(r)
        #expect(text.contains("── GET /users/1 ───") && !text.contains("one event loop"))
        #expect(text.contains("     0 ms  enter      get_db                   threadpool  () yields \"Session#1\" · scope=request\n"))
    }

    @Test("concurrent runs: one interleaved time axis with a request column, then the answers")
    func interleavedText() throws {
        let app = try compile(try Self.poolYAML)
        let r = Engine.run(app)
        let text = TextRenderer().render(r)
        #expect(text.contains("── 3 requests on one event loop ─"))
        let lines = text.split(separator: "\n").map(String.init)
        let wait = try #require(lines.firstIndex { $0.contains("#3  wait       db_pool") })
        let release = try #require(lines.firstIndex { $0.contains("#2  release    db_pool") })
        let acquire = try #require(lines.firstIndex { $0.contains("#3  acquire    db_pool") })
        #expect(wait < release && release < acquire, "the order the events happened in")
        #expect(lines.contains("    20 ms  #3  request    GET /report                          arrives"))
        #expect(text.contains("  #2 GET /report → 200 \"\"\n"))
        #expect(r.order.count == r.requests.map(\.events.count).reduce(0, +), "every event once")
    }
}
