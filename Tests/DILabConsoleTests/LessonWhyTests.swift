import DILab
import DILabConsole
import DILabLessons
import Foundation
import Testing

/// `why …` at the lesson prompt answers through the REPL's `explain`, on the trace the step shows, and is never graded.
@Suite struct LessonWhyTests {
    static let scenario = """
    scenario: why fixture
    providers:
      get_db:
        yield: true
        returns: "Session#{{call}}"
    tasks:
      audit: {}
    routes:
      - GET /items:
          handler: read_items
          params: {db: Depends(get_db), background_tasks: BackgroundTasks}
          adds_tasks: [audit]
          returns: ok
    requests:
      - GET /items
    """

    static let lesson = """
    title: Why lesson
    steps:
      - id: run
        section: Intro
        run: {scenario: app.yaml, request: GET /items}
      - id: predict
        section: Intro
        predict:
          scenario: app.yaml
          request: GET /items
          kinds: [handler, sent, exit]
          answer: [handler read_items, sent 200, exit get_db]
        hints: [the cleanup comes last]
    """

    /// A one-lesson course in a temporary folder, and a loop on it with the REPL's explainer.
    func makeLoop() throws -> (LessonLoop, String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-why-\(UUID().uuidString)").path
        let dir = base + "/lessons/01-why"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.scenario.write(toFile: dir + "/app.yaml", atomically: true, encoding: .utf8)
        try "# Why\n\n## Intro\n\nText.\n".write(toFile: dir + "/lesson.md", atomically: true, encoding: .utf8)
        try Self.lesson.write(toFile: dir + "/lesson.yaml", atomically: true, encoding: .utf8)
        let store = ProgressStore(directory: base + "/state")
        let runner = LessonRunner(course: try CourseLoader.load(root: base + "/lessons"), progress: try store.load(), workspace: store.workspace)
        var loop = LessonLoop(runner: runner, lesson: "01")
        loop.explainer = { LessonWhy.explain($0) }
        _ = loop.start()
        return (loop, dir + "/app.yaml")
    }

    func say(_ loop: inout LessonLoop, _ line: String) -> LoopReply? { loop.handle(line) }

    /// What the REPL itself says to `line` after sending the step's request.
    func repl(_ path: String, _ line: String) -> String {
        var state = ConsoleState()
        let console = Console()
        _ = console.execute("load \(path)", in: &state)
        _ = console.execute("GET /items", in: &state)
        return console.execute(line, in: &state).text
    }

    @Test func whyOnARunStepIsTheREPLsExplanationAndIsNotGraded() throws {
        var (loop, path) = try makeLoop()
        let exit = try #require(say(&loop, "why exit get_db"))
        #expect(exit.graded == false)
        #expect(exit.text.contains("get_db was set up at #1 enter get_db"))
        #expect(exit.text == repl(path, "why exit get_db"))
        let db = try #require(say(&loop, "why db"))
        #expect(db.text.contains("a parameter of the handler read_items"))
        #expect(db.text == repl(path, "why db"))
        #expect(loop.handle("why nothing_here")?.text.contains("no provider 'nothing_here'") == true)
    }

    @Test func whyBeforeAPredictionIsAnsweredGivesNothingAwayAndCostsNoAttempt() throws {
        var (loop, _) = try makeLoop()
        _ = loop.handle("next")
        let early = try #require(say(&loop, "why exit get_db"))
        #expect(early.graded == false)
        #expect(early.text.contains("once it is done"))
        #expect(loop.runner.progress.step("01-why", "predict").attempts == 0)
        _ = loop.handle("giveup")
        #expect(loop.handle("why exit get_db")?.text.contains("get_db was set up at #1 enter get_db") == true)
        #expect(loop.handle("help")?.text.contains("why …") == true)
    }
}
