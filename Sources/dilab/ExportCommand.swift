import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export a scenario: a runnable FastAPI app, Mermaid, or a Chrome trace.")

    func run() throws {
        throw ValidationError("dilab export is not built yet")
    }
}
