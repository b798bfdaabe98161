import DILab
import Foundation

/// What reading one line gave.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: the line is dropped, the session goes on.
    case interrupted
    /// Ctrl-D or the end of piped input.
    case end
}

/// Where lines come from: libedit on a terminal, plain `readLine()` on a pipe, an array in tests.
public protocol LineSource {
    /// `state` is passed so a line editor can complete provider names and routes of what is loaded now, and
    /// re-check a watched lesson exercise while it waits (which updates the state).
    mutating func read(prompt: String, state: inout ConsoleState) -> LineInput
}

/// Piped input: no prompt, no editing.
public struct PipedLines: LineSource {
    public init() {}
    public mutating func read(prompt: String, state: inout ConsoleState) -> LineInput {
        Swift.readLine(strippingNewline: true).map(LineInput.line) ?? .end
    }
}

/// Lines from memory, for tests and scripted sessions.
public struct ScriptedLines: LineSource {
    var lines: [LineInput]
    public init(_ lines: [String]) { self.lines = lines.map(LineInput.line) }
    public init(inputs: [LineInput]) { self.lines = inputs }
    public mutating func read(prompt: String, state: inout ConsoleState) -> LineInput {
        lines.isEmpty ? .end : lines.removeFirst()
    }
}

/// The loop shared by the terminal and the pipe: read, execute, print, until quit or end of input.
public struct REPL {
    public var console: Console
    public var state: ConsoleState
    /// On a terminal errors never end the session or change the exit code; piped, any error makes it 1.
    public var interactive: Bool
    public var out: (String) -> Void
    public var err: (String) -> Void

    public init(console: Console = Console(), state: ConsoleState, interactive: Bool,
                out: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                err: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.console = console
        self.state = state
        self.interactive = interactive
        self.out = out
        self.err = err
    }

    /// `db-session-read-user@latest> `, or `dilab> ` with nothing loaded. ASCII only: libedit counts bytes.
    public static func prompt(_ state: ConsoleState) -> String {
        guard let name = state.shortName else { return "dilab> " }
        return "\(name)@\(state.profile.rawValue)> "
    }

    /// Runs until quit or end of input; returns the process exit code (piped: 1 if any command failed).
    public mutating func run(_ source: inout some LineSource) -> Int32 {
        var failures = 0
        loop: while true {
            switch source.read(prompt: interactive ? REPL.prompt(state) : "", state: &state) {
            case .end:
                if interactive { out("\n") }
                break loop
            case .interrupted:
                continue
            case .line(let line):
                let result = console.execute(line, in: &state)
                if !result.notice.isEmpty { out(result.notice) }
                if !result.text.isEmpty { out(result.text.hasSuffix("\n") ? result.text : result.text + "\n") }
                if let e = result.error {
                    failures += 1
                    let where_ = interactive ? "" : " (line: \(line))"
                    err(state.style.red("error: \(e.message)") + where_ + "\n" + (e.hint.map { "  hint: \($0)\n" } ?? ""))
                }
                if result.quit { break loop }
            }
        }
        return interactive || failures == 0 ? 0 : 1
    }
}
