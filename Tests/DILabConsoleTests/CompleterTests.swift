import DILab
@testable import DILabConsole
import Foundation
import Testing

@Suite("Tab completion")
struct CompleterTests {
    let completer = Completer(registry: .standard)

    var loaded: ConsoleState { Fixtures.fixtureSession([]).0 }

    @Test func firstWordIsACommandOrAMethod() {
        #expect(completer.candidates(prefix: "ti", state: ConsoleState()) == ["timeline"])
        #expect(completer.candidates(prefix: "P", state: loaded) == ["POST", "profile", "providers"].filter { $0.hasPrefix("P") })
        #expect(completer.candidates(prefix: "G", state: loaded) == ["GET"])
        #expect(completer.candidates(prefix: "g", state: loaded) == ["get", "graph"])
    }

    @Test func providerNames() {
        #expect(completer.candidates(prefix: "explain get_", state: loaded) == ["get_db", "get_settings"])
        #expect(completer.candidates(prefix: "override get_db f", state: loaded) == ["fake_db"])
        #expect(completer.candidates(prefix: "override cl", state: loaded) == ["clear"])
    }

    @Test func routesAfterAMethod() {
        #expect(completer.candidates(prefix: "GET /u", state: loaded) == ["/users/{user_id}"])
        #expect(completer.candidates(prefix: "request POST ", state: loaded) == ["/register", "/users/{user_id}"])
        #expect(completer.candidates(prefix: "diff 0.115 GET /r", state: loaded) == ["/register"])
        #expect(completer.candidates(prefix: "GET /users/1 ", state: loaded) == [])
    }

    @Test func theScenariosRealRequestTargetsComeWithTheRoutes() {
        var state = loaded
        state.scenario?.requests = [RequestSpec(method: "GET", target: "/users/1"), RequestSpec(method: "GET", target: "/users/abc"),
                                    RequestSpec(method: "POST", target: "/users/9")]
        #expect(completer.candidates(prefix: "GET /u", state: state) == ["/users/1", "/users/abc", "/users/{user_id}"])
        #expect(completer.candidates(prefix: "request POST /u", state: state) == ["/users/9", "/users/{user_id}"])
    }

    @Test func profilesAndWords() {
        #expect(completer.candidates(prefix: "profile 0.1", state: loaded) == ["0.105", "0.115", "0.120"])
        #expect(completer.candidates(prefix: "explain get_db ", state: loaded) == ["0.105", "0.115", "0.120", "latest"])
        #expect(completer.candidates(prefix: "show j", state: loaded) == ["json"])
        #expect(completer.candidates(prefix: "help exp", state: loaded) == ["explain"])
    }

    @Test func eventNumbersAfterARequest() {
        let state = Fixtures.fixtureSession(["GET /users/1 Authorization:t"]).0
        #expect(completer.candidates(prefix: "explain 1", state: state) == ["1", "10", "11"])
    }

    @Test func scenarioFilesAndDirectories() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-complete-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/scen/seeds", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/scen/a.yaml", contents: Data())
        _ = FileManager.default.createFile(atPath: dir + "/scen/notes.txt", contents: Data())
        _ = FileManager.default.createFile(atPath: dir + "/scen/.hidden.yaml", contents: Data())
        #expect(Completer.paths("sc", cwd: dir) == ["scen/"])
        #expect(Completer.paths("scen/", cwd: dir) == ["scen/a.yaml", "scen/seeds/"])
        #expect(Completer.paths("scen/.", cwd: dir) == ["scen/.hidden.yaml"])
        #expect(Completer.paths(dir + "/scen/s") == [dir + "/scen/seeds/"])
        #expect(Completer.paths("missing/x", cwd: dir) == [])
    }

    @Test func unknownCommandCompletesNothing() {
        #expect(completer.candidates(prefix: "bogus ", state: loaded) == [])
    }
}

@Suite("Profile choice")
struct ProfileChoiceTests {
    @Test func aVersionSaysWhichProfileItChoseAndWhy() {
        let note = ProfileChoice.note(for: "0.99", profile: Profile(name: "0.99")!)
        #expect(note?.hasPrefix("FastAPI 0.99 → profile 0.105: that profile covers FastAPI 0.105 and earlier") == true)
        #expect(note?.contains("older than any version dilab measured") == true)
        #expect(ProfileChoice.note(for: "0.110", profile: Profile(name: "0.110")!)?.contains("0.106–0.117") == true)
        #expect(ProfileChoice.note(for: "0.115", profile: .v0_115) == nil)
    }
}
