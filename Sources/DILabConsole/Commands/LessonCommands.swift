import DILab
import DILabLessons
import Foundation

/// `lesson ...` in the REPL: the same `LessonRunner` as `dilab lesson`, with the same progress file, so a
/// learner can move between the shell and the REPL and keep their place. Each call loads the course and the
/// progress and saves after acting: no lesson state lives in the session, nothing can go stale.
enum LessonCommands {
    static let all: [ConsoleCommand] = [lesson]

    static let actionWords = ["show", "next", "back", "hint", "answer", "check", "giveup", "solution", "reset"]

    static let lesson = ConsoleCommand(
        name: "lesson", aliases: ["lessons"],
        usage: "lesson [list | selftest | continue | NN [next|back|hint|answer …|check|giveup|solution|reset] | reset --all]",
        summary: "The guided course: lessons whose predictions and exercises are checked against the engine.",
        examples: ["lesson", "lesson 01", "lesson 01 answer 3 1 2 4 5 6 7", "lesson hint", "lesson next", "lesson 05 check", "lesson selftest"],
        arguments: [[.words(["list", "selftest", "continue", "reset"] + actionWords)], [.words(actionWords)]]
    ) { state, call in
        let places = state.extras[LessonPlaces.key] as? LessonPlaces ?? LessonPlaces()
        let root = places.root
        let course: Course
        do {
            course = try CourseLoader.load(root: root)
        } catch {
            throw ConsoleError("\(error)", hint: "start the REPL from the repository root, or set DILAB_LESSONS")
        }
        var args = call.args
        let store = ProgressStore(directory: places.stateDirectory)
        let progress: CourseProgress
        do { progress = try store.load() } catch { throw ConsoleError("\(error)") }
        var runner = LessonRunner(course: course, progress: progress, workspace: store.workspace, style: state.style,
                                  commandPrefix: { "lesson \(String(format: "%02d", $0.number)) " })
        // `lesson selftest` is the course's self-test; `lesson 03 check` checks an exercise. `lesson check` alone
        // checks the exercise the learner is on (like `lesson hint`); elsewhere it is the self-test's old
        // spelling and still runs it, with a note.
        let onExercise = runner.progress.lastLesson.flatMap(course.lesson(matching:)).map { runner.currentStep($0).kind.isExercise } ?? false
        if args == ["selftest"] || (args == ["check"] && !onExercise) {
            let results = CourseCheck.run(course)
            var report = CourseCheck.report(results, style: state.style)
            if args == ["check"] {
                report = state.style.dim("note: `lesson check` is now `lesson selftest`; `lesson 05 check` checks your exercise") + "\n" + report
            }
            if results.contains(where: { $0.failure != nil }) { throw ConsoleError(report) }
            return report
        }
        defer { if runner.progress != progress { try? store.save(runner.progress) } }

        guard let first = args.first else { return runner.menu() }
        switch first.lowercased() {
        case "help", "?":
            return """
            lesson                     the course and your progress;  lesson list: every lesson
            lesson NN                  open lesson NN at your step (lesson continue: the last one)
            lesson next | back | show  move on (once the step is done) / go back / this step again
            lesson a | lesson b …      on a choice step: your choice;  lesson answer …: a prediction or answer
            lesson hint | giveup       the next hint / see the solution (recorded as given up)
            lesson check               check your copy of an exercise;  lesson solution: once done
            lesson reset NN            start lesson NN over;  lesson selftest: the course's self-test
            Nothing here is graded except an answer or a check. On an exercise, saving your copy checks
            it again on a clean screen (a save that leaves the text as it was is no attempt).

            """
        case "list":
            return runner.progressBar() + "\n\n" + runner.list()
        case "reset" where args.count == 1 || args.dropFirst().first == "--all":
            guard args.count == 2 else { throw ConsoleError("say which lesson (`lesson reset 03`) or `lesson reset --all`") }
            runner.resetAll()
            return "Every lesson is reset.\n"
        case "reset":
            args = [args[1], "reset"]
        case "continue":
            args[0] = runner.progress.lastLesson ?? course.lessons.first { !runner.progress.isDone($0) }?.id ?? course.lessons[0].id
        default:
            // `lesson hint`, `lesson answer …`: the lesson last worked on. Action words win over a lesson whose
            // title happens to contain them ("resolution" contains "solution").
            // `lesson c` on a choice step: the letter answers it (before `c` = check).
            if args.count == 1, first.count == 1, let last = runner.progress.lastLesson,
               case .answer = runner.action(word: first, rest: "", lesson: last) {
                args = [last, "answer", first]
            } else if actionWords.contains(first.lowercased()) {
                guard let last = runner.progress.lastLesson else {
                    throw ConsoleError("no lesson started yet", hint: "`lesson 01` starts the first one")
                }
                args.insert(last, at: 0)
            }
        }
        var action = LessonAction.show
        if args.count > 1 {
            guard let a = runner.action(word: args[1], rest: args.dropFirst(2).joined(separator: " "), lesson: args[0]) else {
                throw ConsoleError("unknown lesson action '\(args[1])'", hint: "next, back, hint, answer …, check, giveup, solution or reset")
            }
            action = a
        }
        let out = runner.perform(action, lesson: args[0])
        watch(runner, lesson: args[0], in: &state)
        switch out.status {
        case .ok, .correct: return out.text
        // A wrong answer or a refusal is a failed command, so a piped session's exit code reports it.
        case .wrong, .refused, .badInput: throw ConsoleError(out.text.trimmingCharacters(in: .newlines))
        }
    }
}

/// Where the REPL's `lesson` finds the course and keeps progress: the environment, as for `dilab lesson`,
/// unless a session (a test) puts its own in `state.extras[LessonPlaces.key]`.
public struct LessonPlaces: Sendable {
    public static let key = "lesson.places"
    public var root: String
    public var stateDirectory: String

    public init(root: String = ProcessInfo.processInfo.environment["DILAB_LESSONS"] ?? "lessons",
                stateDirectory: String = ProgressStore.defaultDirectory()) {
        self.root = root
        self.stateDirectory = stateDirectory
    }
}

/// Watch mode in the REPL: after a `lesson` command lands on an exercise, its workspace copy is watched. On a
/// terminal the line editor looks at it while it waits (`EditLineGlobals.getc`); piped, or for a save made
/// while a command ran, the next line first re-checks it. Either way only a changed text is checked.
extension LessonCommands {
    static let watchKey = "lesson.watch"

    struct Watch: Sendable {
        var lesson: String
        var saved: SavedText
    }

    /// Starts (or keeps) watching the exercise the lesson is on now; a `check` or a new file resets the text.
    static func watch(_ runner: LessonRunner, lesson name: String, in state: inout ConsoleState) {
        guard let lesson = runner.course.lesson(matching: name),
              let file = runner.workspaceFile(lesson, runner.currentStep(lesson)) else {
            state.extras[watchKey] = nil
            return
        }
        state.extras[watchKey] = Watch(lesson: lesson.id, saved: SavedText(path: file))
    }

    /// Whether a lesson exercise's copy is watched (the line editor then looks at it while waiting).
    static func isWatching(_ state: ConsoleState) -> Bool { state.extras[watchKey] is Watch }

    /// Before `line` runs: the watched copy's check if its text changed since the last look, else "".
    /// `lesson …` lines are left alone: they act on the lesson themselves (a `check` must not count twice).
    static func recheckIfSaved(before line: String, in state: inout ConsoleState) -> String {
        guard var watch = state.extras[watchKey] as? Watch else { return "" }
        let first = line.split(separator: " ").first.map { $0.lowercased() } ?? ""
        if first == "lesson" || first == "lessons" { return "" }
        guard watch.saved.changed() else { return "" }
        state.extras[watchKey] = watch
        let header = state.style.dim("Saved: \(watch.saved.path) — checked again.") + "\n"
        do {
            let text = try lesson.run(&state, Invocation(args: [watch.lesson, "check"], line: "lesson \(watch.lesson) check", registry: .standard))
            return header + text + (text.hasSuffix("\n") ? "" : "\n")
        } catch let e as ConsoleError {
            return header + e.message + "\n"
        } catch {
            return header + "\(error)\n"
        }
    }
}
