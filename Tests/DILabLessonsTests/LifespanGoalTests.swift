import DILab
import DILabLessons
import Foundation
import Testing

/// Exercise goals can name `request: lifespan startup` / `lifespan shutdown`, as facts and predictions can:
/// the lifespan runs once per app, so such an entry takes none of the solution's requests.
@Suite struct LifespanGoalTests {
    static func scenario(shutdown: String) -> String {
        Fixture.scenario.replacingOccurrences(of: "requests:", with: """
        app:
          lifespan:
            startup: [{step: open pool, sets: {pool: pool-1}}]
            shutdown: \(shutdown)
        requests:
        """)
    }

    static let start = scenario(shutdown: "[close pool]")
    static let solution = scenario(shutdown: "[flush audit, close pool]")

    static func yaml(extra: String = "") -> String {
        """
        title: Lifespan exercise
        steps:
          - id: fix
            section: Predict
            exercise:
              start: start.yaml
              solution: solution.yaml
              goal:
                - request: lifespan startup
                  trace: [lifespan.start open pool]
                - request: GET /items
                  status: 200
                  trace: [enter get_db, handler read_items, task.add audit, response 200, sent 200, task.start audit, task.end audit, exit get_db]
                - request: lifespan shutdown\(extra)
                  trace: [lifespan.end flush audit, lifespan.end close pool]
            hints: [flush before you close]
        """
    }

    func fixture(_ yaml: String = LifespanGoalTests.yaml()) throws -> Fixture {
        let f = try Fixture(lessonYAML: yaml)
        try Self.start.write(toFile: f.root + "/01-fixture/start.yaml", atomically: true, encoding: .utf8)
        try Self.solution.write(toFile: f.root + "/01-fixture/solution.yaml", atomically: true, encoding: .utf8)
        return f
    }

    @Test func theSelfTestProvesALifespanGoalAndTheStartMissesIt() throws {
        let f = try fixture()
        let result = try #require(CourseCheck.run(try f.course()).first { $0.step == "fix" })
        // The solution meets every entry; its one request lines up with the one request entry.
        #expect(result.failure == nil, "\(result.failure ?? "")")
        let lesson = try #require(try f.course().lesson(matching: "01"))
        guard case .exercise(let spec) = lesson.steps[0].kind else { Issue.record("not an exercise"); return }
        let start = StepCheck.exercise(spec, lesson: lesson, path: lesson.path("start.yaml"))
        #expect(start.verdict == .wrong)
        #expect(start.text.contains("✗ lifespan shutdown  (once per app, not per request)"))
        #expect(start.text.contains("✓ lifespan startup"))
        #expect(start.text.contains("✓ GET /items  (status 200)"))
    }

    @Test func aLearnersCopyIsCheckedAgainstTheLifespanEntry() throws {
        let f = try fixture()
        var runner = try f.runner()
        _ = runner.perform(.show, lesson: "01")
        #expect(runner.perform(.check, lesson: "01").status == .wrong)
        let lesson = try #require(runner.course.lesson(matching: "01"))
        let copy = try #require(runner.workspaceFile(lesson, lesson.steps[0]))
        try Self.solution.write(toFile: copy, atomically: true, encoding: .utf8)
        #expect(runner.perform(.check, lesson: "01").status == .correct)
    }

    @Test func aLifespanEntryWithAStatusIsACourseError() throws {
        let f = try fixture(Self.yaml(extra: "\n          status: 200"))
        #expect(throws: CourseErrors.self) { try f.course() }
        do { _ = try f.course() } catch {
            #expect("\(error)".contains("goal `lifespan shutdown` has no response"))
        }
    }
}
