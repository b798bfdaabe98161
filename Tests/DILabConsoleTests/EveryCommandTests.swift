@testable import DILabConsole
import Testing

/// One row per built-in command: a line that works and a line that fails, with the failure's message.
/// The coverage test below makes a new command without a row fail the build's tests.
@Suite("every command works once and fails with a message")
struct EveryCommandTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var command: String
        /// Lines after loading the fixture; the last one must succeed and print `shows` (empty: it must quit).
        var works: [String]
        var shows: String
        /// Lines after loading the fixture (or with nothing loaded when `loaded` is false); the last one must fail.
        var fails: [String]
        var loaded = true
        var message: String
        var testDescription: String { command }
    }

    static let request = "GET /users/1 Authorization:t"

    static let cases: [Case] = [
        Case(command: "load", works: ["load \(Fixtures.seed)"], shows: "loaded \(Fixtures.seed)",
             fails: ["load"], message: "usage: load FILE"),
        Case(command: "reload", works: ["reload"], shows: "FastAPI 0.165.0 (profile latest) · 2 routes · 4 providers",
             fails: ["reload now"], message: "usage: reload (takes no arguments)"),
        Case(command: "status", works: ["status"], shows: "scenario  Console fixture",
             fails: ["status all"], message: "usage: status (takes no arguments)"),
        Case(command: "routes", works: ["routes"], shows: "POST /register",
             fails: ["routes"], loaded: false, message: "no scenario loaded"),
        Case(command: "providers", works: ["providers"], shows: "fake_db       sync, yield  (not used by any route)",
             fails: ["providers get_db"], message: "usage: providers (takes no arguments)"),
        Case(command: "graph", works: ["graph read_user"], shows: "└─ settings=get_settings  [sync]",
             fails: ["graph /nowhere"], message: "no route '/nowhere'"),
        Case(command: "request", works: ["request POST /register name=pen"], shows: #"→ 200 {"name":"pen"}"#,
             fails: ["request /register"], message: "a request starts with a method"),
        Case(command: "again", works: [request, "again"], shows: "request 2 · latest",
             fails: [request, "again now"], message: "usage: again (takes no arguments)"),
        Case(command: "show", works: [request, "show"], shows: "#11    25 ms  exit       get_db",
             fails: [request, "show xml"], message: "unknown format 'xml'"),
        Case(command: "burst", works: ["burst 2 GET /users/1 Authorization:t"], shows: "2 requests on one event loop",
             fails: ["burst many GET /users/1"], message: "usage: burst N METHOD PATH ..."),
        Case(command: "step", works: [request, "step 2"], shows: "event 2 of 11",
             fails: [request, "step sideways"], message: "step takes next, back, first, last or an event number, not 'sideways'"),
        Case(command: "next", works: [request, "next"], shows: "event 1 of 11",
             fails: ["next"], message: "no request yet"),
        Case(command: "back", works: [request, "step 3", "back"], shows: "event 2 of 11",
             fails: [request, "back"], message: "already at the first event"),
        Case(command: "timeline", works: [request, "timeline"], shows: "▲ response sent (200) at 5 ms",
             fails: [request, "timeline wide"], message: "usage: timeline (takes no arguments)"),
        Case(command: "explain", works: [request, "explain get_db"], shows: "with scope=\"function\"",
             fails: ["explain"], message: "usage: explain N|PROVIDER [PROFILE] or explain KIND SUBJECT"),
        Case(command: "override", works: ["override get_db fake_db"], shows: "dependency_overrides[get_db] = fake_db",
             fails: ["override get_db"], message: "usage: override [ORIGINAL REPLACEMENT | clear [ORIGINAL]]"),
        Case(command: "profile", works: ["profile 0.105"], shows: "profile 0.105 (FastAPI 0.105.0): the app restarted",
             fails: ["profile 9"], message: "unknown FastAPI profile '9'"),
        Case(command: "diff", works: [request, "diff 0.105"], shows: "a fresh app under each profile",
             fails: ["diff 0.115 GET nowhere"], message: "GET needs a path starting with /"),
        Case(command: "help", works: ["help diff"], shows: "diff [PROFILE_A] PROFILE_B [-u] [METHOD PATH ...]",
             fails: ["help dif"], message: "no command 'dif'"),
        Case(command: "quit", works: ["quit"], shows: "",
             fails: ["quit now"], message: "usage: quit (takes no arguments)"),
    ]

    /// The commands this module defines (extensions such as the lesson runner test their own).
    static var builtIn: [ConsoleCommand] {
        LoadCommands.all + BrowseCommands.all + RequestCommands.all + TogetherCommands.all + StepCommands.all
            + ExplainCommands.all + VariantCommands.all + HelpCommands.all
    }

    @Test func everyBuiltInCommandHasARow() {
        #expect(Set(Self.builtIn.map(\.name)) == Set(Self.cases.map(\.command)))
    }

    @Test(arguments: cases)
    func works(_ c: Case) {
        let (state, out, _) = Fixtures.fixtureSession(c.works)
        #expect(out.error == nil, "\(c.works.last!): \(out.error?.description ?? "")")
        if c.shows.isEmpty {
            #expect(out.quit)
        } else {
            #expect(out.text.contains(c.shows), "\(c.works.last!) printed:\n\(out.text)")
        }
        #expect(state.scenario != nil)
    }

    @Test(arguments: cases)
    func failsWithAMessageAndTheSessionGoesOn(_ c: Case) {
        var (state, out) = c.loaded ? { let r = Fixtures.fixtureSession(c.fails); return (r.0, r.1) }() : Fixtures.session(c.fails)
        #expect(out.error?.message == c.message, "\(c.fails.last!)")
        #expect(out.text.isEmpty, "a failed command prints nothing on stdout")
        #expect(!out.quit)
        // The next command still runs against the same session.
        let status = Console().execute("status", in: &state)
        #expect(!status.failed)
        #expect(status.text.contains(c.loaded ? "scenario  Console fixture" : "no scenario loaded"))
    }

    @Test func aliasesReachTheirCommand() {
        for c in Self.builtIn {
            for a in c.aliases { #expect(CommandRegistry.standard.lookup(a)?.name == c.name, "\(a) → \(c.name)") }
        }
        #expect(CommandRegistry.standard.lookup("WHY")?.name == "explain", "command words are case-insensitive")
    }
}
