import ArgumentParser

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check scenarios against real FastAPI (differential run).")

    func run() throws {
        throw ValidationError("dilab verify is not built yet")
    }
}
