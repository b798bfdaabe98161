import DILab
@testable import DILabExport
import Foundation
import Testing

/// The differential check against a run of real FastAPI 0.165.0 captured from the exported seed scenario
/// (`python app.py --trace`), so these tests need no Python and still compare with real behaviour.
@Suite("verify: dilab against a recorded FastAPI run")
struct ComparisonTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let scenarioFile = root + "/scenarios/seeds/db-session-read-user.yaml"

    static func recorded() throws -> ComparableRun {
        let text = try String(contentsOfFile: root + "/Tests/DILabExportTests/Fixtures/db-session-read-user.fastapi-0.165.0.json", encoding: .utf8)
        return try ComparableRun(driverOutput: #require(Value.parse(json: text)))
    }

    static func simulated(_ profile: Profile) throws -> ComparableRun {
        let app = try Validator.compile(try ScenarioLoader.load(path: scenarioFile), profile: profile)
        return ComparableRun(Engine.run(app), app: app)
    }

    @Test func theEngineAgreesWithTheRecordedRun() throws {
        let real = try Self.recorded()
        #expect(real.requests.map(\.status) == [200, 404, 422])
        #expect(Comparison.compare(dilab: try Self.simulated(.latest), fastapi: real).isEmpty)
    }

    @Test func aWrongCleanupRuleIsCaughtAtTheExitEvent() throws {
        // 0.115's rule (cleanup before the response) is wrong for 0.165: the first divergence is the exit.
        let mismatches = Comparison.compare(dilab: try Self.simulated(.v0_115), fastapi: try Self.recorded())
        let first = try #require(mismatches.first)
        #expect(first.place.hasPrefix("request 1 GET /users/1: first divergence at event 4"))
        #expect(first.dilab == "exit get_db @threadpool")
        #expect(first.fastapi == "response 200")
        let rows = first.description.split(separator: "\n").map(String.init)
        #expect(rows.contains("  < exit get_db @threadpool"), "the side-by-side view marks what only dilab has")
        #expect(rows.contains { $0.hasPrefix("  > ") && $0.hasSuffix("exit get_db @threadpool") }, "and what only FastAPI has")
    }

    @Test func aMovedEventInTheRealRunIsReported() throws {
        var real = try Self.recorded()
        real.requests[0].events.swapAt(0, 1)
        let m = Comparison.compare(dilab: try Self.simulated(.latest), fastapi: real)
        #expect(m.count == 1)
        #expect(m[0].place == "request 1 GET /users/1: first divergence at event 1")
    }

    @Test func statusBodyAndDeclaredHeadersAreCompared() throws {
        var real = try Self.recorded()
        real.requests[1].status = 500
        real.requests[2].body = "{}"
        var sim = try Self.simulated(.latest)
        sim.requests[0].headers["x-extra"] = "1"
        let places = Comparison.compare(dilab: sim, fastapi: real).map(\.place)
        #expect(places == ["request 1 GET /users/1: header x-extra", "request 2 GET /users/99: status", "request 3 GET /users/abc: body"])
    }

    @Test func appErrorsCompareTypeAndMessage() {
        var a = ComparableRun(appError: "DependencyScopeError: x", startup: [], requests: [], shutdown: [])
        let b = ComparableRun(appError: nil, startup: [], requests: [], shutdown: [])
        #expect(Comparison.compare(dilab: a, fastapi: b).first?.fastapi == "the app builds")
        a.appError = nil
        #expect(Comparison.compare(dilab: a, fastapi: b).isEmpty)
    }

    @Test func normalisationDropsOnlyWhatTheAppCannotObserve() throws {
        let yaml = """
        providers:
          settings: {lru_cache: true, returns: s}
          dep: {params: {s: Depends(settings)}}
        routes:
          - GET /x/{n}:
              params: {n: int, a: Depends(dep), b: Depends(dep)}
        requests: [GET /x/1, GET /x/1, GET /x/bad]
        """
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml"))
        let run = ComparableRun(Engine.run(app), app: app)
        #expect(run.requests[0].events.contains("call settings @threadpool"))
        #expect(!run.requests[1].events.contains { $0.hasPrefix("call settings") }, "an lru_cache hit runs no body")
        #expect(!run.requests.flatMap(\.events).contains { $0.hasPrefix("cache.hit") || $0.hasPrefix("validation") || $0.hasPrefix("request") })
        #expect(run.requests[2].events == ["call dep @threadpool", "response 422", "sent 422"],
                "FastAPI's own RequestValidationError raise is dropped; the 422 is compared")
    }
}

@Suite("verify: a file dilab cannot read")
struct VerifierInputTests {
    @Test func anUnreadableScenarioIsAnInputErrorNotAMismatch() throws {
        let dir = NSTemporaryDirectory() + "dilab-verify-input-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/bad.yaml"
        try "routes:\n  - GET /x: {params: {d: Depends(nope)}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = Verifier(python: PythonEnvironment(python: "/nonexistent/python"), workDirectory: dir).verify(file: file, profile: .latest)
        #expect(outcome.inputError)
        #expect(!outcome.passed)
        #expect(outcome.error?.contains("bad.yaml:2:34: error[unknown-provider]") == true)
    }

    @Test func aMissingPythonIsReportedAsSuch() throws {
        let dir = NSTemporaryDirectory() + "dilab-verify-nopy-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = Verifier(python: PythonEnvironment(python: "/nonexistent/python"), workDirectory: dir)
            .verify(file: ComparisonTests.scenarioFile, profile: .latest)
        #expect(!outcome.inputError)
        #expect(outcome.error?.contains("cannot start /nonexistent/python") == true)
    }
}
