import DILab
@testable import DILabConsole
import Testing

@Suite("help, quit, dispatch, the registry seam")
struct HelpAndDispatchTests {
    @Test func helpListsEveryCommandWithExamples() {
        let (_, out) = Fixtures.session(["help"])
        for c in CommandRegistry.standard.commands { #expect(out.text.contains("  \(c.name) "), "help lists \(c.name)") }
        #expect(out.text.contains("load scenarios/seeds/db-session-read-user.yaml"))
        let (_, one) = Fixtures.session(["help explain"])
        #expect(one.text.hasPrefix("explain N|PROVIDER [PROFILE]"))
        #expect(one.text.contains("also: why"))
        #expect(one.text.contains("    explain get_db 0.115"))
        #expect(Fixtures.session(["help GET"]).1.text.contains("POST /register email=a@b.c age:=30"))
        #expect(Fixtures.session(["help nope"]).1.error?.message == "no command 'nope'")
    }

    @Test func quitEndsAndCommentsAndBlanksDoNothing() {
        #expect(Fixtures.session(["quit"]).1.quit)
        #expect(Fixtures.session(["exit"]).1.quit)
        #expect(Fixtures.session(["# a comment"]).1 == ConsoleOutput())
        #expect(Fixtures.session(["   "]).1 == ConsoleOutput())
    }

    @Test func unknownCommandSuggestsTheClosest() {
        let e = Fixtures.session(["timelin"]).1.error
        #expect(e?.message == "unknown command 'timelin'")
        #expect(e?.hint == "did you mean `timeline`? (`help` lists every command)")
    }

    @Test func extensionsRegisterCommandsThatSeeTheState() {
        var registry = CommandRegistry.standard
        registry.register(ConsoleCommand(name: "lesson", usage: "lesson NAME", summary: "A lesson.", arguments: [[.words(["intro"])]]) { state, call in
            state.extras["lesson"] = call.args.first ?? ""
            return "lesson \(call.args.joined()) on \(state.shortName ?? "nothing")\n"
        })
        let console = Console(registry: registry)
        var state = ConsoleState()
        _ = console.execute("load \(Fixtures.seed)", in: &state)
        #expect(console.execute("lesson intro", in: &state).text == "lesson intro on db-session-read-user\n")
        #expect(state.extras["lesson"] as? String == "intro")
        #expect(console.execute("help", in: &state).text.contains("  lesson "))
        #expect(Completer(registry: registry).candidates(prefix: "lesson ", state: state) == ["intro"])
        // Registering under an existing name replaces it.
        registry.register(ConsoleCommand(name: "quit", usage: "quit", summary: "no") { _, _ in "stay\n" })
        #expect(registry.commands.filter { $0.name == "quit" }.count == 1)
        #expect(Console(registry: registry).execute("quit", in: &state).text == "stay\n")
    }

    @Test func colourOnlyWhenTheStyleAsks() {
        let plain = Fixtures.session(["load \(Fixtures.seed)", "GET /users/1"]).1.text
        #expect(!plain.contains("\u{1B}["))
        let coloured = Fixtures.session(["load \(Fixtures.seed)", "GET /users/1"], state: ConsoleState(style: Style(enabled: true))).1.text
        #expect(coloured.contains("\u{1B}["))
    }
}
