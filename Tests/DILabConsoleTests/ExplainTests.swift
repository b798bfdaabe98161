@testable import DILabConsole
import Testing

@Suite("explain")
struct ExplainTests {
    static let request = "GET /users/1 Authorization:t"

    @Test func cacheHitNamesTheKeyAndWhoStoredIt() {
        let (_, out, _) = Fixtures.fixtureSession([Self.request, "explain 3"])
        #expect(out.text.contains("cache key (get_settings, (), '')"))
        #expect(out.text.contains("that key was stored by #1 call get_settings"))
        #expect(out.text.contains("Per-request cache"))
        #expect(out.text.contains("0.115  same place: before the response is sent, before the background tasks"))
    }

    @Test func cleanupNamesScopeProfileAndWhatOtherProfilesAndScopesDo() {
        let (_, out, _) = Fixtures.fixtureSession([Self.request, "explain #11"])
        #expect(out.text.contains("get_db was set up at #2 enter get_db on the request exit stack"))
        #expect(out.text.contains("cleanup here: after the response is sent, after the background tasks, under FastAPI 0.165.0 (profile latest)"))
        #expect(out.text.contains("Request-scoped cleanup"))
        // The engine, re-run under the other profiles: only 0.115 moves the cleanup.
        #expect(out.text.contains("0.120  same place: after the response is sent, after the background tasks"))
        #expect(out.text.contains("0.115  before the response is sent, before the background tasks"))
        #expect(out.text.contains("0.105  same place"))
        #expect(out.text.contains("with scope=\"function\""))
        #expect(out.text.contains("    before the response is sent, before the background tasks"))
    }

    @Test func whyNamesAnEventByItsTraceLine() {
        let (_, byLine, _) = Fixtures.fixtureSession([Self.request, "why exit get_db"])
        let (_, byNumber, _) = Fixtures.fixtureSession([Self.request, "explain 11"])
        #expect(byLine.text.contains("get_db was set up at #2 enter get_db on the request exit stack"))
        #expect(byLine.text.contains("docs/rules.md#yield-request-scope"))
        #expect(byLine.text == byNumber.text.replacingOccurrences(of: "explain 11", with: "why exit get_db"))
        let (_, missing, _) = Fixtures.fixtureSession([Self.request, "why task.start nothing"])
        #expect(missing.error?.description.contains("no `task.start nothing` in the last request") == true)
    }

    @Test func whyAParameterSaysWhereItsValueCameFrom() {
        let (_, db, _) = Fixtures.fixtureSession([Self.request, "why db"])
        #expect(db.text.contains("db — a parameter of the handler read_user (GET /users/{user_id})"))
        #expect(db.text.contains("declared as `db: Depends(get_db)`"))
        #expect(db.text.contains("enter get_db: the value the generator yielded"))
        let (_, id, _) = Fixtures.fixtureSession([Self.request, "why user_id"])
        #expect(id.text.contains("read from the request (the path)"))
        let (_, overridden, _) = Fixtures.fixtureSession(["override get_db fake_db", Self.request, "why db"])
        #expect(overridden.text.contains("overridden: dependency_overrides[get_db] = fake_db"))
    }

    @Test func oneProfileOnly() {
        let (_, out, _) = Fixtures.fixtureSession([Self.request, "explain 11 0.115"])
        #expect(out.text.contains("0.115  before the response is sent"))
        #expect(!out.text.contains("0.120 "))
    }

    @Test func providerShowsUseSitesEventsAndVariants() {
        let (_, out, _) = Fixtures.fixtureSession([Self.request, "explain get_settings"])
        #expect(out.text.contains("GET /users/{user_id}: read_user → get_db → get_settings  key (get_settings, (), '')"))
        #expect(out.text.contains("GET /users/{user_id}: read_user → current_user → get_settings"))
        #expect(out.text.contains("#3     0 ms  cache.hit"))
        #expect(out.text.contains("0.120  same"))
        let (_, db, _) = Fixtures.fixtureSession([Self.request, "explain get_db"])
        #expect(db.text.contains("0.115  enter get_db (before the response is sent, before the background tasks); exit get_db (before the response is sent, before the background tasks)"))
        #expect(db.text.contains("with scope=\"function\""))
    }

    @Test func providerBeforeAnyRequestIsStaticOnly() {
        let (_, out, _) = Fixtures.fixtureSession(["explain get_db"])
        #expect(out.text.contains("use sites"))
        #expect(out.text.contains("send a request to see its events"))
    }

    @Test func explainErrors() {
        #expect(Fixtures.fixtureSession([Self.request, "explain 99"]).1.error?.message == "no event #99: the last request has 11 events")
        let typo = Fixtures.fixtureSession(["explain get_dbb"]).1.error
        #expect(typo?.message == "no provider 'get_dbb' and no event number")
        #expect(typo?.hint == "did you mean `get_db`?")
        #expect(Fixtures.fixtureSession(["explain"]).1.failed)
        #expect(Fixtures.fixtureSession(["explain get_db nope"]).1.error?.message == "unknown FastAPI profile 'nope'")
        #expect(Fixtures.fixtureSession(["explain 1"]).1.error?.message == "no request yet")
    }
}
