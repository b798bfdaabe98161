import ArgumentParser
import DILab
import DILabConsole
import Foundation

/// `dilab repl [SCENARIO]` (and plain `dilab`): the interactive laboratory.
/// On a terminal: libedit (history, Tab), colour unless NO_COLOR. Piped: one command per line, no prompt,
/// exit 1 if any command failed — so a transcript replays in CI.
/// A synchronous command on purpose: the REPL reads on the main thread, where SIGINT (Ctrl-C) is delivered.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Explore scenarios interactively: requests, timelines, stepping, explanations, profile diffs.",
        discussion: """
        Type `help` inside; Tab completes commands, requests, providers and files. Piped input \
        (e.g. `dilab repl FILE < transcript.txt`) runs one command per line and exits 1 if any failed. \
        History: $XDG_STATE_HOME/dilab/history (default ~/.local/state/dilab/history).
        """)

    @Argument(help: "A scenario to load first.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String?

    @OptionGroup var profileOption: ProfileOption

    func run() throws {
        let interactive = isatty(STDIN_FILENO) == 1
        var state = ConsoleState(style: Terminal.style())
        state.chosenProfile = try profileOption.profile()
        let console = Console()
        var repl = REPL(console: console, state: state, interactive: interactive)
        if let scenario {
            let first = console.execute("load '\(scenario.replacingOccurrences(of: "'", with: "'\\''"))'", in: &repl.state)
            if let e = first.error {
                Terminal.printError(e.description)
                // A bad scenario on the command line is an input error when replaying; on a terminal the session goes on.
                if !interactive { throw ExitCode(2) }
            } else {
                // Through the REPL's own writer: `print` is buffered and would land after the commands' output.
                repl.out(first.text)
            }
        }
        let code: Int32
        if interactive {
            // Always a banner: `help` and Tab are how a newcomer finds everything else.
            repl.out("dilab REPL — `help` for commands, Tab completes (commands, requests, providers, files), Up recalls"
                     + (scenario == nil ? "; `load FILE` to start" : "") + "; Ctrl-D to leave.\n")
            var source = EditLineSource(completer: Completer(registry: console.registry), historyPath: HistoryFile.path())
            code = repl.run(&source)
        } else {
            var source = PipedLines()
            code = repl.run(&source)
        }
        if code != 0 { throw ExitCode(code) }
    }
}
