import ArgumentParser
import DILab
import Foundation

/// `dilab`: the FastAPI dependency-injection laboratory.
@main
struct DILabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dilab",
        abstract: "A laboratory for FastAPI dependency injection and background tasks.",
        discussion: """
        Describe an app as a scenario (YAML); dilab traces what FastAPI would do with it: resolution order, \
        cache hits, when yield dependencies clean up relative to the response and the background tasks. \
        Run with no arguments for the REPL; `dilab lesson` starts the course.
        """,
        subcommands: [RunCommand.self, CheckCommand.self, GraphCommand.self, TestCommand.self, ExportCommand.self, ImportCommand.self, VerifyCommand.self,
                      ServeCommand.self, ReplCommand.self, LessonCommand.self, BenchCommand.self])

    static func main() {
        do {
            if let trace = RunCommand.quick(Array(CommandLine.arguments.dropFirst())) { return try trace() }
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 || code.rawValue == 2 {
                exit(withError: error)
            }
            // Usage errors (ArgumentParser's 64) are input errors here: exit 2, as documented.
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    mutating func run() throws {
        try ReplCommand.parse([]).run()
    }
}
