import DILab
@testable import DILabExport
import Foundation
import Testing

/// `dilab export --plain` and the sidecar layout (issue 16): the app as a FastAPI developer would write it, with
/// dilab's recorder and driver in `dilab_trace.py` beside it, or not at all.
@Suite("export: the sidecar layout and --plain")
struct PlainExportTests {
    static func load(_ rel: String) throws -> Scenario {
        let s = try ScenarioLoader.load(path: ComparisonTests.root + "/" + rel)
        return try Validator.compile(s).scenario
    }

    @Test func theClassSpellingsStayDistinct() throws {
        let s = try Self.load("scenarios/classes/p11-class-dependency-shortcut.yaml")
        let py = FastAPIExporter(scenario: s, profile: s.profile).plain()
        #expect(py.contains("async def read_items(*, c: CommonParams = Depends(), d: Annotated[CommonParams, Depends()], e=Depends(CommonParams)):"), "\(py)")
        #expect(py.contains("from typing import Annotated\n"))
    }

    @Test func aPlainSeedReadsLikeTheDocs() throws {
        let s = try Self.load("scenarios/seeds/class-based-session.yaml")
        let py = FastAPIExporter(scenario: s, profile: s.profile).plain()
        #expect(!py.contains("record("))
        #expect(!py.contains("dilab_trace"))
        #expect(py.contains("""
        @app.get("/users")
        def read_users(db: Annotated[Connection, Depends(get_db)]):
            return {"users": [], "via": db}
        """), "\(py)")
        #expect(py.contains("class Connection:\n    \"\"\"Stands for the app's Connection"))
        #expect(py.contains("yield f\"connection(postgresql://prod/db)#{call}\""))
    }

    @Test func theTracedAppImportsItsRecorderFromTheSidecar() throws {
        let s = try Self.load("scenarios/seeds/email-service-lru-config.yaml")
        let files = FastAPIExporter(scenario: s, profile: s.profile).files()
        #expect(files.map(\.name) == ["app.py", "dilab_trace.py"])
        let app = files[0].text
        #expect(app.contains("\nfrom dilab_trace import RequestIds, count, get, record, run_trace, sleep_ms, text\n"), "\(app)")
        #expect(app.hasSuffix("if __name__ == \"__main__\":  # python app.py --trace: dilab's driver sends the scenario's requests\n    run_trace(app, globals())\n"))
        #expect(!app.contains("def _drive"))
        #expect(files[1].text.contains("def run_trace(the_app, namespace: dict) -> None:"))
        #expect(files[1].text.contains("REQUESTS = ["))
    }

    @Test func importsAreExactlyTheNamesTheCodeReads() {
        let code = "x = Depends(f)\ny = 'Query'  # Header\nz = f\"{asyncio.sleep}\"\nw = a.Body\n"
        #expect(PythonImports.block(for: code) == ["import asyncio", "", "from fastapi import Depends"])
    }

    @Test func plainPausesAreSeconds() {
        #expect(Bodies.seconds(300) == "0.3")
        #expect(Bodies.seconds(1500) == "1.5")
        #expect(Bodies.seconds(5) == "0.005")
        #expect(Bodies.seconds(2000) == "2")
    }

    /// The injection corpus, exported plain: still data, parsed, imported, nothing run.
    @Test func everyLoadingVectorExportsToPlainPythonThatRunsNothing() throws {
        var exports: [String: String] = [:]
        for (i, v) in InjectionCorpusTests.loading.enumerated() {
            let app = try InjectionCorpusTests.compiled(v)
            exports[String(format: "p%02d", i)] = FastAPIExporter(scenario: app.scenario, profile: app.profile).plain()
        }
        // The harness's runtime checks read the last module's recorder: a traced export goes last.
        let first = try InjectionCorpusTests.compiled(InjectionCorpusTests.loading[0])
        exports["zz_traced"] = FastAPIExporter(scenario: first.scenario, profile: first.profile).export()
        let report = try InjectionHarness.run(exports)
        for (i, v) in InjectionCorpusTests.loading.enumerated() {
            let f = try #require(report.findings[String(format: "p%02d", i)], "\(v.name): no result from python3\n\(report.runtimeChecks)")
            #expect(f.parsed, "\(v.name): the plain export does not parse: \(f.error ?? "")")
            #expect(f.leaks.isEmpty, "\(v.name): the payload is code: \(f.leaks)")
            #expect(f.imported, "\(v.name): importing the plain export failed: \(f.error ?? "")")
        }
        #expect(!report.sentinelWritten, "a payload ran while the plain exports were imported")
    }
}
