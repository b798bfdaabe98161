import DILab
@testable import DILabExport
import Foundation
import Testing

/// Shapes the export must write as FastAPI will read them, so `dilab import` of the export gives back the
/// scenario's graph: a yield provider stays a generator even when its setup always raises, and instances that
/// read alike share the one class `instance_of:` names.
@Suite("export fidelity")
struct ExportFidelityTests {
    static func file(_ path: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scenario = try ScenarioLoader.load(path: root.appendingPathComponent(path).path)
        return FastAPIExporter(scenario: scenario, profile: .latest).export()
    }

    @Test func aYieldProviderWhoseSetupAlwaysRaisesIsStillAGenerator() throws {
        let text = try Self.file("scenarios/exceptions/p05-dependency-raises-before-yield.yaml")
        let deny = try #require(text.range(of: "def deny("))
        let body = String(text[deny.upperBound...]).components(separatedBy: "\n\n\n")[0]
        #expect(body.contains("HTTPException(status_code=401"))
        #expect(body.contains("yield  # never reached: the setup above always raises"))
        let plain = try ScenarioLoader.load(text: """
            providers:
              deny: {yield: true, raises: {status: 401, detail: denied}}
            routes:
              - GET /d: {handler: d, params: {x: Depends(deny)}, returns: ok}
            """, file: "inline.yaml")
        let plainText = ExportTracing.$isOff.withValue(true) { FastAPIExporter(scenario: plain, profile: .latest).export() }
        #expect(plainText.contains("    yield  # never reached"))
    }

    @Test func instancesThatReadAlikeShareTheirClass() throws {
        let text = try Self.file("scenarios/classes/p11-callable-instances.yaml")
        #expect(text.components(separatedBy: "class FixedContentQueryChecker:").count == 2)
        #expect(text.contains("checker_bar = FixedContentQueryChecker(\"checker_bar\")"))
        #expect(text.contains("checker_bar2 = FixedContentQueryChecker(\"checker_bar2\")"))
        #expect(!text.contains("FixedContentQueryChecker_"))
        let differing = try ScenarioLoader.load(text: """
            providers:
              a: {instance_of: Checker, returns: one}
              b: {instance_of: Checker, returns: two}
            routes:
              - GET /c: {handler: c, params: {x: Depends(a), y: Depends(b)}, returns: ok}
            """, file: "inline.yaml")
        let both = FastAPIExporter(scenario: differing, profile: .latest).export()
        #expect(both.contains("class Checker_a:") && both.contains("class Checker_b:"))
    }
}
