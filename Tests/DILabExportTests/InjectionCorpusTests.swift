import DILab
@testable import DILabExport
import Foundation
import Testing

/// Issue 10, "code execution through export": every vector of the corpus is either refused at load with a
/// located diagnostic, or exports to Python that parses, carries the payload only as data and runs nothing
/// on import, and to DOT and Mermaid where the payload stays inside a quoted label.
@Suite("injection corpus")
struct InjectionCorpusTests {
    static let rejected = InjectionVector.all.filter { if case .rejected = $0.outcome { return true } else { return false } }
    static let loading = InjectionVector.all.filter { if case .exports = $0.outcome { return true } else { return false } }

    @Test func theCorpusCoversAtLeastFortyPlaces() {
        #expect(InjectionVector.all.count >= 40)
        #expect(Set(InjectionVector.all.map(\.name)).count == InjectionVector.all.count, "one vector per place")
    }

    @Test(arguments: rejected)
    func aHostileNameIsRefusedAtItsNode(_ v: InjectionVector) throws {
        guard case let .rejected(rule, line) = v.outcome else { return }
        do {
            _ = try Validator.compile(try ScenarioLoader.load(text: v.yaml, file: "inline.yaml"))
            Issue.record("\(v.name): loaded, but should be refused")
        } catch let list as DiagnosticList {
            let hit = list.diagnostics.first { $0.rule == rule && $0.location.line == line }
            #expect(hit != nil, "\(v.name): expected [\(rule)] at line \(line), got:\n\(list)")
            #expect((hit?.location.column ?? 0) > 0)
            #expect(hit?.hint != nil)
            #expect(hit.map { !$0.description.unicodeScalars.contains { $0 == "\r" || $0 == "\u{0}" } } ?? true, "the message itself stays printable")
        }
    }

    static func compiled(_ v: InjectionVector) throws -> CompiledApp {
        try Validator.compile(try ScenarioLoader.load(text: v.yaml, file: v.file))
    }

    @Test func everyLoadingVectorExportsToPythonThatRunsNothing() throws {
        var exports: [String: String] = [:]
        for (i, v) in Self.loading.enumerated() {
            let app = try Self.compiled(v)
            exports[String(format: "v%02d", i)] = FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        }
        let report = try InjectionHarness.run(exports)
        for (i, v) in Self.loading.enumerated() {
            let f = try #require(report.findings[String(format: "v%02d", i)], "\(v.name): no result from python3\n\(report.runtimeChecks)")
            #expect(f.parsed, "\(v.name): the export does not parse: \(f.error ?? "")")
            #expect(f.leaks.isEmpty, "\(v.name): the payload is code: \(f.leaks)")
            #expect(f.imported, "\(v.name): importing the export failed: \(f.error ?? "")")
        }
        #expect(!report.sentinelWritten, "a payload ran while the exports were imported")
        #expect(report.runtimeChecks.hasPrefix("111111"), "the runtime's get/text: \(report.runtimeChecks)")
    }

    /// The same proof for what ships: every scenario and lesson file exports to Python that imports cleanly.
    @Test func everyShippedExportImportsWithoutRunningAnything() throws {
        let root = ComparisonTests.root
        var exports: [String: String] = [:]
        for folder in ["scenarios", "lessons"] {
            for case let rel as String in FileManager.default.enumerator(atPath: "\(root)/\(folder)")! where rel.hasSuffix(".yaml") && !rel.hasSuffix("lesson.yaml") {
                let s = try ScenarioLoader.load(path: "\(root)/\(folder)/\(rel)")
                exports[(folder + "_" + rel).replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "-", with: "_")] = FastAPIExporter(scenario: s, profile: s.profile).export()
            }
        }
        #expect(exports.count >= 100)
        let report = try InjectionHarness.run(exports)
        #expect(report.findings.count == exports.count, "\(report.runtimeChecks)")
        for (name, f) in report.findings.sorted(by: { $0.key < $1.key }) {
            #expect(f.parsed && f.imported, "\(name): \(f.error ?? "")")
        }
        #expect(!report.sentinelWritten)
    }

    @Test func theIssuesOwnVectorsEndAsData() throws {
        func export(_ name: String) throws -> String {
            let v = try #require(InjectionVector.all.first { $0.name == name })
            let app = try Self.compiled(v)
            return FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        }
        let lifespan = try export("lifespan sets reading a Python global")
        #expect(lifespan.contains("STATE[\"env\"] = get(None, \"environ\")"), "a root that is no parameter is None, as in the engine")
        #expect(try export("task raise condition reading a Python global").contains("if get(None, \"environ\"):"))
        let doc = try export("doc with CRLF (one Swift Character)")
        #expect(doc.contains("# x pwned_marker() "))
        let nul = try export("doc with NUL")
        #expect(nul.contains("# a\\u0000b pwned_marker"))
        let title = try export("title with \\x and \\N escapes")
        #expect(title.contains("a \\\\x41 \\\\N{BULLET} \\\\u0041 end\\\\"))
    }

    @Test func catchingBaseExceptionUsesPythonsBuiltin() throws {
        let v = try #require(InjectionVector.all.first { $0.name == "catching BaseException" })
        let app = try Self.compiled(v)
        let py = FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        #expect(py.contains("except BaseException as exc:"))
        #expect(!py.contains("class BaseException"), "a custom class would shadow Python's and catch nothing")
    }

    @Test func aClassAlsoNamedByInstanceOfIsDefinedOnce() throws {
        let v = try #require(InjectionVector.all.first { $0.name == "a class also named by instance_of" })
        let app = try Self.compiled(v)
        let py = FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        #expect(py.components(separatedBy: "class Pager:").count == 2, "one `class Pager:`")
        #expect(py.contains("class Pager_pager:"))
        #expect(py.contains("pager = Pager_pager(\"pager\")"))
        let e = try #require(InjectionVector.all.first { $0.name == "instance_of naming an exception class" })
        let app2 = try Self.compiled(e)
        let py2 = FastAPIExporter(scenario: app2.scenario, profile: app2.profile).export()
        #expect(py2.components(separatedBy: "class Boom").count == 3, "`class Boom(Exception):` and `class Boom_db:`, nothing else")
        #expect(py2.contains("class Boom(Exception):") && py2.contains("class Boom_db:"))
    }

    /// DOT: outside double quotes only DOT syntax; the payload and every label live inside balanced quotes.
    static func dotProblems(_ dot: String) -> [String] {
        var problems: [String] = []
        var inQuote = false, escaped = false, outside = ""
        for scalar in dot.unicodeScalars {
            if inQuote {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inQuote = false }
                if scalar == "\n" || scalar == "\r" { problems.append("a raw line break inside a quoted ID") }
            } else if scalar == "\"" {
                inQuote = true
            } else {
                outside.unicodeScalars.append(scalar)
            }
        }
        if inQuote { problems.append("an unbalanced quote") }
        if outside.contains(InjectionHarness.marker) { problems.append("the payload is outside a quoted ID") }
        let syntax = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzLR=;,[]{}->\n ")
        if !outside.unicodeScalars.allSatisfy(syntax.contains) { problems.append("unexpected DOT syntax outside quotes: \(outside)") }
        return problems
    }

    /// Mermaid: each edge is `id["label"] -->|"label"| id["label"]` with no syntax characters left in a label.
    static func mermaidProblems(_ mermaid: String) -> [String] {
        let edge = #/^  n\d+\["([^"]*)"\] -->(\|"([^"]*)"\|)? n\d+\["([^"]*)"\]$/#
        return mermaid.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().filter { !$0.isEmpty }.compactMap { line in
            guard let m = line.wholeMatch(of: edge) else { return "not a plain edge: \(line)" }
            let labels = [String(m.1), m.3.map(String.init) ?? "", String(m.4)]
            let bad = labels.map { $0.replacing(#/#\d+;/#, with: "") }.first { $0.unicodeScalars.contains { "\"<>|;[]{}`\\\r".unicodeScalars.contains($0) } }
            return bad.map { "a label keeps Mermaid syntax: \($0)" }
        }
    }

    @Test(arguments: loading)
    func graphExportsKeepTheTextInsideLabels(_ v: InjectionVector) throws {
        let app = try Self.compiled(v)
        let dot = GraphRenderer.render(app, format: .dot)
        #expect(Self.dotProblems(dot).isEmpty, "\(v.name): \(Self.dotProblems(dot))\n\(dot)")
        let mermaid = GraphRenderer.render(app, format: .mermaid)
        #expect(mermaid.hasPrefix("graph LR\n"))
        #expect(Self.mermaidProblems(mermaid).isEmpty, "\(v.name): \(Self.mermaidProblems(mermaid))\n\(mermaid)")
    }

    @Test func theCheckersThemselvesCatchABrokenLabel() {
        #expect(!Self.dotProblems("digraph dependencies {\n  \"a\" -> \"b\"c\" pwned_marker;\n}\n").isEmpty)
        #expect(!Self.mermaidProblems("graph LR\n  n0[\"a\"] --> n1[\"b|c\"]\n").isEmpty)
        #expect(Self.mermaidProblems("graph LR\n  n0[\"a#34;\"] -->|\"use_cache=False\"| n1[\"b\"]\n").isEmpty)
    }
}

@Suite("injection harness")
struct InjectionHarnessTests {
    /// The harness must be able to fail: a payload written as code is both seen in the AST and run.
    @Test func aPayloadWrittenAsCodeIsFoundAndRuns() throws {
        let report = try InjectionHarness.run(["bad": "x = 1\npwned_marker()\n", "good": "s = \"pwned_marker()\"\n"])
        #expect(report.findings["bad"]?.leaks.isEmpty == false)
        #expect(report.findings["good"]?.leaks.isEmpty == true)
        #expect(report.sentinelWritten)
    }
}
