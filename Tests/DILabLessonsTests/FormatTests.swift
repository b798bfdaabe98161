import DILab
import DILabLessons
import Foundation
import Testing

/// The teacher's kit: lesson.yaml's keys are checked, and docs/lesson-format.md documents every one.
@Suite struct FormatTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func anUnknownKeyIsAnErrorWithLineColumnAndADidYouMean() throws {
        let yaml = Fixture.lessonYAML().replacingOccurrences(of: "      request: GET /items\n      kinds:",
                                                             with: "      request: GET /items\n      fastapi: \"0.115\"\n      kinds:")
        #expect(yaml.contains("fastapi:"))
        let f = try Fixture(lessonYAML: yaml)
        #expect {
            _ = try f.course()
        } throws: { error in
            let text = "\(error)"
            return text.contains("lesson.yaml:11:7: unknown key `fastapi` in a predict step; did you mean `profile:`?")
        }
    }

    @Test func aTypoInAStepKeyIsCaughtToo() throws {
        let yaml = Fixture.lessonYAML().replacingOccurrences(of: "hints: [look at the response]", with: "hint: [look at the response]")
        let f = try Fixture(lessonYAML: yaml)
        #expect(throws: CourseErrors.self) { _ = try f.course() }
        do { _ = try f.course() } catch { #expect("\(error)".contains("unknown key `hint` in a step; did you mean `hints:`?")) }
    }

    @Test func everyKeyIsDocumented() throws {
        let doc = try String(contentsOfFile: Self.repo + "/docs/lesson-format.md", encoding: .utf8)
        for key in CourseLoader.formatKeys.sorted() {
            #expect(doc.contains("`\(key):`") || doc.contains("`\(key): "), "docs/lesson-format.md does not document `\(key):`")
        }
    }

    @Test func theShippedLessonsUseOnlyKnownKeys() throws {
        _ = try CourseLoader.load(root: Self.repo + "/lessons")
    }

    /// No right answer of the shipped course is mistaken for a command at the prompt (`page` is not `path`).
    @Test func everyShippedAnswerReadsAsAnAnswerAtThePrompt() throws {
        let course = try CourseLoader.load(root: Self.repo + "/lessons")
        for lesson in course.lessons {
            for step in lesson.steps {
                guard case .question(let q) = step.kind else { continue }
                let typed = q.choices.isEmpty ? [q.answer] + q.accept : (0..<q.choices.count).map(Answers.letter)
                for t in typed {
                    #expect(LoopInput.read(t, step: step) == .action(.answer(t)), "\(lesson.id) \(step.id): `\(t)`")
                }
            }
        }
    }
}

/// Facts and predictions can look at the app's lifespan (`request: lifespan startup`), as `dilab test` can.
@Suite struct LifespanFactTests {
    static let scenario = Fixture.scenario.replacingOccurrences(of: "requests:", with: """
    app:
      lifespan:
        startup: [{step: open pool, sets: {pool: pool-1}}]
        shutdown: [close pool]
    requests:
    """)

    func results(_ answer: String) throws -> [CourseCheck.StepResult] {
        let yaml = Fixture.lessonYAML().replacingOccurrences(of: "fact: {scenario: app.yaml, request: GET /items, of: status}",
                                                             with: "fact: {scenario: app.yaml, request: lifespan startup, of: count, event: lifespan.start *}")
            .replacingOccurrences(of: "answer: \"200\"", with: "answer: \"\(answer)\"")
        let f = try Fixture(lessonYAML: yaml)
        try Self.scenario.write(toFile: f.root + "/01-fixture/app.yaml", atomically: true, encoding: .utf8)
        return CourseCheck.run(try f.course())
    }

    @Test func aLifespanCountIsProvenAgainstTheEngine() throws {
        #expect(try results("1").first { $0.step == "question" }?.failure == nil)
        #expect(try results("2").first { $0.step == "question" }?.failure?.contains("count = 1") == true)
    }
}
