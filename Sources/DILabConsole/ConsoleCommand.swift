import DILab

/// A REPL command: its name, how to call it, what it does, examples for `help`, and what each argument is
/// (for Tab completion). The registry is the seam other modules extend — the lesson runner registers its own
/// commands (`lesson`, `check`, ...) next to these without touching the interpreter.
public struct ConsoleCommand: Sendable {
    /// What a positional argument can be; completion offers the matching names.
    public enum ArgumentKind: Sendable, Equatable {
        case command, provider, route, method, profile, file, eventNumber
        case words([String])
    }

    public typealias Action = @Sendable (inout ConsoleState, Invocation) throws -> String

    public var name: String
    public var aliases: [String]
    public var usage: String
    public var summary: String
    public var examples: [String]
    /// One entry per position; each position may accept several kinds. The last entry repeats.
    public var arguments: [[ArgumentKind]]
    /// Whether the command needs a loaded scenario (the interpreter says so instead of running it).
    public var needsScenario: Bool
    public var run: Action

    public init(name: String, aliases: [String] = [], usage: String, summary: String, examples: [String] = [],
                arguments: [[ArgumentKind]] = [], needsScenario: Bool = false, run: @escaping Action) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.summary = summary
        self.examples = examples
        self.arguments = arguments
        self.needsScenario = needsScenario
        self.run = run
    }

    /// The kinds accepted at argument position `index` (0-based, after the command word).
    public func kinds(at index: Int) -> [ArgumentKind] {
        guard !arguments.isEmpty else { return [] }
        return arguments[min(index, arguments.count - 1)]
    }
}

/// One call of a command: its arguments (shell-split, command word removed), the raw line, and the registry
/// (so `help` and extensions can see every command).
public struct Invocation: Sendable {
    public var args: [String]
    public var line: String
    public var registry: CommandRegistry
    public init(args: [String], line: String, registry: CommandRegistry) {
        self.args = args
        self.line = line
        self.registry = registry
    }
}

extension Invocation {
    /// For commands that take nothing: a stray word is more likely a typo than something to ignore.
    func requireNoArguments(_ name: String) throws {
        guard args.isEmpty else { throw ConsoleError("usage: \(name) (takes no arguments)", hint: "`help \(name)` says what it does") }
    }
}

/// Thrown by `quit`: the front end leaves the loop.
public struct QuitRequest: Error {}

/// The commands the interpreter knows, in the order `help` lists them.
public struct CommandRegistry: Sendable {
    public private(set) var commands: [ConsoleCommand] = []

    public init(_ commands: [ConsoleCommand] = []) {
        for c in commands { register(c) }
    }

    /// Adds a command, replacing one with the same name (so an extension can refine a built-in).
    public mutating func register(_ command: ConsoleCommand) {
        if let i = commands.firstIndex(where: { $0.name == command.name }) {
            commands[i] = command
        } else {
            commands.append(command)
        }
    }

    public func lookup(_ word: String) -> ConsoleCommand? {
        let w = word.lowercased()
        return commands.first { $0.name == w } ?? commands.first { $0.aliases.contains(w) }
    }

    /// Every word that starts a command, for completion and did-you-mean.
    public var words: [String] { commands.flatMap { [$0.name] + $0.aliases } }
}

/// A command that could not do what was asked. The session goes on; in a piped session the exit code becomes 1.
public struct ConsoleError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
    public var description: String { hint.map { "\(message)\n  hint: \($0)" } ?? message }
}

/// What one line produced.
public struct ConsoleOutput: Equatable, Sendable {
    public var text: String
    /// Printed before `text`, e.g. "reloaded (changed on disk)".
    public var notice: String
    public var error: ConsoleError?
    public var quit: Bool
    public init(text: String = "", notice: String = "", error: ConsoleError? = nil, quit: Bool = false) {
        self.text = text
        self.notice = notice
        self.error = error
        self.quit = quit
    }
    public var failed: Bool { error != nil }
}
