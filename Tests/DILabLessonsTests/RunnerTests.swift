import DILab
import DILabLessons
import Foundation
import Testing

/// The runner as a learner meets it: progress that survives a restart, explanations of wrong predictions,
/// and hints that come before the solution.
struct RunnerTests {
    @Test func progressIsSavedAndResumed() throws {
        let f = try Fixture()
        var first = try f.runner()
        #expect(first.perform(.next, lesson: "01").status == .ok)
        #expect(first.perform(.answer("handler read_items; enter get_db"), lesson: "1").status == .wrong)   // still on the prediction step
        try f.store.save(first.progress)

        let second = try f.runner()
        let lesson = try #require(second.course.lesson(matching: "fixture"))
        #expect(second.currentStep(lesson).id == "predict")
        #expect(second.progress.step(lesson.id, "intro").solved)
        #expect(second.progress.step(lesson.id, "predict").attempts == 1)
        #expect(second.progress.lastLesson == "01-fixture")
        #expect(second.menu().contains("Continue: dilab lesson 01"))
    }

    @Test func aWrongPredictionIsExplainedEventByEventWithTheRule() throws {
        let f = try Fixture()
        var runner = try f.runner()
        _ = runner.perform(.next, lesson: "01")
        // The tutorials' folklore: cleanup before the background task.
        let out = runner.perform(.answer("enter get_db; handler read_items; sent 200; exit get_db; task.start audit; task.end audit"), lesson: "01")
        #expect(out.status == .wrong)
        #expect(out.exitCode == 1)
        let exit = try #require(out.mismatches.first { $0.line == "exit get_db" })
        #expect(exit.kind == .misplaced(actualPosition: 6))
        #expect(exit.rule?.id == "yield-request-scope")
        #expect(out.text.contains("part ways at event 4"))
        #expect(out.text.contains("`exit get_db` is out of place: it is event 6, right after `task.end audit`"))
        #expect(out.text.contains("Request-scoped cleanup"))
    }

    @Test func orderingByNumbersIsAccepted() throws {
        let f = try Fixture()
        let lesson = try #require(try f.course().lessons.first)
        guard case .predict(let spec) = lesson.steps[1].kind else { Issue.record("not a prediction"); return }
        let shown = StepCheck.shuffled(spec.answer)
        let numbers = spec.answer.map { line in String(shown.firstIndex(of: line)! + 1) }.joined(separator: " ")
        #expect(StepCheck.predict(spec, lesson: lesson, input: numbers).passed)
    }

    @Test func hintsComeBeforeTheSolution() throws {
        let f = try Fixture()
        var runner = try f.runner()
        _ = runner.perform(.next, lesson: "01")
        let refused = runner.perform(.solution, lesson: "01")
        #expect(refused.status == .refused)
        #expect(refused.text.contains("try `hint` first (2 left)"))
        #expect(!refused.text.contains("FastAPI's order"))
        #expect(runner.perform(.next, lesson: "01").status == .refused)

        let h1 = runner.perform(.hint, lesson: "01")
        #expect(h1.text.contains("Hint 1/2: first hint") && !h1.text.contains("second hint"))
        let h2 = runner.perform(.hint, lesson: "01")
        #expect(h2.text.contains("Hint 2/2: second hint"))
        #expect(runner.perform(.solution, lesson: "01").status == .refused)

        let gaveUp = runner.perform(.giveUp, lesson: "01")
        #expect(gaveUp.text.contains("FastAPI's order"))
        #expect(runner.progress.step("01-fixture", "predict").gaveUp)
        #expect(runner.perform(.solution, lesson: "01").status == .ok)
    }

    @Test func solvingOpensTheSolutionAndResetForgets() throws {
        let f = try Fixture()
        var runner = try f.runner()
        _ = runner.perform(.next, lesson: "01")
        let right = runner.perform(.answer("enter get_db; handler read_items; sent 200; task.start audit; task.end audit; exit get_db"), lesson: "01")
        #expect(right.status == .correct)
        #expect(runner.perform(.solution, lesson: "01").status == .ok)
        #expect(runner.perform(.next, lesson: "01").status == .ok)
        #expect(runner.perform(.answer("200"), lesson: "01").status == .correct)
        #expect(runner.progressBar().hasSuffix("1/1 done"))
        _ = runner.perform(.reset, lesson: "01")
        #expect(runner.progressBar().hasSuffix("0/1 done"))
    }

    @Test func stateDirectoryFollowsTheEnvironment() {
        #expect(ProgressStore.defaultDirectory(environment: ["DILAB_STATE_DIR": "/s", "XDG_STATE_HOME": "/x", "HOME": "/h"]) == "/s")
        #expect(ProgressStore.defaultDirectory(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]) == "/x/dilab")
        #expect(ProgressStore.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.local/state/dilab")
    }
}
