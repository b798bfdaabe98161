import ArgumentParser

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Replay scenarios as a conformance suite against their golden expectations.")

    func run() throws {
        throw ValidationError("dilab test is not built yet")
    }
}
