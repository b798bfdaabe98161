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

    /// The fixture lesson plus a choice step whose right answer is `c` (choice `b` says why it is wrong).
    static let choiceLessonYAML = lessonYAML() + """

      - id: choice
        section: Predict
        question:
          prompt: When is get_db cleaned up?
          choices:
            - before the handler
            - {text: before the response is sent, why: That is scope="function" (or FastAPI 0.106–0.117).}
            - after the background task
          answer: c
        hints: [look at the last event]
    """

    /// A second lesson, so `next` after the last step of lesson 01 has somewhere to go.
    static let secondLessonYAML = """
    title: Second lesson
    steps:
      - id: only
        section: Intro
        prose: true
    """

    init(lessonYAML: String = Fixture.lessonYAML(), markdown: String = Fixture.markdown, secondLesson: Bool = false) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-lessons-\(UUID().uuidString)").path
        root = base + "/lessons"
        state = base + "/state"
        let dir = root + "/01-fixture"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Fixture.scenario.write(toFile: dir + "/app.yaml", atomically: true, encoding: .utf8)
        try markdown.write(toFile: dir + "/lesson.md", atomically: true, encoding: .utf8)
        try lessonYAML.write(toFile: dir + "/lesson.yaml", atomically: true, encoding: .utf8)
        if secondLesson {
            let two = root + "/02-second"
            try FileManager.default.createDirectory(atPath: two, withIntermediateDirectories: true)
            try markdown.write(toFile: two + "/lesson.md", atomically: true, encoding: .utf8)
            try Fixture.secondLessonYAML.write(toFile: two + "/lesson.yaml", atomically: true, encoding: .utf8)
        }
    }

    func course() throws -> Course { try CourseLoader.load(root: root) }

    var store: ProgressStore { ProgressStore(directory: state) }

    func runner() throws -> LessonRunner {
        LessonRunner(course: try course(), progress: try store.load(), workspace: store.workspace)
    }
}
