@testable import DILab
import Testing

/// Bad input gets file:line:column, the expectation and a hint — never a crash.
@Suite("Loading and diagnostics")
struct LoaderTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            let s = try ScenarioLoader.load(text: yaml, file: "bad.yaml")
            _ = try Validator.compile(s)
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("YAML syntax errors carry line and column")
    func yamlSyntax() {
        let d = diagnostics("routes:\n  - GET /x: {returns: [1, 2}\n")
        #expect(d.count == 1)
        #expect(d[0].rule == "yaml" && d[0].location.line == 2)
    }

    @Test("an unknown provider gets a did-you-mean, every error in one pass")
    func unknownProvider() {
        let d = diagnostics("providers:\n  get_db: {}\nroutes:\n  - GET /x: {params: {db: Depends(get_bd), t: Depends(nope)}}\n")
        #expect(d.map(\.rule) == ["unknown-provider", "unknown-provider"])
        #expect(d[0].hint == "did you mean 'get_db'?")
        #expect(d[0].location == SourceLocation(file: "bad.yaml", line: 4, column: 35))
        #expect(d[0].description.contains("bad.yaml:4:35: error[unknown-provider]: unknown provider 'get_bd'"))
    }

    @Test("wrong types and unknown keys are reported where they are")
    func wrongTypes() {
        let d = diagnostics("providers:\n  p: {yield: maybe, duration: soon, retruns: 1}\nroutes:\n  - GET /x: {status: ok}\n")
        #expect(Set(d.map(\.location.line)) == [2, 4])
        #expect(d.contains { $0.message.contains("unknown key 'retruns'") && $0.hint == "did you mean 'returns'?" })
        #expect(d.contains { $0.message.contains("expected duration as a duration like 250ms or 2s, found 'soon'") })
        #expect(d.contains { $0.message.contains("expected the status code as a whole number") })
    }

    @Test("a bad parameter points at the column inside the string")
    func badParam() {
        let d = diagnostics("routes:\n  - GET /x: {params: {q: \"Depends(a, use_cach=False)\"}}\n")
        #expect(d.count == 1)
        #expect(d[0].message.contains("Depends() has no argument 'use_cach'"))
        #expect(d[0].location.column == 38)
    }

    @Test("a lower-case unknown type is a typo; a capitalised one is a body model")
    func unknownTypes() throws {
        let d = diagnostics("routes:\n  - GET /x: {params: {q: integr}}\n")
        #expect(d.first?.message == "bad parameter 'q': unknown type 'integr'" && d.first?.hint == "did you mean 'int'?")
        let app = try compile("routes:\n  - POST /x: {params: {item: Item}, returns: \"{{item.name}}\"}\n")
        let t = Engine(app: app).handle(RequestSpec(method: "POST", target: "/x", body: .object([("name", .string("n"))])))
        #expect(t.bodyText == #""n""#)
    }

    @Test("a YAML error at the end of the file points at what was left open")
    func unclosed() {
        let d = diagnostics("routes:\n  - GET /x:\n      returns: {a: 1\n")
        #expect(d.first?.location.line == 3 && d.first?.location.column == 16)
    }

    @Test("templates and conditions are checked for names")
    func templates() {
        let names = diagnostics("routes:\n  - GET /x: {params: {user_id: int}, returns: \"{{usr_id}}\"}\n")
        #expect(names.contains { $0.rule == "unknown-name" && $0.hint == "did you mean 'user_id'?" })
        let both = diagnostics("providers: {}\nroutes:\n  - GET /x: {params: {d: Depends(get_db)}, raises: {status: 404, when: \"user_id ==\"}}\n")
        #expect(Set(both.map(\.rule)) == ["condition", "unknown-provider"])
    }

    @Test("garbage never crashes the loader", arguments: ["", "- 1\n- 2", "routes: 5", "routes:\n  - {}", ":\n:", "routes:\n  - GET /x:\n      params: {a: 'Annotated['}", "\t\tbad"])
    func garbage(_ text: String) {
        let d = diagnostics(text)
        #expect(!d.isEmpty)
    }
}
