import DILab
@testable import DILabExport
import Foundation
import Testing

/// A template means the same in the engine and in the export: the same paths give the same values, and
/// what the engine cannot read (a method of a string, a member of a str) is null in Python too, not an attribute.
/// (A field a class dependency cannot have is refused at load: MemberCheckTests.)
@Suite("templates: engine and export agree")
struct TemplateAgreementTests {
    static let yaml = """
    providers:
      Pager: {class: true, params: {page: int = 3}}
      scopes_of: {params: {ss: SecurityScopes}, returns: "{{ss.scopes}}|{{ss.scope_str}}"}
    routes:
      - GET /a:
          handler: read_a
          params: {q: str = 'abc', n: int = 5, p: Pager = Depends()}
          returns:
            method: "{{q.upper}}"
            index: "{{q.0}}"
            number_attr: "{{n.real}}"
            field: "{{p.page}}"
            missing: "{{q.nothing}}"
            text: "x{{q}}y{{n}}z{{p.page}}"
            condition: "{{q.upper == None and not q.nothing}}"
    requests: ["GET /a"]
    """

    @Test func theSamePathsGiveTheSameValues() throws {
        let app = try Validator.compile(try ScenarioLoader.load(text: Self.yaml, file: "agree.yaml"))
        let engine = try #require(Engine.run(app).requests.first).body
        #expect(engine != .null)
        let export = FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        let python = try InjectionHarness.evaluate(export, "read_a(q='abc', n=5, p=Pager())")
        #expect(Value.parse(json: python) == engine, "engine \(engine.json), export \(python)")
    }

    @Test func securityScopesAreReadAsTheirTwoFields() throws {
        let app = try Validator.compile(try ScenarioLoader.load(text: Self.yaml, file: "agree.yaml"))
        let export = FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        let python = try InjectionHarness.evaluate(export, "scopes_of(ss=SecurityScopes(['me', 'items']))")
        #expect(python == "\"[\\\"me\\\",\\\"items\\\"]|me items\"")
    }
}
