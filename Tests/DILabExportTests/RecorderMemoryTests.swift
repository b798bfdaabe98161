import DILab
@testable import DILabExport
import Foundation
import Testing

/// Served by uvicorn, the export must not grow with its traffic (issue 12: ~2 KB per request used to stay in the
/// recorder forever). Checked against the stub FastAPI: the recorder and the request-numbering middleware only.
@Suite("the exported app's recorder stays bounded")
struct RecorderMemoryTests {
    static let yaml = """
    providers:
      get_db: {yield: true}
    routes:
      - GET /a: {params: {db: Depends(get_db)}}
    requests: ["GET /a"]
    """

    static func export() throws -> String {
        let app = try Validator.compile(try ScenarioLoader.load(text: Self.yaml, file: "memory.yaml"))
        return FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
    }

    /// 100 requests through `RequestIds`, each recording an `exit`: nothing kept but the latest request's state.
    static func probe(keep: Bool) -> String {
        """
        (lambda m: (lambda mw: (setattr(m, "KEEP_EVENTS", \(keep ? "True" : "False")), \
        [asyncio.run(mw({"type": "http"}, None, None)) for _ in range(100)], \
        [len(m.EVENTS), sorted(m._closed), sorted(m._started), mw.served, m.closed()])[2])\
        (m.RequestIds(lambda s, r, q: asyncio.sleep(0, m.record("exit", "get_db")))))(__import__("exported"))
        """
    }

    @Test func servedItKeepsNoEventsAndOnlyTheLatestRequest() throws {
        let out = try InjectionHarness.evaluate(try Self.export(), Self.probe(keep: false))
        #expect(out == #"[0,[100],[100],100,{"get_db":true}]"#, "\(out)")
    }

    @Test func aDriverStillGetsEveryEvent() throws {
        let out = try InjectionHarness.evaluate(try Self.export(), Self.probe(keep: true))
        #expect(out == #"[100,[100],[100],100,{"get_db":true}]"#, "\(out)")
    }
}
