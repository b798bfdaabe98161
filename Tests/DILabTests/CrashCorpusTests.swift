@testable import DILab
import Foundation
import Testing

/// Every input that once killed or hung dilab, replayed: each must end in located diagnostics or a trace.
/// Small inputs live in Fixtures/crash (first line `# expect: RULE` or `# expect: trace STATUS`);
/// big ones are generated here rather than committed.
@Suite("Crash corpus")
struct CrashCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/crash")

    static var fixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// What happened to one input, as a short word the corpus can state.
    enum Outcome: Equatable, CustomStringConvertible {
        case diagnostics([String])
        case trace([Int])
        var description: String {
            switch self {
            case .diagnostics(let rules): return "diagnostics \(rules)"
            case .trace(let statuses): return "trace \(statuses)"
            }
        }
    }

    /// Load, compile and run; every diagnostic must carry a line.
    static func outcome(path: String? = nil, text: String? = nil) throws -> Outcome {
        do {
            let scenario = try path.map { try ScenarioLoader.load(path: $0) } ?? ScenarioLoader.load(text: text ?? "", file: "generated.yaml")
            let app = try Validator.compile(scenario)
            if !app.appErrors.isEmpty { return .diagnostics(app.appErrors.map(\.rule)) }
            return .trace(Engine.run(app).requests.map(\.status))
        } catch let list as DiagnosticList {
            for d in list.diagnostics { #expect(d.location.line > 0, "\(d) has no line") }
            return .diagnostics(list.diagnostics.map(\.rule))
        }
    }

    @Test("each committed regression input ends as its first line says", arguments: fixtures)
    func fixture(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path
        let head = String(decoding: (FileManager.default.contents(atPath: path) ?? Data()).prefix(60), as: UTF8.self)
        let expect = head.dropFirst("# expect: ".count).prefix { !$0.isNewline && $0 != "\r" && $0 != "\u{85}" }
        let result = try Self.outcome(path: path)
        if expect.hasPrefix("trace ") {
            #expect(result == .trace([Int(expect.dropFirst(6))!]), "\(name): \(result)")
        } else {
            guard case .diagnostics(let rules) = result else { Issue.record("\(name): \(result)"); return }
            #expect(rules.first == String(expect), "\(name): \(rules)")
        }
    }

    @Test("the corpus is there: a missing folder must not pass silently")
    func corpusPresent() {
        #expect(Self.fixtures.count >= 19)
    }

    @Test("100,000 nested [ in a value is refused before Yams recurses")
    func deepFlow() throws {
        let yaml = "scenario: d\nroutes:\n  - GET /a:\n      returns: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        #expect(try Self.outcome(text: yaml) == .diagnostics(["yaml-limit"]))
    }

    @Test("6,000 `not` and a 5,000-term `or` are parse errors, not evaluation overflows")
    func longExpressions() throws {
        let nots = "scenario: n\nroutes:\n  - GET /a: {returns: \"{{" + String(repeating: "not ", count: 6_000) + "True}}\"}\n"
        #expect(try Self.outcome(text: nots) == .diagnostics(["template"]))
        let ors = "scenario: n\nroutes:\n  - GET /a: {returns: \"{{" + Array(repeating: "False", count: 5_000).joined(separator: " or ") + "}}\"}\n"
        #expect(try Self.outcome(text: ors) == .diagnostics(["template"]))
    }

    @Test("10,000 providers in a chain or a cycle end in FastAPI's RecursionError, located")
    func deepGraphs() throws {
        #expect(try Self.outcome(text: Generated.chain(10_000)) == .diagnostics(["recursion-depth"]))
        #expect(try Self.outcome(text: Generated.cycle(10_000)) == .diagnostics(["recursion-depth"]))
        #expect(try Self.outcome(text: Generated.cycle(600)) == .diagnostics(["cycle"]))
    }

    @Test("a 40-level diamond (2⁴⁰ use sites, as FastAPI would build them) is refused once, not built")
    func diamond() throws {
        #expect(try Self.outcome(text: Generated.diamond(40)) == .diagnostics(["graph-size"]))
    }

    @Test("values that double per provider level are cut at the render budget, not walked 2^N times")
    func doublingValues() throws {
        let app = try compile(Generated.doubling(60))
        let trace = Engine.run(app).requests[0]
        #expect(trace.status == 200)
        #expect(trace.bodyText.contains("value too large to simulate"))
        #expect(trace.bodyText.utf8.count < 2_000_000)
        let text = try run("scenario: t\nproviders:\n  big: {returns: \"\(String(repeating: "x", count: 1 << 19))\"}\n"
            + "  twice: {params: {b: Depends(big)}, returns: \"{{b}}{{b}}{{b}}\"}\nroutes:\n  - GET /a: {params: {t: Depends(twice)}, returns: \"{{t}}\"}\n", requests: ["GET /a"])[0]
        #expect(text.bodyText.contains("text truncated"))
    }

    @Test("10,000 sibling dependencies and 10,000 routes load, compile and run")
    func wide() throws {
        #expect(try Self.outcome(text: Generated.siblings(10_000)) == .trace([200]))
        #expect(try Self.outcome(text: Generated.routes(10_000)) == .trace([200]))
    }
}

/// Scenario text for graphs too big to commit.
enum Generated {
    static func chain(_ n: Int) -> String {
        var s = "scenario: chain\nproviders:\n  d0: {}\n"
        for i in 1..<n { s += "  d\(i): {params: {x: Depends(d\(i - 1))}}\n" }
        return s + "routes:\n  - GET /a: {params: {x: Depends(d\(n - 1))}, returns: 1}\nrequests:\n  - GET /a\n"
    }

    static func cycle(_ n: Int) -> String {
        var s = "scenario: cycle\nproviders:\n"
        for i in 0..<n { s += "  d\(i): {params: {x: Depends(d\((i + 1) % n))}}\n" }
        return s + "routes:\n  - GET /a: {params: {x: Depends(d0)}, returns: 1}\nrequests:\n  - GET /a\n"
    }

    /// Each level uses the one below twice (once uncached), so FastAPI's unshared tree doubles per level.
    static func diamond(_ n: Int) -> String {
        var s = "scenario: diamond\nproviders:\n  d0: {}\n"
        for i in 1..<n { s += "  d\(i): {params: {a: Depends(d\(i - 1)), b: \"Depends(d\(i - 1), use_cache=False)\"}}\n" }
        return s + "routes:\n  - GET /a: {params: {x: Depends(d\(n - 1))}, returns: 1}\n"
    }

    /// Each provider returns its input twice: 2^N nodes if walked, N values in memory.
    static func doubling(_ n: Int) -> String {
        var s = "scenario: doubling\nproviders:\n  d0: {returns: 0}\n"
        for i in 1..<n { s += "  d\(i): {params: {x: Depends(d\(i - 1))}, returns: {v: \"{{x}}\", w: [\"{{x}}\"]}}\n" }
        return s + "routes:\n  - GET /a: {params: {x: Depends(d\(n - 1))}, returns: \"{{x}}\"}\nrequests:\n  - GET /a\n"
    }

    static func siblings(_ n: Int) -> String {
        var s = "scenario: siblings\nproviders:\n"
        for i in 0..<n { s += "  d\(i): {}\n" }
        s += "routes:\n  - GET /a:\n      params: {" + (0..<n).map { "p\($0): Depends(d\($0))" }.joined(separator: ", ") + "}\n"
        return s + "      returns: 1\nrequests:\n  - GET /a\n"
    }

    static func routes(_ n: Int) -> String {
        var s = "scenario: routes\nproviders:\n  d: {}\nroutes:\n"
        for i in 0..<n { s += "  - GET /r\(i): {params: {x: Depends(d)}, returns: \(i)}\n" }
        return s + "requests:\n  - GET /r\(n - 1)\n"
    }
}
