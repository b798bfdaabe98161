import DILab
@testable import DILabConsole
import Foundation
import Testing

/// Overlapping requests in the REPL: `GET /a & GET /b [@100ms]` and `burst N ...`, on the engine's event loop.
@Suite("requests together: & and burst")
struct TogetherTests {
    static var pool: String { Fixtures.root + "/Tests/DILabExportTests/Fixtures/three-clients-pool-stream.yaml" }

    @Test func ampersandRunsRequestsTogetherWithTheirOffsets() throws {
        let (state, out) = Fixtures.session(["load \(Self.pool)", "GET /report & GET /report @30ms & GET /report @30ms"])
        #expect(out.error == nil, "\(out.error?.description ?? "")")
        #expect(out.text.contains("── 3 requests on one event loop ─"))
        #expect(out.text.contains("    30 ms  #2  request    GET /report"))
        #expect(out.text.contains("#3  wait       db_pool"), "the third finds both connections taken")
        #expect(out.text.contains("timeline · 3 requests on one event loop"))
        #expect(out.text.contains("pool db_pool (size 2)"))
        #expect(out.text.contains("warning: get_db is request-scoped and held far beyond its last use"))
        let run = try #require(state.lastRun)
        #expect(run.isConcurrent && run.requests.map(\.request.at) == [0, 30, 30])
        #expect(state.lastTrace?.id == 1, "step and explain look at the first of them")
    }

    @Test func burstFiresCopiesStepApartAndTimelineRedrawsTheLanes() throws {
        let (state, out) = Fixtures.session(["load \(Self.pool)", "burst 3 GET /report @10ms", "timeline"])
        #expect(out.error == nil)
        #expect(out.text.hasPrefix("timeline · 3 requests on one event loop"))
        #expect(out.text.contains("  waits: pool db_pool"))
        #expect(state.lastRun?.requests.map(\.request.at) == [0, 10, 20])
        // A single request afterwards: `timeline` is the one-request picture again.
        let (_, single) = Fixtures.session(["GET /report", "timeline"], state: state)
        #expect(single.text.hasPrefix("timeline · GET /report (request 4"))
    }

    @Test func mistakesSayWhatToType() {
        let cases: [(String, String)] = [
            ("GET /report &", "a request is missing around `&`"),
            ("GET /report & GET /report @soon", "bad time '@soon'"),
            ("burst 100 GET /report", "at most 50 requests in one burst, not 100"),
            ("burst 2 /report", "a request starts with a method"),
        ]
        for (line, message) in cases {
            let (_, out) = Fixtures.session(["load \(Self.pool)", line])
            #expect(out.error?.message == message, "\(line): \(out.error?.description ?? "no error")")
        }
    }

    @Test func completionAfterAnAmpersandStartsANewRequest() {
        let state = Fixtures.session(["load \(Self.pool)"]).0
        let completer = Completer(registry: .standard)
        #expect(completer.candidates(prefix: "GET /report & ", state: state) == ["GET"])
        #expect(completer.candidates(prefix: "GET /report & GET /r", state: state) == ["/report"])
        #expect(completer.candidates(prefix: "burst 3 G", state: state) == ["GET"])
        #expect(completer.candidates(prefix: "burst 3 GET /", state: state) == ["/report"])
    }

    @Test func laneRendererMarksWaitsDisconnectsAndUnits() throws {
        let scenario = try ScenarioLoader.load(path: Self.pool)
        let app = try Validator.compile(scenario, profile: nil)
        let text = LaneTimelineRenderer.render(Lanes.build(Engine.run(app), app: app))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "timeline · 3 requests on one event loop · 0–499 ms · 1 column ≈ 9 ms")
        #expect(lines.contains { $0.hasPrefix("  waits: pool db_pool   ┄┄┄") })
        #expect(lines.contains { $0.contains("↯ client disconnects at 70 ms") })
        #expect(lines.contains { $0.hasPrefix("  unit 2") && $0.contains("#2▒") && $0.contains("#3▒") })
        #expect(lines.contains("  ! #1 get_db held 325 ms, last used at 25 ms: 300 ms idle through the streaming body and the background tasks"))
    }
}
