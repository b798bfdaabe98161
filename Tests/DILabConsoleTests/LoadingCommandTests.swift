import DILab
@testable import DILabConsole
import Foundation
import Testing

@Suite("load, reload, status")
struct LoadingCommandTests {
    @Test func loadStartsTheAppAndNamesIt() {
        let (state, out) = Fixtures.session(["load \(Fixtures.seed)"])
        #expect(!out.failed)
        #expect(out.text.contains("loaded \(Fixtures.seed)"))
        #expect(out.text.contains("FastAPI 0.165.0 (profile latest) · 1 route · 1 provider"))
        #expect(state.engine != nil)
        #expect(REPL.prompt(state) == "db-session-read-user@latest> ")
    }

    @Test func missingFileIsAnErrorAndTheSessionGoesOn() {
        let (state, out) = Fixtures.session(["load \(Fixtures.seed)", "load /no/such/file.yaml"])
        #expect(out.error?.message == "cannot read /no/such/file.yaml")
        #expect(state.scenarioPath == Fixtures.seed, "the previous scenario stays loaded")
        var kept = state
        #expect(Console().execute("routes", in: &kept).text.contains("GET /users/{user_id}"))
    }

    @Test func brokenScenarioShowsDiagnosticsWithLineAndColumn() {
        let path = Fixtures.write("scenario: bad\nproviders:\n  a:\n    returns: 1\nroutes:\n  - GET /x:\n      params:\n        x: Depends(nope)\n")
        let (state, out) = Fixtures.session(["load \(path)"])
        #expect(out.failed)
        #expect(out.error?.message.contains("\(path):8:") == true)
        #expect(out.error?.message.contains("unknown") == true)
        #expect(state.scenario == nil)
    }

    @Test func editedFileIsReloadedBeforeTheNextCommand() throws {
        let path = Fixtures.write(Fixtures.appYAML)
        var (state, _) = Fixtures.session(["load \(path)"])
        let console = Console()
        #expect(console.execute("GET /users/1 Authorization:t", in: &state).text.contains("request 1"))
        let edited = Fixtures.appYAML.replacingOccurrences(of: "duration: 5ms", with: "duration: 7ms")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let out = console.execute("GET /users/1 Authorization:t", in: &state)
        #expect(out.notice.contains("changed on disk: reloaded"))
        #expect(out.text.contains("request 1"), "a reload restarts the app, so request ids start again")
        #expect(out.text.contains("     7 ms  task.add"))
        // Nothing changed since: no notice.
        #expect(console.execute("status", in: &state).notice.isEmpty)
    }

    @Test func brokenEditKeepsThePreviousVersionAndSaysSoOnce() throws {
        let path = Fixtures.write(Fixtures.appYAML)
        var (state, _) = Fixtures.session(["load \(path)"])
        let console = Console()
        try "scenario: [unclosed\n".write(toFile: path, atomically: true, encoding: .utf8)
        let out = console.execute("routes", in: &state)
        #expect(out.notice.contains("does not load; keeping the previous version"))
        #expect(out.text.contains("GET /users/{user_id}"))
        #expect(console.execute("routes", in: &state).notice.isEmpty)
    }

    @Test func reloadRestartsAndKeepsOverrides() {
        let (state, out, _) = Fixtures.fixtureSession(["override get_db fake_db", "GET /users/1", "reload"])
        #expect(!out.failed)
        #expect(state.overrides == ["get_db": "fake_db"])
        #expect(state.lastTrace == nil)
    }

    @Test func reloadWithoutScenarioFails() {
        let (_, out) = Fixtures.session(["reload"])
        #expect(out.error?.message == "no scenario loaded")
    }

    @Test func statusNamesFileProfileOverridesAndLastRequest() {
        let (_, empty) = Fixtures.session(["status"])
        #expect(empty.text == "no scenario loaded · profile latest\n")
        let (_, out, path) = Fixtures.fixtureSession(["profile 0.115", "override get_db fake_db", "GET /users/1", "status"])
        #expect(out.text.contains("file      \(path)"))
        #expect(out.text.contains("profile   0.115 (FastAPI 0.115.14) · chosen with `profile` (the file says latest)"))
        #expect(out.text.contains("overrides get_db → fake_db"))
        #expect(out.text.contains("last      GET /users/1 → "))
    }
}
