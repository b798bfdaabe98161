@testable import DILabConsole
import Testing

@Suite("routes, providers, graph")
struct BrowsingCommandTests {
    @Test func routesListMethodPathHandlerAndDirectDependencies() {
        let (_, out, _) = Fixtures.fixtureSession(["routes"])
        #expect(out.text.contains("GET /users/{user_id}  → read_user  depends: get_db, current_user"))
        #expect(out.text.contains("POST /register"))
    }

    @Test func providersShowKindAndUse() {
        let (_, out, _) = Fixtures.fixtureSession(["override get_db fake_db", "providers"])
        #expect(out.text.contains("get_db        sync, yield  overridden by fake_db  used by GET /users/{user_id}"))
        #expect(out.text.contains("fake_db       sync, yield  (not used by any route)"))
        #expect(out.text.contains("get_settings  sync  used by GET /users/{user_id}"))
    }

    @Test func graphIsTheEnginesTreeForOneOrAllRoutes() {
        let (_, all, _) = Fixtures.fixtureSession(["graph"])
        #expect(all.text.contains("GET /users/{user_id} → read_user\n├─ db=get_db  [sync, yield, scope=request]\n│  └─ settings=get_settings  [sync]"))
        #expect(all.text.contains("POST /register → register"))
        let (_, one, _) = Fixtures.fixtureSession(["graph register"])
        #expect(one.text.hasPrefix("POST /register → register"))
        #expect(!one.text.contains("read_user"))
        let (_, mermaid, _) = Fixtures.fixtureSession(["graph mermaid"])
        #expect(mermaid.text.hasPrefix("graph LR"))
    }

    @Test func unknownRouteSuggestsOne() {
        let (_, out, _) = Fixtures.fixtureSession(["graph read_usr"])
        #expect(out.error?.message == "no route 'read_usr'")
        #expect(out.error?.hint == "did you mean `read_user`?")
        let (_, dot, _) = Fixtures.fixtureSession(["graph register dot"])
        #expect(dot.failed)
    }

    @Test func browsingNeedsAScenario() {
        for command in ["routes", "providers", "graph"] {
            #expect(Fixtures.session([command]).1.error?.message == "no scenario loaded")
        }
    }
}
