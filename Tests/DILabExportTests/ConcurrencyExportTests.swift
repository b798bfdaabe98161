import DILab
@testable import DILabExport
import Foundation
import Testing

/// The export's concurrency: max_concurrency, pools, the threadpool's tokens, CancelledError, the concurrent
/// driver; and the comparison's rules for overlapping requests (docs/verify.md).
@Suite("export and verify: concurrency")
struct ConcurrencyExportTests {
    static let pooled = """
    pools: {db_pool: 2}
    app: {threadpool_tokens: 3}
    providers:
      get_db:
        yield: true
        async: true
        acquires: db_pool
        duration: 5ms
        returns: "s{{call}}"
        except:
          - {catch: CancelledError, then: reraise}
      sync_db: {yield: true, acquires: db_pool, returns: x}
      plain: {acquires: db_pool, returns: 1}
      limited: {async: true, returns: 1}
    routes:
      - GET /a:
          params: {db: Depends(get_db), l: "Depends(limited, max_concurrency=2)"}
      - GET /b:
          params: {db: Depends(sync_db), p: Depends(plain)}
    requests:
      - {request: GET /a, at: 0ms}
      - {request: GET /b, at: 10ms, disconnect: 20ms, cancel: 30ms}
    """

    @Test func maxConcurrencyIsWrittenAsInFastAPIsDocs() throws {
        let py = try ExporterTests.export(Self.pooled)
        #expect(py.contains("l=Depends(limited, max_concurrency=2)"))
    }

    @Test func aRefusedMaxConcurrencyIsALiteralOfItsKindNeverAName() {
        #expect(Signatures.maxConcurrency(.limit(3)) == "3")
        #expect(Signatures.maxConcurrency(.invalid("True")) == "True")
        #expect(Signatures.maxConcurrency(.invalid("0")) == "0")
        #expect(Signatures.maxConcurrency(.invalid("1.5")) == "1.5")
        #expect(Signatures.maxConcurrency(.invalid("'2'")) == "\"2\"")
        #expect(Signatures.maxConcurrency(.invalid("os")) == "\"os\"", "a bare name would read a Python global")
        #expect(Signatures.maxConcurrency(.invalid("__import__('os')")) == "\"__import__('os')\"")
    }

    @Test func aPoolIsHeldAroundTheWholeBodyAsyncOrSync() throws {
        let py = try ExporterTests.export(Self.pooled)
        #expect(py.contains("class ConnectionPool:"))
        #expect(py.contains("db_pool = ConnectionPool(\"db_pool\", size=2)"))
        #expect(py.contains("""
        async def get_db():
            async with db_pool.connection():
                call = count("get_db")
                record("enter", "get_db")
                await asleep_ms(5)
                try:
        """))
        #expect(py.contains("""
        def sync_db():
            with db_pool.connection():
                record("enter", "sync_db")
        """))
        #expect(py.contains("""
        def plain():
            with db_pool.connection():
                record("call", "plain")
                return 1
        """))
    }

    @Test func threadpoolTokensAndCancelledErrorAreImportedOnlyWhenUsed() throws {
        let py = try ExporterTests.export(Self.pooled)
        #expect(py.contains("from asyncio import CancelledError"))
        #expect(py.contains("except CancelledError as exc:"))
        #expect(!py.contains("class CancelledError"), "asyncio's, not a class of the scenario's")
        #expect(py.contains("anyio.to_thread.current_default_thread_limiter().total_tokens = 3"))
        #expect(py.contains("app = FastAPI(lifespan=lifespan)"))
        let plain = try ExporterTests.export("routes:\n  - GET /x: {returns: 1}\nrequests: [GET /x]\n")
        #expect(!plain.contains("CancelledError") && !plain.contains("anyio.to_thread") && !plain.contains("ConnectionPool"))
        #expect(plain.contains("CONCURRENT = False") && !plain.contains("_drive_together"))
    }

    @Test func overlappingRequestsCarryTheirTimesAndTheConcurrentDriver() throws {
        let py = try ExporterTests.export(Self.pooled)
        #expect(py.contains("\"at\": 10, \"disconnect\": 20, \"cancel\": 30}"))
        #expect(py.contains("CONCURRENT = True"))
        #expect(py.contains("HANG_MS = 260"), "twice the longest duration (30 ms), plus 200")
        #expect(py.contains("async def _drive_together()"))
    }

    @Test func aPoolNamedLikeAProviderOrAParameterIsRefused() {
        let clash = """
        pools: {get_db: 1}
        providers:
          get_db: {acquires: get_db, returns: 1}
        routes:
          - GET /x: {params: {d: Depends(get_db)}}
        """
        #expect(throws: DiagnosticList.self) { try ScenarioLoader.load(text: clash, file: "inline.yaml") }
        let hidden = """
        pools: {db_pool: 1}
        providers:
          get_db: {acquires: db_pool, params: {db_pool: int}, returns: 1}
        routes:
          - GET /x: {params: {d: Depends(get_db)}}
        """
        #expect(throws: DiagnosticList.self) { try ScenarioLoader.load(text: hidden, file: "inline.yaml") }
    }

    @Test func cancelledErrorMayBeCaughtButNotRaised() {
        let raising = """
        providers:
          d: {raises: {exception: CancelledError, message: x}}
        routes:
          - GET /x: {params: {v: Depends(d)}}
        """
        #expect(throws: DiagnosticList.self) { try ScenarioLoader.load(text: raising, file: "inline.yaml") }
    }

    // MARK: the comparison

    static func request(_ events: [String], times: [Int] = [], order: [Int] = []) -> ComparableRun.Request {
        ComparableRun.Request(line: "GET /a", status: 200, body: "", headers: [:], events: events, times: times, order: order)
    }

    @Test func ordersAtLeastTheMarginApartAreComparedAcrossRequests() {
        var dilab = ComparableRun(appError: nil, startup: [], requests: [
            Self.request(["handler a @loop", "exit get_db @loop"], times: [0, 100]),
            Self.request(["acquire db_pool pool", "handler a @loop"], times: [110, 130]),
        ], shutdown: [])
        dilab.concurrent = true
        // FastAPI recorded request 2's handler (130 ms in dilab) before request 1's exit (100 ms): 30 ms apart, a mismatch.
        let wrong = ComparableRun(appError: nil, startup: [], requests: [
            Self.request(["handler a @loop", "exit get_db @loop"], order: [0, 3]),
            Self.request(["acquire db_pool pool", "handler a @loop"], order: [1, 2]),
        ], shutdown: [])
        let found = Comparison.compare(dilab: dilab, fastapi: wrong)
        #expect(found.count == 1)
        #expect(found.first?.place == "requests 1 and 2: order across requests")
        #expect(found.first?.dilab.contains("`exit get_db @loop` (100 ms) before request 2 `handler a @loop` (130 ms)") == true)
        // The acquire at 110 ms is only 10 ms after the exit: either order is fine.
        let close = ComparableRun(appError: nil, startup: [], requests: [
            Self.request(["handler a @loop", "exit get_db @loop"], order: [0, 2]),
            Self.request(["acquire db_pool pool", "handler a @loop"], order: [1, 3]),
        ], shutdown: [])
        #expect(Comparison.compare(dilab: dilab, fastapi: close).isEmpty)
        // Not a concurrent run in dilab: no cross-request check at all.
        dilab.concurrent = false
        #expect(Comparison.compare(dilab: dilab, fastapi: wrong).isEmpty)
    }

    @Test func onlyWhatTheAppCanObserveOfConcurrencyIsCompared() {
        func event(_ kind: TraceEvent.Kind, _ subject: String, _ q: String = "") -> TraceEvent {
            TraceEvent(t: 0, request: 1, kind: kind, subject: subject, data: q.isEmpty ? [:] : ["q": q])
        }
        let seen = { (e: TraceEvent) in ComparableRun.observable(e, callables: ["get_db"]) }
        #expect(seen(event(.wait, "get_db", "max_concurrency")) == nil)
        #expect(seen(event(.acquire, "threadpool", "threadpool")) == nil)
        #expect(seen(event(.cancel, "get_db", "CancelledError")) == nil)
        #expect(seen(event(.wait, "db_pool", "pool")) == "wait db_pool pool")
        #expect(seen(event(.release, "db_pool", "pool")) == "release db_pool pool")
        #expect(seen(event(.deadlock, "get_db", "max_concurrency")) == "hung")
        #expect(seen(event(.disconnect, "GET /a", "http.disconnect")) == "disconnect GET /a http.disconnect")
    }

    @Test func theDriversHungAndOrderAreRead() throws {
        let json = Value.parse(json: """
        {"fastapi": "0.165.0", "app_error": null, "startup": [], "shutdown": [], "requests": [
          {"request": "GET /a", "status": null, "headers": {}, "body": "", "events": [
            {"kind": "acquire", "subject": "db_pool", "q": "pool", "thread": "loop", "t": 0.5, "seq": 0},
            {"kind": "hung", "subject": "", "q": "", "thread": "loop", "t": 400.0, "seq": 3}]}]}
        """)!
        let run = try ComparableRun(driverOutput: json)
        #expect(run.requests[0].events == ["acquire db_pool pool", "hung"])
        #expect(run.requests[0].order == [0, 3])
        #expect(run.requests[0].status == 0)
    }
}
