import DILab
@testable import DILabConsole
import Testing

@Suite("The loop and history location")
struct REPLTests {
    func run(_ inputs: [LineInput], interactive: Bool) -> (Int32, String, String) {
        var out = "", err = ""
        var repl = REPL(state: ConsoleState(), interactive: interactive, out: { out += $0 }, err: { err += $0 })
        var source = ScriptedLines(inputs: inputs)
        return (repl.run(&source), out, err)
    }

    @Test func pipedSessionSucceedsWhenEveryCommandDoes() {
        let (code, out, err) = run([.line("load \(Fixtures.seed)"), .line("GET /users/1"), .line("timeline")], interactive: false)
        #expect(code == 0)
        #expect(err.isEmpty)
        #expect(out.contains("── GET /users/1 "))
        #expect(out.contains("timeline · GET /users/1"))
    }

    @Test func pipedSessionExitsOneAfterAFailedCommandButRunsTheRest() {
        let (code, out, err) = run([.line("load \(Fixtures.seed)"), .line("explain nothing"), .line("GET /users/1")], interactive: false)
        #expect(code == 1)
        #expect(err.contains("error: no provider 'nothing' and no event number (line: explain nothing)"))
        #expect(out.contains("── GET /users/1 "), "the session goes on after an error")
    }

    @Test func interactiveErrorsDoNotChangeTheExitCodeAndCtrlCGoesOn() {
        let (code, out, err) = run([.line("nope"), .interrupted, .line("help"), .end], interactive: true)
        #expect(code == 0)
        #expect(err.contains("error: unknown command 'nope'"))
        #expect(out.contains("dilab REPL"))
    }

    @Test func quitStopsReading() {
        let (_, out, _) = run([.line("quit"), .line("help")], interactive: false)
        #expect(out.isEmpty)
    }

    @Test func historyFollowsXDGStateHome() {
        #expect(HistoryFile.path(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/dilab/history")
        #expect(HistoryFile.path(environment: ["HOME": "/h"]) == "/h/.local/state/dilab/history")
        #expect(HistoryFile.path(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/dilab/history")
        #expect(HistoryFile.path(environment: [:]) == nil)
    }
}
