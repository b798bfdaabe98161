import DILab
@testable import DILabConsole
import Testing

@Suite("override, profile, diff")
struct VariantCommandTests {
    static let request = "GET /users/1 Authorization:t"

    @Test func overrideReplacesTheProviderFromTheNextRequest() {
        let (state, out, _) = Fixtures.fixtureSession(["override get_db fake_db", Self.request])
        #expect(state.overrides == ["get_db": "fake_db"])
        #expect(out.text.contains("enter      fake_db"))
        #expect(out.text.contains(#""session":"Fake#1""#))
        let (_, listed, _) = Fixtures.fixtureSession(["override get_db fake_db", "override"])
        #expect(listed.text == "dependency_overrides[get_db] = fake_db\n")
    }

    @Test func clearingOneOrAll() {
        let (one, out, _) = Fixtures.fixtureSession(["override get_db fake_db", "override clear get_db"])
        #expect(out.text == "del dependency_overrides[get_db]\n")
        #expect(one.overrides.isEmpty)
        let (all, cleared, _) = Fixtures.fixtureSession(["override get_db fake_db", "override current_user fake_db", "override clear"])
        #expect(cleared.text == "dependency_overrides.clear(): 2 removed\n")
        #expect(all.overrides.isEmpty)
        #expect(Fixtures.fixtureSession(["override"]).1.text == "no dependency_overrides\n")
    }

    @Test func overrideErrors() {
        let typo = Fixtures.fixtureSession(["override get_dbx fake_db"]).1.error
        #expect(typo?.message == "no provider 'get_dbx'")
        #expect(typo?.hint == "did you mean `get_db`?")
        #expect(Fixtures.fixtureSession(["override clear get_db"]).1.error?.message == "get_db is not overridden")
        #expect(Fixtures.fixtureSession(["override get_db get_db"]).1.failed)
        #expect(Fixtures.fixtureSession(["override a b c"]).1.failed)
        #expect(Fixtures.session(["override get_db fake_db"]).1.error?.message == "no scenario loaded")
    }

    @Test func anOverrideCycleIsRefusedInsteadOfRunning() {
        // current_user depends on get_settings; overriding get_settings with current_user loops forever.
        let (state, out, _) = Fixtures.fixtureSession(["override get_settings current_user"])
        #expect(out.error?.message.contains("make a cycle") == true)
        #expect(state.overrides.isEmpty)
    }

    @Test func aLoopingOverrideInTheFileIsFastAPIsRecursionError() {
        let path = Fixtures.write("""
        scenario: o
        providers:
          get_db: {yield: true}
          repo: {params: {db: Depends(get_db)}}
        routes:
          - GET /items: {params: {r: Depends(repo)}, returns: ok}
        dependency_overrides:
          get_db: repo
        """)
        let (state, out) = Fixtures.session(["load \(path)", "GET /items"])
        #expect(out.error == nil)
        #expect(state.lastTrace?.status == 500)
        #expect(out.text.contains("RecursionError"))
    }

    @Test func profileSwitchRestartsUnderTheOtherRules() {
        let (state, out, _) = Fixtures.fixtureSession(["profile 0.115"])
        #expect(out.text.hasPrefix("profile 0.115 (FastAPI 0.115.14): the app restarted"))
        #expect(state.app?.profile == .v0_115)
        let (_, trace, _) = Fixtures.fixtureSession(["profile 0.115", Self.request])
        #expect(trace.text.contains("request 1 · 0.115"))
        #expect(trace.text.contains("cleanup (exit stack), before the response"))
        let (back, _, _) = Fixtures.fixtureSession(["profile 0.115", "profile file"])
        #expect(back.profile == .latest)
        #expect(Fixtures.fixtureSession(["profile"]).1.text.hasPrefix("profile latest (FastAPI 0.165.0); available: latest, 0.120, 0.115, 0.105"))
        // Choosing a profile before loading applies to the load.
        let (early, _) = Fixtures.session(["profile 0.105", "load \(Fixtures.seed)"])
        #expect(early.app?.profile == .v0_105)
    }

    @Test func profileErrors() {
        let e = Fixtures.fixtureSession(["profile 2.0"]).1.error
        #expect(e?.message == "unknown FastAPI profile '2.0'")
        #expect(e?.hint?.contains("latest, 0.120, 0.115, 0.105") == true)
        #expect(Fixtures.fixtureSession(["profile latest 0.115"]).1.failed)
    }

    @Test func diffSideBySideShowsWhereTheCleanupMoves() {
        let (_, out, _) = Fixtures.fixtureSession([Self.request, "diff 0.115"])
        #expect(out.text.hasPrefix("diff · GET /users/1 -H 'Authorization: t' · a fresh app under each profile"))
        let rows = out.text.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasSuffix("> exit get_db") })
        #expect(rows.contains { $0.hasPrefix("exit get_db") && $0.hasSuffix("<") })
        #expect(rows.contains { $0.hasPrefix("handler read_user") && $0.hasSuffix("│ handler read_user") })
    }

    @Test func diffUnifiedAndWithAnExplicitRequest() {
        let (_, u, _) = Fixtures.fixtureSession(["diff latest 0.115 -u GET /users/2 Authorization:t"])
        #expect(u.text.contains("--- latest (FastAPI 0.165.0)\n+++ 0.115 (FastAPI 0.115.14)\n"))
        #expect(u.text.contains("+ exit get_db\n"))
        #expect(u.text.contains("- exit get_db\n"))
        let (_, same, _) = Fixtures.fixtureSession([Self.request, "diff latest 0.120"])
        #expect(same.text.contains("no difference: latest and 0.120 give the same events, status and body"))
    }

    @Test func diffErrors() {
        #expect(Fixtures.fixtureSession(["diff 0.115"]).1.error?.message == "no request to compare")
        #expect(Fixtures.fixtureSession(["diff"]).1.error?.message == "diff needs one or two profiles")
        #expect(Fixtures.fixtureSession(["diff bogus"]).1.error?.message == "unknown FastAPI profile 'bogus'")
    }

    @Test func scopeEditChangesEveryUseSite() throws {
        let s = try ScenarioLoader.load(text: Fixtures.appYAML)
        let edited = Variants.withScope("function", for: "get_db", in: s)
        let use = edited.routes[0].params.compactMap(\.depends).first { $0.provider == "get_db" }
        #expect(use?.scope == "function")
        #expect(s.routes[0].params.compactMap(\.depends).first { $0.provider == "get_db" }?.scope == nil)
    }
}
