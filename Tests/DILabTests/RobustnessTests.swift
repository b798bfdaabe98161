@testable import DILab
import Foundation
import Testing

/// Issue 10, "no crash, no hang": the limits themselves, and what FastAPI does at them.
@Suite("Robustness limits")
struct RobustnessTests {
    @Test("expression depth: 100 levels parse, 101 are a located 'nested too deeply'")
    func expressionDepth() throws {
        let ok = String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99)
        #expect(try ExprParser.parse(ok).evaluate([:]) == .int(1))
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        #expect(throws: ExprError.self) { try ExprParser.parse(deep) }
        do { _ = try ExprParser.parse(deep) } catch let e as ExprError {
            #expect(e.message.contains("nested too deeply"))
            #expect(e.offset == 100)
        }
        #expect(try ExprParser.parse(Array(repeating: "a", count: 90).joined(separator: " and ")).roots.count == 90)
    }

    @Test("durations: at most one day, checked before converting; the virtual clock saturates")
    func durations() throws {
        let day = "scenario: d\nroutes:\n  - GET /a: {duration: 86400s, returns: 1}\n"
        #expect(try compile(day).routes[0].route.duration == 86_400_000)
        let clock = VirtualClock(start: Int.max - 1)
        clock.advance(10)
        #expect(clock.now == Int.max)
    }

    @Test("1xx, 204, 205 and 304 responses carry no body, whatever the handler returned")
    func bodylessStatus() throws {
        for status in [101, 204, 205, 304] {
            let t = try run("scenario: s\nroutes:\n  - GET /a: {status: \(status), returns: {a: 1}}\n", requests: ["GET /a"])[0]
            #expect(t.status == status)
            #expect(t.bodyText == "")
        }
        #expect(try run("scenario: s\nroutes:\n  - GET /a: {status: 201, returns: {a: 1}}\n", requests: ["GET /a"])[0].bodyText == #"{"a":1}"#)
    }

    @Test("p15 depth: FastAPI 0.165 on Python 3.11 serves 956 deep, fails at request time from 957, at registration from 983")
    func recursionThresholds() throws {
        #expect(try run(Generated.chain(956))[0].status == 200)
        let failed = try run(Generated.chain(957))[0]
        #expect(failed.status == 500)
        #expect(failed.events.contains { $0.kind == .serverError && $0.subject == "RecursionError" })
        #expect(try compile(Generated.chain(982)).appErrors.isEmpty)
        let refused = try compile(Generated.chain(983)).appErrors
        #expect(refused.map(\.rule) == ["recursion-depth"])
        #expect(refused[0].message.hasSuffix("RecursionError: maximum recursion depth exceeded"))
    }

    static let overrideLoop = """
    scenario: o
    providers:
      get_db: {yield: true}
      repo: {params: {db: Depends(get_db)}}
    routes:
      - GET /items: {params: {r: Depends(repo)}, returns: ok}
    dependency_overrides:
      get_db: repo
    """

    @Test("an override that depends on its original: RecursionError at request time, a 500, and a check warning")
    func overrideRecursion() throws {
        let t = try run(Self.overrideLoop, requests: ["GET /items"])[0]
        #expect(t.status == 500)
        #expect(calls(t).isEmpty)
        #expect(t.events.contains { $0.kind == .serverError && $0.subject == "RecursionError" })
        let scenario = try ScenarioLoader.load(text: Self.overrideLoop, file: "o.yaml")
        let warnings = Validator.overrideWarnings(scenario)
        #expect(warnings.map(\.rule) == ["override-recursion"])
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.location.line == 8 })
        #expect(try compile(Self.overrideLoop).appErrors.isEmpty)
    }

    @Test("an override to an unrelated provider is not warned about")
    func harmlessOverride() throws {
        let yaml = Self.overrideLoop.replacingOccurrences(of: "get_db: repo", with: "get_db: fake") + "\n"
        let withFake = yaml.replacingOccurrences(of: "  repo: {params", with: "  fake: {}\n  repo: {params")
        #expect(Validator.overrideWarnings(try ScenarioLoader.load(text: withFake)).isEmpty)
        #expect(try run(withFake, requests: ["GET /items"])[0].status == 200)
    }

    @Test("JSON text nests as deep as Python's json.loads allows; deeper is nil, not a crash (one reader: PythonJSON)")
    func boundedJSON() {
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(Value.parse(json: ok)?.json == ok)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(Value.parse(json: deep) == nil)
        #expect(Value.parse(json: "[1,") == nil)
    }

    @Test("non-UTF-8 files point at the first bad byte")
    func invalidUTF8() {
        let at = SourceLines.firstInvalidUTF8(Array("ok\r\nab".utf8) + [0xE9])
        #expect(at?.line == 2 && at?.column == 3)
        #expect(SourceLines.firstInvalidUTF8(Array("fine".utf8)) == nil)
        let path = CrashCorpusTests.folder.appendingPathComponent("latin1.yaml").path
        #expect(throws: DiagnosticList.self) { try ScenarioLoader.load(path: path) }
        do { _ = try ScenarioLoader.load(path: path) } catch let list as DiagnosticList {
            let d = list.diagnostics[0]
            #expect((d.location.line, d.location.column) == (2, 14))
            #expect(d.snippet == "scenario: caf\u{FFFD}")
        } catch { Issue.record("\(error)") }
    }

    @Test("CRLF, CR and NEL all end lines, as libyaml counts them")
    func lineEndings() {
        for nl in ["\n", "\r\n", "\r", "\u{85}", "\u{2028}"] {
            #expect(SourceLines.split(["a", "b", "c"].joined(separator: nl)) == ["a", "b", "c"])
        }
    }

    @Test("a huge snippet is windowed around the caret; a huge name gets no did-you-mean")
    func longLines() {
        let line = String(repeating: "x", count: 499_999) + "Y" + String(repeating: "x", count: 500_000)
        let d = Diagnostic(location: SourceLocation(file: "f", line: 1, column: 500_000), rule: "r", message: "m", snippet: line)
        #expect(d.description.count < 400)
        let lines = d.description.split(separator: "\n").map(Array.init)
        let caret = lines[2].firstIndex(of: "^")!
        #expect(lines[1][caret] == "Y")
        #expect(Suggest.closest(to: line, in: ["help", "run"]) == nil)
        #expect(Suggest.closest(to: "hlep", in: ["help", "run"]) == "help")
    }
}
