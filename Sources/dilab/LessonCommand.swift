import ArgumentParser
import DILab
import DILabConsole
import DILabLessons
import Foundation

/// `dilab lesson`: the guided course. A thin shell around `LessonRunner` (the state machine in DILabLessons):
/// it parses the words, loads the course and the progress, performs one action (or a line loop), saves.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "The guided course: lessons that check your predictions against the engine.",
        discussion: """
        dilab lesson                    the menu, with your progress
        dilab lesson list               every lesson and how far you are
        dilab lesson 01                 start lesson 01, or continue where you left off
        dilab lesson 01 next | back     move on (once the step is done) / go back
        dilab lesson 01 answer 3 1 2 …  answer a prediction or question (or --answer "…")
        dilab lesson 01 a               on a choice step, the letter of your choice
        dilab lesson 01 hint            the next hint
        dilab lesson 01 check           check your copy of an exercise scenario
        dilab lesson 01 giveup          record that you gave up, and see the solution
        dilab lesson 01 solution        the solution, once solved or given up
        dilab lesson 01 reset           start lesson 01 over (reset --all: everything)
        dilab lesson selftest           the course's self-test (CI): every reference
                                        answer and solution against the engine
                                        (`dilab lesson check` is its old spelling)

        On a terminal, `dilab lesson 01` opens a prompt: `help` lists its commands;
        nothing command-like is graded. On an exercise, saving your copy checks it
        (a save that leaves the text as it was is no attempt). `why exit get_db`
        or `why db` explains the trace a step shows, as the REPL's `why` does.
        Progress: $DILAB_STATE_DIR, else $XDG_STATE_HOME/dilab, else
        ~/.local/state/dilab (progress.json).
        Exit codes: 0 ok, 1 a wrong answer or a failed check, 2 bad input.
        """)

    @Argument(help: "A lesson (01, 1, 01-depends, a word of its title) then an action; or list, selftest, reset.")
    var words: [String] = []

    @Option(name: .customLong("answer"), help: "An answer for the current step, e.g. \"3 1 2 4\" or \"call a; call b\".")
    var answer: String?

    @Option(name: .customLong("lessons"), help: "The lessons folder (default: $DILAB_LESSONS, else ./lessons).")
    var lessonsDir: String?

    @Flag(name: .shortAndLong, help: "Read commands line by line from standard input, even when it is not a terminal.")
    var interactive = false

    @Flag(help: "With reset: every lesson.")
    var all = false

    func run() throws {
        let root = lessonsDir ?? ProcessInfo.processInfo.environment["DILAB_LESSONS"] ?? "lessons"
        let course: Course
        do {
            course = try CourseLoader.load(root: root)
        } catch let e as CourseErrors {
            Terminal.printError(e.description)
            throw ExitCode(2)
        }
        let style = Terminal.style()
        if let first = words.first, first == "selftest" || (first == "check" && words.count == 1), answer == nil {
            guard words.count == 1 else { throw usage("`dilab lesson selftest` takes no lesson; it checks the whole course") }
            if first == "check" {
                // The old spelling, kept for scripts; `dilab lesson NN check` is the learner's exercise check.
                Terminal.printError("note: `dilab lesson check` is now `dilab lesson selftest` (the course's self-test); "
                                    + "to check your exercise, name the lesson: `dilab lesson 05 check`")
            }
            let results = CourseCheck.run(course)
            print(CourseCheck.report(results, style: style), terminator: "")
            if results.contains(where: { $0.failure != nil }) { throw ExitCode(1) }
            return
        }
        let store = ProgressStore(directory: ProgressStore.defaultDirectory())
        let progress: CourseProgress
        do {
            progress = try store.load()
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(2)
        }
        var runner = LessonRunner(course: course, progress: progress, workspace: store.workspace, style: style)
        let code = try dispatch(&runner)
        if runner.progress != progress {
            do { try store.save(runner.progress) } catch {
                Terminal.printError("cannot save progress to \(store.progressFile): \(error)")
                throw ExitCode(2)
            }
        }
        if code != 0 { throw ExitCode(code) }
    }

    func usage(_ message: String) -> Error {
        Terminal.printError(message + "\n(see `dilab lesson --help`)")
        return ExitCode(2)
    }

    /// Performs what the words ask and returns the exit code.
    func dispatch(_ runner: inout LessonRunner) throws -> Int32 {
        guard let first = words.first else {
            print(runner.menu(), terminator: "")
            return 0
        }
        switch first {
        case "list":
            print(runner.progressBar() + "\n\n" + runner.list(), terminator: "")
            return 0
        case "reset" where words.count == 1:
            guard all else { throw usage("say which lesson (`dilab lesson reset 03`) or `dilab lesson reset --all`") }
            runner.resetAll()
            print("Every lesson is reset.")
            return 0
        case "reset":
            return emit(runner.perform(.reset, lesson: words[1]))
        default: break
        }
        let lesson = first
        var action: LessonAction = .show
        if words.count > 1 {
            guard let a = runner.action(word: words[1], rest: words.dropFirst(2).joined(separator: " "), lesson: lesson) else {
                throw usage("unknown action '\(words[1])'; use next, back, hint, answer, check, giveup, solution or reset")
            }
            action = a
        }
        if let answer {
            guard action == .show || action == .answer("") else { throw usage("--answer goes with no other action") }
            action = .answer(answer)
        }
        // `dilab lesson 01 answer < prediction.txt`: an answer with no words is read from a pipe or file.
        if action == .answer(""), isatty(STDIN_FILENO) == 0 {
            action = .answer(readAllStandardInput())
        }
        if interactive || (words.count == 1 && answer == nil && isatty(STDIN_FILENO) == 1) {
            return loop(&runner, lesson: lesson)
        }
        return emit(runner.perform(action, lesson: lesson))
    }

    func readAllStandardInput() -> String {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    func emit(_ out: RunnerOutput) -> Int32 {
        if out.status == .badInput { Terminal.printError(out.text) } else { print(out.text, terminator: out.text.hasSuffix("\n") ? "" : "\n") }
        return out.exitCode
    }

    /// The line loop (`LessonLoop`): the first output is the current step; then one line at a time until quit/EOF.
    /// On a terminal, an exercise's file is watched: saving it clears the screen and checks it again.
    func loop(_ runner: inout LessonRunner, lesson: String) -> Int32 {
        var loop = LessonLoop(runner: runner, lesson: lesson)
        let style = runner.style
        loop.explainer = { LessonWhy.explain($0, style: style) }
        let first = loop.start()
        print(first.text)
        if first.quit { return 2 }
        saveQuietly(loop.runner)
        let watch = isatty(STDIN_FILENO) == 1
        var seen = FileWatch(path: loop.watchedFile)
        while true {
            print(loop.prompt, terminator: "")
            fflush(nil)
            if watch, seen.path != nil, seen.waitForInputOrChange() == .changed {
                print("\u{1B}[2J\u{1B}[H", terminator: "")  // like rustlings: each check on a clean screen
                print(loop.fileChanged().text)
                saveQuietly(loop.runner)
                continue
            }
            guard let raw = readLine() else { print(""); break }
            guard let reply = loop.handle(raw) else { continue }
            if reply.quit { break }
            print(reply.text)
            if let file = reply.editFile { openEditor(file) }
            saveQuietly(loop.runner)
            if seen.path != loop.watchedFile { seen = FileWatch(path: loop.watchedFile) }
        }
        runner = loop.runner
        return 0
    }

    /// `$VISUAL`, else `$EDITOR`, else vi, on the terminal; the save is then noticed by the watch.
    func openEditor(_ file: String) {
        let env = ProcessInfo.processInfo.environment
        let editor = env["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", editor + " \"$1\"", "editor", file]
        do { try p.run(); p.waitUntilExit() } catch { Terminal.printError("cannot start \(editor): \(error)") }
    }

    /// In the loop every step is saved at once, so closing the terminal loses nothing.
    func saveQuietly(_ runner: LessonRunner) {
        let store = ProgressStore(directory: ProgressStore.defaultDirectory())
        do { try store.save(runner.progress) } catch { Terminal.printError("cannot save progress: \(error)") }
    }
}
