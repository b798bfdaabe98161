import ArgumentParser

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl", abstract: "Explore scenarios interactively.")

    func run() throws {
        throw ValidationError("dilab repl is not built yet")
    }
}
