import ArgumentParser

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lesson", abstract: "The guided course.")

    func run() throws {
        throw ValidationError("dilab lesson is not built yet")
    }
}
