@testable import DILab
@testable import DILabExport
import Testing

@Suite struct ResponseClassExportTests {
    @Test func theExportNamesEveryClassWhereTheScenarioDoes() throws {
        let yaml = """
        scenario: t
        app: {default_response_class: HTMLResponse}
        routers:
          api: {prefix: /api, default_response_class: JSONResponse, include: {in: app, default_response_class: PlainTextResponse}}
        routes:
          - GET /go: {handler: go, response_class: RedirectResponse, status: 200, returns: /x}
          - GET /t: {handler: t, router: api, returns: v}
        """
        let scenario = try ScenarioLoader.load(text: yaml, file: "inline.yaml")
        let source = FastAPIExporter(scenario: scenario, profile: scenario.profile).export()
        #expect(source.contains("app = FastAPI(default_response_class=HTMLResponse)"))
        #expect(source.contains(#"api = APIRouter(prefix="/api", default_response_class=JSONResponse)"#))
        #expect(source.contains("app.include_router(api, default_response_class=PlainTextResponse)"))
        #expect(source.contains(#"@app.get("/go", status_code=200, response_class=RedirectResponse)"#))
    }

    @Test func verifyComparesTheContentType() {
        func run(_ type: String??) -> ComparableRun {
            var r = ComparableRun.Request(line: "GET /x", status: 200, body: "v", headers: [:], events: [])
            r.contentType = type
            return ComparableRun(appError: nil, startup: [], requests: [r], shutdown: [])
        }
        let html = Comparison.compare(dilab: run(.some("text/html; charset=utf-8")), fastapi: run(.some("text/plain; charset=utf-8")))
        #expect(html.map(\.place) == ["request 1 GET /x: content-type"])
        #expect(Comparison.compare(dilab: run(.some(nil)), fastapi: run(.some("application/json"))).count == 1)
        #expect(Comparison.compare(dilab: run(nil), fastapi: run(.some("text/plain; charset=utf-8"))).isEmpty)
    }
}
