import DILab
import DILabLessons
import Foundation

/// A one-lesson course written to a temporary folder, so tests never depend on the real course's wording.
struct Fixture {
    let root: String
    let state: String

    static let scenario = """
    scenario: fixture
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

    static let markdown = """
    # Fixture

    ## Intro

    Some prose.

    ## Predict

    Predict it.
    """

    /// The reference answer of the prediction step; tests replace it to make the course wrong.
    static let rightAnswer = "[enter get_db, handler read_items, sent 200, task.start audit, task.end audit, exit get_db]"

    static func lessonYAML(answer: String = rightAnswer) -> String {
        """
        title: Fixture lesson
        steps:
          - id: intro
            section: Intro
            prose: true
          - id: predict
            section: Predict
            predict:
              scenario: app.yaml
              request: GET /items
              kinds: [enter, handler, sent, task.start, task.end, exit]
              answer: \(answer)
            hints: [first hint, second hint]
          - id: question
            section: Predict
            question:
              prompt: Status?
              answer: "200"
              fact: {scenario: app.yaml, request: GET /items, of: status}
            hints: [look at the response]
        """
    }

    init(lessonYAML: String = Fixture.lessonYAML(), markdown: String = Fixture.markdown) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-lessons-\(UUID().uuidString)").path
        root = base + "/lessons"
        state = base + "/state"
        let dir = root + "/01-fixture"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Fixture.scenario.write(toFile: dir + "/app.yaml", atomically: true, encoding: .utf8)
        try markdown.write(toFile: dir + "/lesson.md", atomically: true, encoding: .utf8)
        try lessonYAML.write(toFile: dir + "/lesson.yaml", atomically: true, encoding: .utf8)
    }

    func course() throws -> Course { try CourseLoader.load(root: root) }

    var store: ProgressStore { ProgressStore(directory: state) }

    func runner() throws -> LessonRunner {
        LessonRunner(course: try course(), progress: try store.load(), workspace: store.workspace)
    }
}
