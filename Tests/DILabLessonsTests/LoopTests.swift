import DILab
import DILabLessons
import Foundation
import Testing

/// The lesson prompt as a learner meets it: commands are never graded, letters answer choices, `next` goes on.
@Suite struct LoopTests {
    /// One line typed; an ignored (empty) line reads as an empty, ungraded reply.
    func say(_ loop: inout LessonLoop, _ line: String) -> LoopReply {
        loop.handle(line) ?? LoopReply(text: "")
    }

    func loop(_ yaml: String = Fixture.choiceLessonYAML) throws -> (LessonLoop, Fixture) {
        let f = try Fixture(lessonYAML: yaml, secondLesson: true)
        return (LessonLoop(runner: try f.runner(), lesson: "01"), f)
    }

    @Test func theFirstScreenShowsLoopFormCommands() throws {
        var (loop, _) = try loop()
        let first = loop.start()
        #expect(first.text.contains("`next`"))
        #expect(!first.text.contains("dilab lesson 01"))
        #expect(first.text.contains("`help`"))
        let menu = say(&loop, "menu").text
        #expect(!menu.contains("`dilab lesson") && !menu.contains("Continue: dilab"))
        #expect(menu.contains("`help`"))
    }

    @Test func helpAndCommandLikeWordsAreNeverGraded() throws {
        var (loop, _) = try loop()
        _ = loop.start()
        _ = loop.handle("next")   // onto the prediction
        for line in ["help", "?", "hnit", "foo", "c"] {
            let reply = say(&loop, line)
            #expect(!reply.graded, "\(line) was graded")
        }
        #expect(say(&loop, "help").text.contains("hint") == true)
        #expect(say(&loop, "hnit").text.contains("did you mean `hint`") == true)
        #expect(loop.runner.progress.step("01-fixture", "predict").attempts == 0)
        #expect(say(&loop, "enter get_db; sent 200").graded == true)
        #expect(loop.runner.progress.step("01-fixture", "predict").attempts == 1)
    }

    @Test func lettersInTheChoiceRangeAreAnswersAndAWrongOneSaysWhy() throws {
        var (loop, _) = try loop()
        _ = loop.start()
        _ = loop.handle("next")
        _ = loop.handle("giveup")
        _ = loop.handle("next")
        _ = loop.handle("200")
        _ = loop.handle("next")   // onto the choice step
        let wrong = say(&loop, "b")
        #expect(wrong.graded)
        #expect(wrong.text.contains("b) before the response is sent"))
        #expect(wrong.text.contains("That is scope=\"function\""))
        let right = say(&loop, "c")
        #expect(right.graded && right.text.contains("Correct"))
        #expect(loop.runner.progress.step("01-fixture", "choice").solved)
        // `a` is a choice here too, not `answer` with nothing.
        let lesson = try #require(loop.runner.course.lessons.first)
        #expect(LoopInput.read("a", step: loop.runner.currentStep(lesson)) == .action(.answer("a")))
        #expect(LoopInput.read("a", step: lesson.steps[1]) == .action(.answer("")))
    }

    @Test func theCLIAndREPLFormsReadChoiceLettersAsAnswersToo() throws {
        let f = try Fixture(lessonYAML: Fixture.choiceLessonYAML)
        var runner = try f.runner()
        #expect(runner.action(word: "c", rest: "", lesson: "01") == .check)   // the prose step: c is check
        for _ in 0..<3 { _ = runner.perform(.giveUp, lesson: "01"); _ = runner.perform(.next, lesson: "01") }
        #expect(runner.currentStep(try #require(runner.course.lessons.first)).id == "choice")
        #expect(runner.action(word: "c", rest: "", lesson: "01") == .answer("c"))
        #expect(runner.action(word: "a", rest: "", lesson: "01") == .answer("a"))
        #expect(runner.action(word: "d", rest: "", lesson: "01") == nil)
    }

    @Test func nextAfterTheLastStepSaysDoneAndOpensTheNextLesson() throws {
        var (loop, _) = try loop(Fixture.lessonYAML())
        _ = loop.start()
        _ = loop.handle("next")
        _ = loop.handle("giveup")
        _ = loop.handle("next")
        _ = loop.handle("200")
        let done = say(&loop, "next")
        #expect(done.text.contains("is done"))
        #expect(done.text.contains("1 given up"))
        #expect(done.text.contains("Second lesson"))
        #expect(loop.lessonID == "02-second")
        #expect(loop.prompt == "lesson 02 › ")
        // The last lesson of the course: nothing is graded any more.
        let end = say(&loop, "next")
        #expect(end.text.contains("last lesson"))
        #expect(say(&loop, "enter get_db; sent 200").graded == false)
        _ = loop.handle("lesson 01")
        #expect(loop.lessonID == "01-fixture")
    }

    @Test func givenUpStepsShowApartFromSolvedOnes() throws {
        var (loop, _) = try loop(Fixture.lessonYAML())
        _ = loop.start()
        _ = loop.handle("next")
        _ = loop.handle("giveup")
        _ = loop.handle("next")
        _ = loop.handle("200")
        let list = loop.runner.list()
        #expect(list.contains("3/3, 1 given up"))
        #expect(!list.contains("✓ 01"))
        #expect(say(&loop, "back").text.contains("(given up)") == true)
    }

    @Test func aWrongShortAnswerShowsTheDecidingTraceLines() throws {
        var (loop, _) = try loop(Fixture.lessonYAML())
        _ = loop.start()
        _ = loop.handle("next")
        _ = loop.handle("giveup")
        _ = loop.handle("next")
        let wrong = say(&loop, "500")
        #expect(wrong.graded)
        #expect(wrong.text.contains("sent 200"))
    }
}

/// Exercises at the prompt: the watched file is re-checked on save, `path` and `edit` name it.
@Suite struct ExerciseLoopTests {
    static let solution = Fixture.scenario.replacingOccurrences(of: "params: {db: Depends(get_db), background_tasks: BackgroundTasks}",
                                                                 with: "params: {db: \"Depends(get_db, scope='function')\", background_tasks: BackgroundTasks}")
    static let yaml = """
    title: Exercise lesson
    steps:
      - id: fix
        section: Predict
        exercise:
          start: app.yaml
          solution: solution.yaml
          kinds: [exit, sent]
          goal:
            - request: GET /items
              trace: [exit get_db, sent 200]
        hints: [scope="function"]
    """

    @Test func savingTheFileChecksItAgainAndPathAndEditNameIt() throws {
        #expect(Self.solution != Fixture.scenario)
        let f = try Fixture(lessonYAML: Self.yaml)
        try Self.solution.write(toFile: f.root + "/01-fixture/solution.yaml", atomically: true, encoding: .utf8)
        var loop = LessonLoop(runner: try f.runner(), lesson: "01")
        _ = loop.start()
        let file = try #require(loop.watchedFile)
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(loop.handle("path")?.text == file)
        #expect(loop.handle("edit")?.editFile == file)
        let failed = loop.handle("check")
        #expect(failed?.graded == true)
        #expect(failed?.text.contains("Your copy: \(file)") == true)
        try Self.solution.write(toFile: file, atomically: true, encoding: .utf8)
        let saved = loop.fileChanged()
        #expect(saved.graded)
        #expect(saved.text.contains("Saved: \(file)"))
        #expect(saved.text.contains("matches the goal"))
        #expect(loop.runner.progress.step("01-fixture", "fix").solved)
    }
}

/// A save that leaves the text as it was (`:w` twice, format-on-save) is no attempt; a changed save is.
@Suite struct UnchangedSaveTests {
    @Test func aSaveWithTheSameTextIsNotCheckedOrCounted() throws {
        let f = try Fixture(lessonYAML: ExerciseLoopTests.yaml)
        try ExerciseLoopTests.solution.write(toFile: f.root + "/01-fixture/solution.yaml", atomically: true, encoding: .utf8)
        var loop = LessonLoop(runner: try f.runner(), lesson: "01")
        _ = loop.start()
        let file = try #require(loop.watchedFile)
        let start = try String(contentsOfFile: file, encoding: .utf8)
        let attempts = { loop.runner.progress.step("01-fixture", "fix").attempts }
        // Saved as it was copied: nothing to check.
        try start.write(toFile: file, atomically: true, encoding: .utf8)
        let same = loop.fileChanged()
        #expect(same.graded == false)
        #expect(same.text.contains("the text is as it was"))
        #expect(attempts() == 0)
        // A real change is checked and counted; saving that same text again is not.
        try (start + "\n# edited\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loop.fileChanged().graded)
        #expect(attempts() == 1)
        try (start + "\n# edited\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loop.fileChanged().graded == false)
        #expect(attempts() == 1)
        // `check` looks at the text too: a save of the text just checked is no second attempt.
        try start.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loop.handle("check")?.graded == true)
        #expect(attempts() == 2)
        try start.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loop.fileChanged().graded == false)
        #expect(attempts() == 2)
    }
}

/// `build`: an order prediction placed one event at a time, each wrong pick explained at once.
@Suite struct BuildOrderTests {
    @Test func aWrongPickIsExplainedAtOnceAndTheFinishedOrderIsGraded() throws {
        let f = try Fixture()
        var loop = LessonLoop(runner: try f.runner(), lesson: "01")
        _ = loop.start()
        _ = loop.handle("next")
        let start = loop.handle("build")
        let b = try #require(loop.builder)
        #expect(start?.text.contains("Event 1 of 6?") == true)
        let number = { (line: String) in String(b.shown.firstIndex(of: line)! + 1) }
        // The tutorials' mistake: the cleanup before the background task.
        for line in ["enter get_db", "handler read_items", "sent 200"] { #expect(loop.handle(number(line))?.text.contains("✓") == true) }
        let wrong = loop.handle(number("exit get_db"))
        #expect(wrong?.text.contains("✗ Not `exit get_db` yet.") == true)
        #expect(start?.text.contains("Build FastAPI's order") == true)
        #expect(wrong?.text.contains("event 6") == true)
        #expect(wrong?.text.contains("Request-scoped cleanup") == true)
        #expect(wrong?.graded == false)
        #expect(loop.runner.progress.step("01-fixture", "predict").attempts == 0)
        for line in ["task.start audit", "task.end audit"] { _ = loop.handle(number(line)) }
        let done = loop.handle(number("exit get_db"))
        #expect(done?.graded == true)
        #expect(done?.text.contains("with 1 wrong pick") == true)
        #expect(done?.text.contains("Correct") == true)
        #expect(loop.builder == nil)
        #expect(loop.runner.progress.step("01-fixture", "predict").solved)
    }
}
