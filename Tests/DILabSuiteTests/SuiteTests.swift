@testable import DILab
@testable import DILabSuite
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The conformance suite must be able to fail, point at the right line, and report the same way every time.
@Suite("dilab test")
struct SuiteTests {
    static let scenario = """
    scenario: suite fixture
    # a comment that --update must keep
    providers:
      get_db: {yield: true, returns: "Session#{{call}}"}
    tasks: {audit: {}}
    routes:
      - GET /users/{user_id}:
          params: {user_id: int, db: Depends(get_db), bt: BackgroundTasks}
          adds_tasks: [audit]
          returns: {id: "{{user_id}}"}
    requests: [GET /users/1]
    """

    /// A temporary scenario file with goldens written by the engine.
    func goldenFile(_ text: String = SuiteTests.scenario) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-suite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("fixture.yaml").path
        let updated = try GoldenWriter.updated(try ScenarioLoader.load(text: text, file: path))
        try updated.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("--update keeps the file above the goldens and the result passes")
    func updateRoundTrip() throws {
        let path = try goldenFile()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(Self.scenario))
        #expect(text.contains("# a comment that --update must keep"))
        #expect(text.contains("      - exit get_db\n"))
        let result = SuiteRunner().check(file: path)
        #expect(result.status == .passed && result.cases.count == 1)
        #expect(try GoldenWriter.updated(try ScenarioLoader.load(path: path)) == text)
    }

    @Test("moving one expected event makes the suite fail at that event's line")
    func movedEventFails() throws {
        let path = try goldenFile()
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let exit = try #require(lines.firstIndex(of: "      - exit get_db"))
        let sent = try #require(lines.firstIndex(of: "      - sent 200"))
        let moved = lines.remove(at: exit)
        lines.insert(moved, at: sent)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let result = SuiteRunner().check(file: path)
        #expect(result.status == .failed)
        let failure = try #require(result.cases.first?.failure)
        #expect(failure.contains("expected: exit get_db"))
        #expect(failure.contains("actual:   sent 200"))
        #expect(failure.contains("rule: Request-scoped cleanup") || failure.contains("rule:"))
        #expect(result.cases.first?.location.line == sent + 1)
        let report = SuiteReport.text([result])
        #expect(report.hasSuffix("0 passed, 1 failed\n"))
        #expect(report.contains("\(path):\(sent + 1):"))
    }

    @Test("a wrong status or body is reported")
    func wrongStatus() throws {
        let path = try goldenFile()
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "status: 200", with: "status: 201")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(SuiteRunner().check(file: path).cases.first?.failure?.contains("status: expected 201, got 200") == true)
    }

    @Test("a wrong body points at the `body:` line; a file that does not load is an input error")
    func wrongBodyAndInputError() throws {
        let path = try goldenFile()
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let bodyLine = try #require(lines.firstIndex { $0.hasPrefix("    body:") })
        lines[bodyLine] = "    body: {id: 2}"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let result = SuiteRunner().check(file: path)
        #expect(result.status == .failed && !result.isInputError)
        #expect(result.cases.first?.location.line == bodyLine + 1)
        try "routes: [\n".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = SuiteRunner().check(file: path)
        #expect(broken.status == .failed && broken.isInputError)
    }

    @Test("the JUnit report is well-formed XML with one testcase per expectation, file and line")
    func junit() throws {
        let good = SuiteRunner().check(file: try goldenFile())
        let broken = FileResult(file: "x.yaml", status: .failed, cases: [
            CaseResult(file: "x.yaml", location: SourceLocation(file: "x.yaml", line: 7, column: 3), request: "GET /<&>\"", profile: .v0_115, failure: "trace differs\n- a\n+ b"),
        ], problem: nil)
        let xml = JUnitReport.xml([good, broken])
        let doc = try XMLDocument(xmlString: xml, options: [])
        let root = try #require(doc.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "2")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let cases = try root.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.count == 2)
        #expect(cases[1].attribute(forName: "line")?.stringValue == "7")
        #expect(cases[1].attribute(forName: "name")?.stringValue == "GET /<&>\" [0.115]")
        #expect(try root.nodes(forXPath: "//failure").count == 1)
        let suites = try root.nodes(forXPath: "//testsuite").compactMap { $0 as? XMLElement }
        #expect(suites.allSatisfy { ($0.attribute(forName: "time")?.stringValue).flatMap(Double.init) != nil })
        #expect(JUnitReport.time(1.2345) == "1.235" && JUnitReport.time(0.004) == "0.004")
    }

    @Test("running the suite twice gives identical output")
    func deterministic() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenarios").path
        let files = try Discovery.scenarioFiles(under: [corpus])
        #expect(!files.isEmpty)
        let first = SuiteReport.text(SuiteRunner().check(files: files, jobs: 2))
        let second = SuiteReport.text(SuiteRunner().check(files: files, jobs: 1))
        #expect(first == second)
    }

    @Test("the unified diff marks removed and added lines")
    func diff() {
        #expect(LineDiff.unified(expected: ["a", "b", "c"], actual: ["a", "c", "b"]) == "--- expected\n+++ actual\n  a\n- b\n  c\n+ b\n")
        #expect(LineDiff.firstDivergence(["a"], ["a", "b"]) == 1)
        #expect(LineDiff.firstDivergence(["a"], ["a"]) == nil)
    }
}
