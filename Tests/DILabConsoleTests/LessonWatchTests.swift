import DILab
import DILabConsole
import DILabLessons
import Foundation
import Testing

/// Watch mode in the REPL's `lesson`: after a `lesson` command lands on an exercise, saving the copy re-checks
/// it before the next line runs; a save with the same text is no attempt, and `lesson check` is not doubled.
@Suite struct LessonWatchTests {
    static let start = """
    scenario: watch fixture
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
    static let solution = start.replacingOccurrences(of: "db: Depends(get_db)", with: "db: \"Depends(get_db, scope='function')\"")

    static let lesson = """
    title: Watch lesson
    steps:
      - id: fix
        section: Intro
        exercise:
          start: app.yaml
          solution: solution.yaml
          kinds: [exit, sent]
          goal:
            - request: GET /items
              trace: [exit get_db, sent 200]
        hints: [scope="function"]
    """

    /// A session whose `lesson` reads a temporary course and progress folder.
    func session() throws -> (ConsoleState, ProgressStore) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-watch-\(UUID().uuidString)").path
        let dir = base + "/lessons/01-watch"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.start.write(toFile: dir + "/app.yaml", atomically: true, encoding: .utf8)
        try Self.solution.write(toFile: dir + "/solution.yaml", atomically: true, encoding: .utf8)
        try "# Watch\n\n## Intro\n\nText.\n".write(toFile: dir + "/lesson.md", atomically: true, encoding: .utf8)
        try Self.lesson.write(toFile: dir + "/lesson.yaml", atomically: true, encoding: .utf8)
        var state = ConsoleState()
        state.extras[LessonPlaces.key] = LessonPlaces(root: base + "/lessons", stateDirectory: base + "/state")
        return (state, ProgressStore(directory: base + "/state"))
    }

    func attempts(_ store: ProgressStore) throws -> Int { try store.load().step("01-watch", "fix").attempts }

    @Test func savingTheCopyRechecksItBeforeTheNextLine() throws {
        var (state, store) = try session()
        let console = Console()
        #expect(console.execute("lesson 01", in: &state).error == nil)
        let copy = store.workspace + "/01-watch/app.yaml"
        // Unchanged: the next line runs as usual, nothing is checked.
        try Self.start.write(toFile: copy, atomically: true, encoding: .utf8)
        #expect(console.execute("help", in: &state).notice.isEmpty)
        #expect(try attempts(store) == 0)
        // Changed: checked before the line, and counted once.
        try Self.solution.write(toFile: copy, atomically: true, encoding: .utf8)
        let out = console.execute("help", in: &state)
        #expect(out.notice.contains("Saved: \(copy) — checked again."))
        #expect(out.notice.contains("matches the goal"))
        #expect(try attempts(store) == 1)
        #expect(try store.load().step("01-watch", "fix").solved)
        #expect(console.execute("help", in: &state).notice.isEmpty)
    }

    @Test func aLessonCheckAfterASaveCountsOnce() throws {
        var (state, store) = try session()
        let console = Console()
        _ = console.execute("lesson 01", in: &state)
        let copy = store.workspace + "/01-watch/app.yaml"
        try (Self.start + "\n# edited\n").write(toFile: copy, atomically: true, encoding: .utf8)
        let out = console.execute("lesson check", in: &state)
        #expect(out.notice.isEmpty)
        #expect(out.error?.message.contains("Not yet") == true)
        #expect(try attempts(store) == 1)
        // The text just checked is not checked again on the next line.
        #expect(console.execute("help", in: &state).notice.isEmpty)
        #expect(try attempts(store) == 1)
    }
}
