import Foundation

/// What the loop says to one line, and whether the learner asked to leave.
public struct LoopReply: Sendable, Equatable {
    public var text: String
    public var quit = false
    /// True when the line was graded (an answer or an exercise check), so tests can pin "never graded".
    public var graded = false
    /// `edit`: the file the front end should open in `$EDITOR` (the loop itself never starts processes).
    public var editFile: String?

    public init(text: String, quit: Bool = false, graded: Bool = false, editFile: String? = nil) {
        self.text = text
        self.quit = quit
        self.graded = graded
        self.editFile = editFile
    }
}

/// The line loop of `dilab lesson NN` on a terminal, as a value: the CLI only reads lines, prints replies
/// and saves `runner.progress`. Commands are shown in loop form (`hint`, not `dilab lesson 01 hint`).
public struct LessonLoop {
    public private(set) var runner: LessonRunner
    /// The lesson the prompt is on (its folder name); changes when `next` finishes a lesson or `lesson NN` jumps.
    public private(set) var lessonID: String
    /// After the last lesson of the course: nothing is graded until the learner opens a lesson.
    public private(set) var courseFinished = false
    /// While building an order step by step (`build`): the placements so far.
    public private(set) var builder: OrderBuilder?

    /// Answers `why …`: the REPL's explainer, set by the front end (nil: `why` says it is not available here).
    public var explainer: ((WhyQuestion) -> String)?

    public init(runner: LessonRunner, lesson: String) {
        var r = runner
        r.commandPrefix = { _ in "" }
        self.runner = r
        self.lessonID = runner.course.lesson(matching: lesson)?.id ?? lesson
    }

    var lesson: Lesson? { runner.course.lesson(matching: lessonID) }

    public var prompt: String {
        guard let l = lesson else { return "lesson › " }
        return "lesson \(String(format: "%02d", l.number)) › "
    }

    /// The first screen: the current step, and how to get help.
    public mutating func start() -> LoopReply {
        let out = runner.perform(.show, lesson: lessonID)
        guard out.status != .badInput else { return LoopReply(text: out.text, quit: true) }
        noteWatchedFile()
        return LoopReply(text: out.text + runner.style.dim("Type `help` (or `?`) for the commands, `quit` to leave.") + "\n")
    }

    /// The watched file's text at its last check (or when the watch began), so an unchanged save is no attempt.
    public private(set) var saved: SavedText?

    public mutating func handle(_ line: String) -> LoopReply? {
        defer { noteWatchedFile() }
        return reply(to: line)
    }

    /// A new exercise file on screen starts from its text as it is now; a `check` counts as a look at it.
    mutating func noteWatchedFile(checked: Bool = false) {
        guard let file = watchedFile else { saved = nil; return }
        if checked || saved?.path != file { saved = SavedText(path: file) }
    }

    mutating func reply(to line: String) -> LoopReply? {
        guard let lesson else { return LoopReply(text: "no lesson '\(lessonID)'", quit: true) }
        let step = runner.currentStep(lesson)
        if builder != nil, let n = Int(line.trimmingCharacters(in: .whitespaces)) { return place(n, lesson: lesson) }
        guard let input = LoopInput.read(line, step: step) else { return nil }
        if case .action(let a) = input, a != .hint { builder = nil }
        if case .open = input { builder = nil }
        switch input {
        case .build: return startBuilding(step, lesson: lesson)
        case .quit: return LoopReply(text: "", quit: true)
        case .help: return LoopReply(text: help(step))
        case .menu: return LoopReply(text: runner.menu())
        case .open(let query):
            guard let target = runner.course.lesson(matching: query) else {
                return LoopReply(text: "no lesson '\(query)'. Lessons:\n" + runner.list())
            }
            lessonID = target.id
            courseFinished = false
            return LoopReply(text: runner.perform(.show, lesson: target.id).text)
        case .edit:
            guard let file = runner.workspaceFile(lesson, step) else { return LoopReply(text: "This step has no file to edit.") }
            _ = runner.perform(.show, lesson: lessonID)  // makes sure the copy exists
            return LoopReply(text: "Opening \(file) …", editFile: file)
        case .path:
            _ = runner.perform(.show, lesson: lessonID)
            return LoopReply(text: runner.workspaceFile(lesson, step) ?? "This step has no file.")
        case .why(let query): return LoopReply(text: why(query, step: step, lesson: lesson))
        case .notAnAnswer(let text, let suggestion):
            return LoopReply(text: notAnAnswer(text, suggestion: suggestion, step: step, lesson: lesson))
        case .action(let action):
            if courseFinished, case .answer = action {
                return LoopReply(text: "The course is done; nothing is graded here. `lesson NN` opens a lesson, `quit` leaves.")
            }
            if action == .next, isLastStepFinished(lesson) { return finish(lesson) }
            let out = runner.perform(action, lesson: lessonID)
            let graded: Bool
            switch action {
            case .answer, .check: graded = out.status == .correct || out.status == .wrong
            default: graded = false
            }
            if action == .check { noteWatchedFile(checked: true) }
            return LoopReply(text: out.text, graded: graded)
        }
    }

    mutating func startBuilding(_ step: Step, lesson: Lesson) -> LoopReply {
        guard case .predict(let spec) = step.kind, spec.mode == .order else {
            return LoopReply(text: "`build` places the events of an order prediction one at a time; this step is not one.")
        }
        guard let (events, lines, profile) = try? StepCheck.engineEvents(spec, lesson: lesson) else {
            return LoopReply(text: "This step's scenario does not run.")
        }
        builder = OrderBuilder(events: events, lines: lines, profile: profile)
        let intro = "Build FastAPI's order one event at a time: type the number of the event that comes next. "
            + "A wrong pick is explained at once; `answer …` or `show` leaves this mode."
        return LoopReply(text: Prose.wrap(intro) + "\n\n" + builder!.board())
    }

    mutating func place(_ n: Int, lesson: Lesson) -> LoopReply {
        guard var b = builder else { return LoopReply(text: "") }
        let result = b.place(n)
        builder = b
        switch result {
        case .badNumber: return LoopReply(text: "Pick one of the numbers shown.\n" + b.board())
        case .alreadyPlaced(let l): return LoopReply(text: "`\(l)` is placed already.\n" + b.board())
        case .notYet(let l, _, let why):
            return LoopReply(text: runner.style.red("✗") + " " + Prose.wrap("Not `\(l)` yet. " + why) + "\n\n" + b.board())
        case .placed(let l):
            guard b.isComplete else { return LoopReply(text: runner.style.green("✓ \(b.placed.count). \(l)") + "\n" + b.board()) }
            builder = nil
            let out = runner.perform(.answer(b.placed.joined(separator: "\n")), lesson: lessonID)
            let note = b.mistakes == 0 ? "Placed without a single wrong pick." : "Placed, with \(b.mistakes) wrong pick(s) on the way."
            return LoopReply(text: note + "\n" + out.text, graded: true)
        }
    }

    /// The exercise file to watch: saving it re-checks the exercise (nil on other steps).
    public var watchedFile: String? {
        guard let lesson else { return nil }
        return runner.workspaceFile(lesson, runner.currentStep(lesson))
    }

    /// The watched file was saved: check it again, as `check` would, and say so — unless its text is the one
    /// last checked (or shown), which is said and not graded.
    public mutating func fileChanged() -> LoopReply {
        guard let file = watchedFile else { return LoopReply(text: "") }
        noteWatchedFile()
        guard saved?.changed() ?? true else {
            return LoopReply(text: runner.style.dim("Saved: \(file) — the text is as it was, so it was not checked again (no attempt)."))
        }
        let out = runner.perform(.check, lesson: lessonID)
        let graded = out.status == .correct || out.status == .wrong
        return LoopReply(text: runner.style.dim("Saved: \(file) — checked again.") + "\n\n" + out.text, graded: graded)
    }

    func isLastStepFinished(_ lesson: Lesson) -> Bool {
        let i = runner.currentIndex(lesson)
        let step = lesson.steps[i]
        return i == lesson.steps.count - 1 && (!step.needsAnswer || runner.progress.step(lesson.id, step.id).done)
    }

    /// `next` after the last step: say the lesson is done and open the next one in the loop.
    mutating func finish(_ lesson: Lesson) -> LoopReply {
        let done = runner.perform(.next, lesson: lesson.id)
        var text = done.text.split(separator: "\n").first.map(String.init) ?? ""
        text += "\n"
        guard let following = runner.course.lessons.first(where: { $0.number > lesson.number }) else {
            courseFinished = true
            return LoopReply(text: text + "That was the last lesson. `lesson NN` opens any lesson, `menu` shows the course, `quit` leaves.\n")
        }
        lessonID = following.id
        text += runner.style.dim("Opening the next lesson.") + "\n\n"
        return LoopReply(text: text + runner.perform(.show, lesson: following.id).text)
    }

    /// `why …` on the trace the step shows, through the REPL's explainer; never graded.
    func why(_ query: String, step: Step, lesson: Lesson) -> String {
        guard let source = runner.traceOnScreen(lesson, step) else {
            if let o = runner.overlappingSource(lesson, step) {
                return "`why` replays requests one at a time, and \(o.scenario)'s requests overlap on one timeline: its explanation "
                    + "would be about other traces. `dilab run \(lesson.path(o.scenario))` shows each request's trace. (not graded)"
            }
            return "`why` explains a request's trace on screen: on a run step, or on a prediction or question once it is done. (not graded)"
        }
        guard !query.isEmpty else { return "`why` takes an event or a name: `why exit get_db`, `why db`, `why 3`. (not graded)" }
        guard let explainer else { return "`why` is not available here; `dilab repl \(lesson.path(source.scenario))` has it." }
        return explainer(WhyQuestion(scenarioPath: lesson.path(source.scenario), source: source, query: query))
    }

    func notAnAnswer(_ text: String, suggestion: String?, step: Step, lesson: Lesson) -> String {
        if let suggestion { return "`\(text)` is not a command here — did you mean `\(suggestion)`? (`help` lists them; not graded)" }
        switch step.kind {
        case .prose, .run: return "This step takes no answer; `next` goes on. (`help` lists the commands)"
        case .exercise:
            let path = runner.workspaceFile(lesson, step) ?? "your copy"
            return "An exercise is answered by editing \(path), then `check`. (`help` lists the commands; not graded)"
        case .predict, .question: return "`\(text)` is not a command; `help` lists them (not graded)."
        }
    }

    /// The loop's commands, those that apply to `step` first; typing them is never graded.
    public func help(_ step: Step) -> String {
        var rows: [(String, String)] = []
        switch step.kind {
        case .prose, .run:
            rows.append(("next, n", "the next step"))
            if case .run = step.kind { rows.append(("why …", "why an event is where it is: `why exit get_db`, `why db`")) }
        case .predict(let spec):
            rows.append(("3 1 2 …", spec.mode == .order ? "your order, by the numbers shown" : "the missing events, separated by `;`"))
            rows.append(("answer …", "the same, spelled out (events one per line or separated by `;`)"))
            if spec.mode == .order { rows.append(("build", "place the events one at a time, told at once when a pick is wrong")) }
        case .question(let q):
            if q.choices.isEmpty { rows.append(("answer …", "your answer (a bare answer works too)")) }
            else { rows.append(("a … \(Answers.letter(q.choices.count - 1))", "pick a choice: just type its letter")) }
        case .exercise:
            rows.append(("check, c", "check your edited copy against the goal (saving the file checks it too)"))
            rows.append(("edit", "open your copy in $EDITOR"))
            rows.append(("path", "print the path of your copy"))
        }
        switch step.kind {
        case .predict: rows.append(("why …", "once done: why an event is where it is (`why exit get_db`)"))
        case .question(let q) where q.fact?.source.request != nil: rows.append(("why …", "once done: why an event of its trace is where it is"))
        default: break
        }
        if step.needsAnswer {
            rows += [("hint, h", "the next hint"), ("giveup", "see the solution (recorded as given up)"),
                     ("solution", "the solution, once solved or given up"), ("next, n", "the next step, once this one is done")]
        }
        rows += [("back", "the previous step"), ("show", "this step again"), ("lesson NN", "open another lesson"),
                 ("menu", "the course and your progress"), ("reset", "start this lesson over"),
                 ("help, ?", "this list"), ("quit, q", "leave (progress is saved)")]
        let width = rows.map(\.0.count).max() ?? 0
        return "Commands here (none of them is graded; after the last step `next` opens the next lesson):\n"
            + rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }
}
