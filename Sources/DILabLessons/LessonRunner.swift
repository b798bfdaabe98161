import DILab
import Foundation

/// What the learner asks for, whichever front end they use (CLI arguments, the line loop, the REPL).
public enum LessonAction: Equatable, Sendable {
    case show, next, back, hint, answer(String), check, giveUp, solution, reset

    /// `next`, `hint`, `giveup`, ... as typed; nil for anything else (the line loop treats that as an answer).
    public init?(word: String, rest: String = "") {
        switch word.lowercased() {
        case "show", "step", "again": self = .show
        case "next", "n": self = .next
        case "back", "prev", "previous": self = .back
        case "hint", "h": self = .hint
        case "answer", "a": self = .answer(rest)
        case "check", "c": self = .check
        case "giveup", "give-up", "give_up": self = .giveUp
        case "solution", "sol": self = .solution
        case "reset": self = .reset
        default: return nil
        }
    }
}

/// What one action produced: text for the learner and how it went.
public struct RunnerOutput: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case ok, correct, wrong
        /// Not allowed yet (the solution before solving, `next` past an unanswered step).
        case refused
        /// The input could not be understood (unknown lesson, an answer to a step that takes none, a broken file).
        case badInput
    }
    public var text: String
    public var status: Status
    public var mismatches: [Mismatch] = []

    /// 0 ok, 1 a check failed (or was refused), 2 bad input: the same codes as every dilab command.
    public var exitCode: Int32 {
        switch status {
        case .ok, .correct: return 0
        case .wrong, .refused: return 1
        case .badInput: return 2
        }
    }
}

/// The lesson runner as a state machine: `perform(action, lesson:)` reads and updates `progress` and returns
/// text. It never touches the terminal and never saves; the caller persists `progress` (see `ProgressStore`).
/// The only files it writes are the learner's exercise copies under `workspace`.
public struct LessonRunner {
    public let course: Course
    public private(set) var progress: CourseProgress
    /// `<state>/workspace`: exercise scenarios are copied to `<workspace>/<lesson>/<file>`.
    public let workspace: String
    public var style: Style
    /// How the learner types commands, for the hints at the bottom of each step (`dilab lesson 01 ` or ``).
    public var commandPrefix: (Lesson) -> String

    public init(course: Course, progress: CourseProgress, workspace: String, style: Style = .plain,
                commandPrefix: @escaping (Lesson) -> String = { "dilab lesson \(String(format: "%02d", $0.number)) " }) {
        self.course = course
        self.progress = progress
        self.workspace = workspace
        self.style = style
        self.commandPrefix = commandPrefix
    }

    // MARK: navigation

    /// The step the learner is on: the recorded one if it still exists, else the first step not done.
    public func currentIndex(_ lesson: Lesson) -> Int {
        if let id = progress.lessons[lesson.id]?.current, let i = lesson.stepIndex(id: id) { return i }
        return lesson.steps.firstIndex { !progress.step(lesson.id, $0.id).done } ?? 0
    }

    public func currentStep(_ lesson: Lesson) -> Step { lesson.steps[currentIndex(lesson)] }

    /// `dilab lesson 01 c`, `lesson 01 a`: on a choice step a letter in range is an answer, not `check`/`answer`.
    public func action(word: String, rest: String, lesson name: String) -> LessonAction? {
        if rest.isEmpty, let lesson = course.lesson(matching: name), case .question(let q) = currentStep(lesson).kind,
           !q.choices.isEmpty, Answers.choiceIndex(word, count: q.choices.count) != nil {
            return .answer(word)
        }
        return LessonAction(word: word, rest: rest)
    }

    public mutating func perform(_ action: LessonAction, lesson name: String) -> RunnerOutput {
        guard let lesson = course.lesson(matching: name) else {
            return RunnerOutput(text: "no lesson '\(name)'. Lessons:\n" + list(), status: .badInput)
        }
        progress.lastLesson = lesson.id
        var lp = progress.lessons[lesson.id] ?? CourseProgress.LessonProgress()
        if lp.current == nil || lesson.stepIndex(id: lp.current!) == nil { lp.current = currentStep(lesson).id }
        progress.lessons[lesson.id] = lp
        let index = currentIndex(lesson)
        let step = lesson.steps[index]
        switch action {
        case .show: return RunnerOutput(text: view(lesson, index), status: .ok)
        case .next: return next(lesson, index)
        case .back:
            guard index > 0 else { return RunnerOutput(text: "This is the first step.\n\n" + view(lesson, index), status: .ok) }
            progress.lessons[lesson.id]?.current = lesson.steps[index - 1].id
            return RunnerOutput(text: view(lesson, index - 1), status: .ok)
        case .hint: return hint(lesson, step)
        case .answer(let text): return answer(lesson, step, text)
        case .check: return check(lesson, step)
        case .giveUp:
            guard step.needsAnswer else { return RunnerOutput(text: "This step takes no answer; `next` goes on.", status: .badInput) }
            progress.update(lesson.id, step.id) { $0.gaveUp = true }
            return RunnerOutput(text: "Recorded: you gave up on this step. Here is the solution.\n\n" + solutionText(lesson, step)
                                + "\n" + footer(lesson, ["next"]), status: .ok)
        case .solution:
            guard step.needsAnswer else { return RunnerOutput(text: "This step has no solution to show; `next` goes on.", status: .badInput) }
            guard progress.step(lesson.id, step.id).done else {
                let left = max(0, step.hints.count - progress.step(lesson.id, step.id).hintsShown)
                return RunnerOutput(text: "The solution opens once you have solved this step"
                                    + (left > 0 ? " — try `hint` first (\(left) left)" : "")
                                    + ", or give up with `giveup` (that is recorded in your progress).", status: .refused)
            }
            return RunnerOutput(text: solutionText(lesson, step), status: .ok)
        case .reset:
            reset(lesson)
            return RunnerOutput(text: "Lesson \(lesson.id) is reset: progress and workspace copies removed.\n\n" + view(lesson, 0), status: .ok)
        }
    }

    mutating func next(_ lesson: Lesson, _ index: Int) -> RunnerOutput {
        let step = lesson.steps[index]
        if step.needsAnswer, !progress.step(lesson.id, step.id).done {
            let how = step.kind.isExercise ? "edit your copy and `check` it" : "answer it"
            return RunnerOutput(text: "This step waits for you: \(how). `hint` helps; `giveup` shows the solution (recorded).",
                                status: .refused)
        }
        if !step.needsAnswer { progress.update(lesson.id, step.id) { $0.solved = true } }
        guard index + 1 < lesson.steps.count else {
            let gaveUp = progress.gaveUpCount(lesson)
            var text = style.green("Lesson \(lesson.id) is done") + " (\(progress.doneCount(lesson))/\(lesson.steps.count) steps"
                + (gaveUp > 0 ? ", \(gaveUp) given up" : "") + ").\n"
            if let nextLesson = course.lessons.first(where: { $0.number > lesson.number && !progress.isDone($0) }) {
                let cmd = commandPrefix(nextLesson).trimmingCharacters(in: .whitespaces)
                text += "Next: " + style.bold(cmd.isEmpty ? "lesson \(String(format: "%02d", nextLesson.number))" : cmd) + " — \(nextLesson.title)\n"
            } else if course.lessons.allSatisfy(progress.isDone) {
                text += "That was the whole course. Well done.\n"
            }
            return RunnerOutput(text: text, status: .ok)
        }
        progress.lessons[lesson.id]?.current = lesson.steps[index + 1].id
        return RunnerOutput(text: view(lesson, index + 1), status: .ok)
    }

    mutating func hint(_ lesson: Lesson, _ step: Step) -> RunnerOutput {
        guard step.needsAnswer, !step.hints.isEmpty else {
            return RunnerOutput(text: "This step has no hints: read it and `next`.", status: .ok)
        }
        var shown = progress.step(lesson.id, step.id).hintsShown
        let more = shown < step.hints.count
        if more {
            shown += 1
            progress.update(lesson.id, step.id) { $0.hintsShown = shown }
        }
        var text = step.hints.prefix(shown).enumerated().map { "Hint \($0.offset + 1)/\(step.hints.count): \($0.element)" }.joined(separator: "\n")
        if !more || shown == step.hints.count {
            text += "\n" + style.dim("That was the last hint. `giveup` shows the solution (recorded in your progress).")
        }
        return RunnerOutput(text: text, status: .ok)
    }

    mutating func answer(_ lesson: Lesson, _ step: Step, _ text: String) -> RunnerOutput {
        let outcome: CheckOutcome
        switch step.kind {
        case .predict(let spec): outcome = StepCheck.predict(spec, lesson: lesson, input: text, style: style)
        case .question(let spec): outcome = StepCheck.question(spec, input: text, style: style, lesson: lesson)
        case .exercise:
            return RunnerOutput(text: "This is an exercise: edit \(workspaceFile(lesson, step) ?? "your copy") and run `check`.", status: .badInput)
        case .prose, .run:
            return RunnerOutput(text: "This step takes no answer; `next` goes on.", status: .badInput)
        }
        return record(lesson, step, outcome)
    }

    mutating func check(_ lesson: Lesson, _ step: Step) -> RunnerOutput {
        guard case .exercise(let spec) = step.kind else {
            let how = step.needsAnswer ? "this step is answered with `answer ...`" : "this step takes no answer; `next` goes on"
            return RunnerOutput(text: "`check` runs an exercise; \(how).", status: .badInput)
        }
        guard let path = ensureWorkspaceCopy(lesson, spec) else {
            return RunnerOutput(text: "cannot copy \(spec.start) into \(workspace)", status: .badInput)
        }
        return record(lesson, step, StepCheck.exercise(spec, lesson: lesson, path: path, style: style))
    }

    mutating func record(_ lesson: Lesson, _ step: Step, _ outcome: CheckOutcome) -> RunnerOutput {
        switch outcome.verdict {
        case .badInput: return RunnerOutput(text: outcome.text, status: .badInput)
        case .correct:
            progress.update(lesson.id, step.id) { $0.solved = true; $0.attempts += 1 }
            return RunnerOutput(text: outcome.text + "\n" + footer(lesson, ["next", "solution"]), status: .correct)
        case .wrong:
            progress.update(lesson.id, step.id) { $0.attempts += 1 }
            let p = progress.step(lesson.id, step.id)
            var text = outcome.text
            if p.hintsShown < step.hints.count { text += "\n" + style.dim("Stuck? `hint` (\(step.hints.count - p.hintsShown) left).") }
            else { text += "\n" + style.dim("No hints left; `giveup` shows the solution.") }
            return RunnerOutput(text: text, status: .wrong, mismatches: outcome.mismatches)
        }
    }

    public mutating func reset(_ lesson: Lesson) {
        progress.lessons[lesson.id] = nil
        try? FileManager.default.removeItem(atPath: workspace + "/" + lesson.id)
    }

    public mutating func resetAll() {
        for l in course.lessons { reset(l) }
        progress = CourseProgress()
    }

    // MARK: workspace

    public func workspaceFile(_ lesson: Lesson, _ step: Step) -> String? {
        guard case .exercise(let spec) = step.kind else { return nil }
        return workspace + "/" + lesson.id + "/" + spec.workspaceName
    }

    /// Copies the starting scenario the first time; never overwrites the learner's edits.
    func ensureWorkspaceCopy(_ lesson: Lesson, _ spec: ExerciseSpec) -> String? {
        // The loader already refuses these; a Lesson built in code must not escape either.
        guard LessonPaths.problem(workspaceName: spec.workspaceName) == nil,
              LessonPaths.problem(lessonFile: spec.start, in: lesson.directory) == nil else { return nil }
        let dir = workspace + "/" + lesson.id
        let path = dir + "/" + spec.workspaceName
        if FileManager.default.fileExists(atPath: path) { return LessonPaths.contains(workspace, path) ? path : nil }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            guard LessonPaths.contains(workspace, path) else { return nil }
            // The file's bytes, not the file: copying a symlink would let the learner's edits write into the lesson.
            guard let data = FileManager.default.contents(atPath: LessonPaths.resolved(lesson.path(spec.start))),
                  FileManager.default.createFile(atPath: path, contents: data) else { return nil }
            return path
        } catch {
            return nil
        }
    }
}

extension Step.Kind {
    public var isExercise: Bool { if case .exercise = self { return true }; return false }
}
