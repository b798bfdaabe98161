import DILab
import DILabLessons
import Foundation
import Testing

/// The course's own safety nets: the self-check catches a reference answer the engine disagrees with,
/// and the loader names the file and the problem of a broken lesson.
struct CourseTests {
    @Test func theFixtureCoursePassesItsSelfCheck() throws {
        let results = CourseCheck.run(try Fixture().course())
        #expect(results.count == 3)
        #expect(results.allSatisfy { $0.failure == nil })
    }

    @Test func courseCheckFailsOnAWrongReferenceAnswer() throws {
        // The folklore order: cleanup before the background task.
        let wrong = "[enter get_db, handler read_items, sent 200, exit get_db, task.start audit, task.end audit]"
        let f = try Fixture(lessonYAML: Fixture.lessonYAML(answer: wrong))
        let results = CourseCheck.run(try f.course())
        let failed = results.filter { $0.failure != nil }
        #expect(failed.map(\.step) == ["predict"])
        #expect(failed.first?.failure?.contains("does not match the engine") == true)
        #expect(CourseCheck.report(results).contains("FAIL 01-fixture"))
    }

    @Test func courseCheckFailsWhenAFactDisagrees() throws {
        let yaml = Fixture.lessonYAML().replacingOccurrences(of: "answer: \"200\"", with: "answer: \"404\"")
        let results = CourseCheck.run(try Fixture(lessonYAML: yaml).course())
        #expect(results.first { $0.step == "question" }?.failure?.contains("status = 200") == true)
    }

    /// `of: last` proves "which one is cleaned up last / runs last" questions against the engine.
    @Test func aLastEventFactChecksTheChoice() throws {
        func yaml(_ answer: String) -> String {
            Fixture.lessonYAML().replacingOccurrences(of: """
                  prompt: Status?
                  answer: "200"
                  fact: {scenario: app.yaml, request: GET /items, of: status}
            """, with: """
                  prompt: What runs last?
                  choices: [the handler read_items, the task audit, the cleanup of get_db]
                  answer: \(answer)
                  fact: {scenario: app.yaml, request: GET /items, of: last, event: exit}
            """)
        }
        let right = CourseCheck.run(try Fixture(lessonYAML: yaml("c")).course())
        #expect(right.first { $0.step == "question" }?.failure == nil)
        let wrong = CourseCheck.run(try Fixture(lessonYAML: yaml("b")).course())
        #expect(wrong.first { $0.step == "question" }?.failure?.contains("last = get_db") == true)
    }

    @Test func loaderReportsABrokenLessonFile() throws {
        let f = try Fixture(lessonYAML: "title: Broken\nsteps:\n  - id: a\n    prompt: x: y\n")
        #expect(throws: CourseErrors.self) { try f.course() }
        do {
            _ = try f.course()
        } catch let e as CourseErrors {
            #expect(e.errors.count == 1)
            #expect(e.errors[0].file.hasSuffix("01-fixture/lesson.yaml"))
            #expect(e.description.contains("4:"))   // the YAML error's line
        }
    }

    @Test func loaderReportsAStepWithoutKindOrHints() throws {
        let yaml = """
        title: Broken
        steps:
          - id: nothing
          - id: no-hints
            question: {prompt: Why?, answer: because}
        """
        do {
            _ = try Fixture(lessonYAML: yaml).course()
            Issue.record("expected an error")
        } catch let e as CourseErrors {
            #expect(e.description.contains("step 1 (nothing): give exactly one of"))
            #expect(e.description.contains("step 2 (no-hints): a step that takes an answer needs at least one hint"))
        }
    }

    @Test func theShippedCoursePassesAgainstTheEngine() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lessons").path
        let course = try CourseLoader.load(root: root)
        #expect(course.lessons.count >= 12)
        let failures = CourseCheck.run(course).filter { $0.failure != nil }
        #expect(failures.isEmpty, "\(failures.map { "\($0.lesson)/\($0.step): \($0.failure ?? "")" })")
    }
}

@Suite("Progress file robustness")
struct ProgressRobustnessTests {
    @Test("negative counts in a hand-edited progress file read as zero")
    func negativeCounts() throws {
        let json = #"{"version":1,"lessons":{"01":{"current":"s","steps":{"s":{"solved":false,"gaveUp":false,"hintsShown":-5,"attempts":-2}}}}}"#
        let p = try JSONDecoder().decode(CourseProgress.self, from: Data(json.utf8))
        #expect(p.step("01", "s").hintsShown == 0)
        #expect(p.step("01", "s").attempts == 0)
        let minimal = try JSONDecoder().decode(CourseProgress.StepProgress.self, from: Data("{}".utf8))
        #expect(minimal == CourseProgress.StepProgress())
    }
}
