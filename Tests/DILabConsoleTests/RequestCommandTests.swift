import DILab
@testable import DILabConsole
import Testing

@Suite("requests, again, show")
struct RequestCommandTests {
    @Test func aRequestPrintsTheEnginesTraceNumbered() {
        let (state, out, _) = Fixtures.fixtureSession(["GET /users/1 -H 'Authorization: Bearer t'"])
        #expect(!out.failed)
        #expect(out.text.contains("── GET /users/1 -H 'Authorization: Bearer t' "))
        #expect(out.text.contains("request 1 · latest ──"))
        #expect(out.text.contains("  #3     0 ms  cache.hit  └ get_settings"))
        #expect(out.text.contains(#"→ 200 {"id":1,"session":"Session#1","user":"user(Bearer t)"}"#))
        // The trace is the engine's, untouched.
        #expect(state.lastTrace?.events.map(\.compact) == Engine.runOne(Fixtures.appYAML, state.lastRequest!))
    }

    @Test func lowerCaseMethodsAndTheRequestWordWork() {
        let (_, a, _) = Fixtures.fixtureSession(["get /users/2 authorization:x"])
        #expect(a.text.contains(#""user":"user(x)""#))
        let (_, b, _) = Fixtures.fixtureSession(["request GET /users/3 Authorization:y"])
        #expect(b.text.contains(#""id":3"#))
    }

    @Test func httpieFieldsBecomeTheJSONBody() {
        let (_, out, _) = Fixtures.fixtureSession(["POST /register name=pen price:=2"])
        #expect(out.text.contains(#"→ 200 {"name":"pen","price":2}"#))
    }

    @Test func validationAndRoutingErrorsAreTracesNotCommandErrors() {
        let (_, v, _) = Fixtures.fixtureSession(["GET /users/abc"])
        #expect(!v.failed)
        #expect(v.text.contains("→ 422"))
        let (_, nf, _) = Fixtures.fixtureSession(["GET /nowhere"])
        #expect(nf.text.contains(#"→ 404 {"detail":"Not Found"}"#))
    }

    @Test func requestsShareOneAppLifetime() {
        let (_, out, _) = Fixtures.fixtureSession(["GET /users/1 Authorization:t", "again"])
        #expect(out.text.contains("request 2 · latest"))
        #expect(out.text.contains(#""session":"Session#2""#))
    }

    @Test func requestErrors() {
        #expect(Fixtures.session(["GET /users/1"]).1.error?.message == "no scenario loaded")
        #expect(Fixtures.fixtureSession(["GET users"]).1.error?.message == "GET needs a path starting with /")
        #expect(Fixtures.fixtureSession(["again"]).1.error?.message == "no request yet")
        #expect(Fixtures.fixtureSession(["GET /x 'open"]).1.error?.message == "unterminated ' quote")
    }

    @Test func showRepeatsTheTraceAsTextOrJSON() {
        let (_, text, _) = Fixtures.fixtureSession(["GET /users/1 Authorization:t", "show"])
        #expect(text.text.contains(" #11    25 ms  exit       get_db"))
        let (_, json, _) = Fixtures.fixtureSession(["GET /users/1 Authorization:t", "show json"])
        let parsed = Value.parse(json: json.text)
        #expect(parsed?["status"] == .int(200))
        #expect(parsed?["route"] == .string("GET /users/{user_id}"))
        #expect(Fixtures.fixtureSession(["GET /users/1", "show yaml"]).1.error?.message == "unknown format 'yaml'")
        #expect(Fixtures.fixtureSession(["show"]).1.error?.message == "no request yet")
    }

    @Test func refusedAppServesNoRequests() {
        // A request-scoped yield dependency over an explicit scope="function" one: FastAPI refuses at registration.
        let path = Fixtures.root + "/scenarios/scopes/p04-a-default-yield-over-function.yaml"
        let (_, load) = Fixtures.session(["load \(path)"])
        #expect(load.text.contains("FastAPI refuses to build this app"))
        let (_, out) = Fixtures.session(["load \(path)", "GET /a"])
        #expect(out.error?.message.hasPrefix("FastAPI refuses to build this app, so no request is served") == true)
    }
}

extension Engine {
    /// The compact trace of one request on a fresh app: what the REPL must show, computed without the REPL.
    static func runOne(_ yaml: String, _ request: RequestSpec) -> [String] {
        let app = try! Validator.compile(try! ScenarioLoader.load(text: yaml))
        return Engine.run(app, requests: [request]).requests[0].events.map(\.compact)
    }
}
