import ArgumentParser

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve a scenario over real HTTP.")

    func run() throws {
        throw ValidationError("dilab serve is not built yet")
    }
}
