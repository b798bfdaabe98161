import DILab
import Foundation

/// How steps, solutions and the lesson menu read on screen. Traces come from the engine, rendered by
/// dilab's own `TextRenderer`, so a lesson shows exactly what `dilab run` shows.
extension LessonRunner {
    /// The step at `index`: its place in the lesson, its Markdown section, what to do, and the commands.
    /// Showing an exercise copies its starting scenario into the workspace (once).
    public func view(_ lesson: Lesson, _ index: Int) -> String {
        let step = lesson.steps[index]
        let p = progress.step(lesson.id, step.id)
        let done = p.done
        let mark = p.gaveUp ? " (given up)" : (p.solved && step.needsAnswer ? " ✓" : "")
        var out = style.bold("Lesson \(String(format: "%02d", lesson.number)) · \(lesson.title)")
        out += style.dim("  —  step \(index + 1)/\(lesson.steps.count): \(step.kindName)\(mark)") + "\n\n"
        if let name = step.section {
            if let s = lesson.section(named: name) {
                out += style.bold("## " + s.title) + "\n\n" + s.text + "\n\n"
            } else {
                out += style.red("(missing section '\(name)' in the lesson's Markdown)") + "\n\n"
            }
        }
        switch step.kind {
        case .prose:
            out += footer(lesson, ["next"])
        case .run(let spec):
            out += runView(lesson, spec.source)
            out += footer(lesson, ["next"])
        case .predict(let spec):
            out += predictView(lesson, spec)
            // At the prompt (no command prefix) an order can also be built one event at a time.
            let build = commandPrefix(lesson).isEmpty && spec.mode == .order ? ["build"] : []
            out += footer(lesson, done ? ["next", "solution"] : ["answer …"] + build + ["hint", "giveup"])
        case .question(let spec):
            out += style.bold("Question: ") + spec.prompt + "\n"
            for (i, c) in spec.choices.enumerated() { out += "  \(Answers.letter(i))) \(c)\n" }
            out += "\n" + footer(lesson, done ? ["next", "solution"] : ["answer …", "hint", "giveup"])
        case .exercise(let spec):
            out += exerciseView(lesson, spec)
            out += footer(lesson, done ? ["next", "solution"] : ["check", "hint", "giveup"])
        }
        return out
    }

    func footer(_ lesson: Lesson, _ commands: [String]) -> String {
        let prefix = commandPrefix(lesson)
        return style.dim("Commands: " + commands.map { "`\(prefix)\($0)`" }.joined(separator: "  ")) + "\n"
    }

    func runView(_ lesson: Lesson, _ source: TraceSource) -> String {
        var out = "Scenario: \(lesson.path(source.scenario))\n"
        do {
            let outcome = try TraceProbe.run(source, in: lesson)
            if let trace = outcome.trace, TraceProbe.isTimeline(trace) {
                out += style.dim("FastAPI \(outcome.result.profile.fastapiVersion) (profile \(outcome.result.profile.rawValue))") + "\n\n"
                out += timelineView(outcome.result)
            } else if let trace = outcome.trace {
                out += style.dim("FastAPI \(outcome.result.profile.fastapiVersion) (profile \(outcome.result.profile.rawValue))") + "\n\n"
                out += TextRenderer(style: style).render(trace)
            } else {
                out += TextRenderer(style: style).render(outcome.result)
            }
        } catch {
            out += style.red("This scenario does not run: \(error)") + "\n"
        }
        return out + "\n"
    }

    /// Every request's events on one time axis with their request ids, then each request's answer: the interleaved
    /// trace `dilab run` prints for overlapping requests (a file whose requests do not overlap: in file order).
    func timelineView(_ result: RunResult) -> String {
        let r = TextRenderer(style: style)
        if result.isConcurrent { return r.interleaved(result) }
        var out = ""
        let wide = result.requests.contains { $0.webSocket != nil }
        for t in result.requests {
            for e in t.events { out += r.line(e, request: "#\(t.id)", wide: wide) }
        }
        out += style.dim("  answers:") + "\n"
        for t in result.requests {
            out += style.bold("  #\(t.id) \(t.request.line) → " + r.answer(t)) + "\n"
        }
        return out
    }

    func predictView(_ lesson: Lesson, _ spec: PredictSpec) -> String {
        var out = "Scenario: \(lesson.path(spec.source.scenario))"
        if let p = spec.source.profile { out += "  (FastAPI profile \(p.rawValue))" }
        if spec.source.request == TraceProbe.timeline {
            out += "\nRequests: every request of the file, on one timeline; a line starts with its request id (`#2 wait …`)\n"
        } else {
            out += "\nRequest:  \(spec.source.request ?? "")\n"
        }
        if !spec.kinds.isEmpty { out += "Events of kind: \(spec.kinds.joined(separator: ", "))\n" }
        let lines: [String]
        do {
            lines = try StepCheck.engineEvents(spec, lesson: lesson).lines
        } catch {
            return out + style.red("This scenario does not run: \(error)") + "\n"
        }
        switch spec.mode {
        case .order:
            out += "\nThese \(lines.count) events happen, shuffled. In which order does FastAPI produce them?\n"
            for (i, l) in StepCheck.shuffled(lines).enumerated() { out += String(format: "  %2d. ", i + 1) + l + "\n" }
            out += "\nAnswer with the numbers in order (e.g. `answer 3 1 2 …`), or write the events one per line / separated by `;`.\n"
        case .fill:
            out += "\nFill in the blanks of this trace:\n"
            var k = 0
            for l in StepCheck.template(lines, blanks: spec.blanks) {
                if let l { out += "      " + l + "\n" } else { k += 1; out += "  [\(k)] " + style.yellow("________") + "\n" }
            }
            out += "\nAnswer with the \(k) missing event(s) in order, separated by `;` (e.g. `answer exit get_db; sent 200`).\n"
        }
        let form = spec.source.request == TraceProbe.timeline ? "#request kind subject [qualifier]" : "kind subject [qualifier]"
        out += style.dim("Event lines read `\(form)`, as in `dilab test` goldens.") + "\n\n"
        return out
    }

    func exerciseView(_ lesson: Lesson, _ spec: ExerciseSpec) -> String {
        let path = ensureWorkspaceCopy(lesson, spec)
        var out = style.bold("Exercise.") + " Edit your copy of the scenario until its trace matches the goal.\n"
        out += "  your copy: \(path ?? "(could not be created)")\n"
        out += "  started from: \(lesson.path(spec.start))\n"
        if !spec.kinds.isEmpty { out += "  compared event kinds: \(spec.kinds.joined(separator: ", "))\n" }
        out += "\n"
        if let path {
            let c = StepCheck.exercise(spec, lesson: lesson, path: path, style: style)
            out += c.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        }
        return out + "\n"
    }

    /// The reference answer; callers show it only once the step is done (solved or given up).
    func solutionText(_ lesson: Lesson, _ step: Step) -> String {
        switch step.kind {
        case .predict(let spec):
            var out = style.bold("FastAPI's order:") + "\n"
            for (i, l) in spec.answer.enumerated() { out += String(format: "  %2d. ", i + 1) + l + "\n" }
            if let e = spec.explain { out += "\n" + e + "\n" }
            return out
        case .question(let spec):
            return style.bold("Answer: ") + StepCheck.referenceAnswer(spec) + "\n" + (spec.explain.map { $0 + "\n" } ?? "")
        case .exercise(let spec):
            let path = lesson.path(spec.solution)
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(cannot read \(path))"
            return style.bold("A solution") + " (\(path)):\n\n" + text + "\n"
        case .prose, .run:
            return ""
        }
    }

    // MARK: the menu

    /// `[#####-------] 3/12 done`.
    public func progressBar(width: Int = 24) -> String {
        let done = course.lessons.filter(progress.isDone).count
        let total = course.lessons.count
        let filled = total == 0 ? 0 : (done * width) / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total) done"
    }

    /// One line per lesson: done mark, number, title, steps done.
    public func list() -> String {
        let width = course.lessons.map(\.title.count).max() ?? 0
        return course.lessons.map { l in
            let n = progress.doneCount(l)
            let gaveUp = progress.gaveUpCount(l)
            // A lesson finished with given-up steps is done, but not shown as if every step was solved.
            let mark = progress.isDone(l) ? (gaveUp > 0 ? style.yellow("◐") : style.green("✓"))
                : (n > 0 || progress.lessons[l.id] != nil ? style.yellow("▸") : " ")
            let title = l.title.padding(toLength: width, withPad: " ", startingAt: 0)
            return "  \(mark) \(String(format: "%02d", l.number))  \(title)  \(n)/\(l.steps.count)" + (gaveUp > 0 ? ", \(gaveUp) given up" : "")
        }.joined(separator: "\n") + "\n"
    }

    public func menu() -> String {
        var out = style.bold("dilab lessons — FastAPI dependency injection and background tasks, hands on") + "\n"
        out += progressBar() + "\n\n" + list() + "\n"
        let resume = progress.lastLesson.flatMap(course.lesson(matching:)).flatMap { progress.isDone($0) ? nil : $0 }
            ?? course.lessons.first { !progress.isDone($0) }
        let prefix = commandPrefix(resume ?? course.lessons[0])
        // Commands in the form valid where the menu is shown: the shell, the REPL, or the lesson prompt.
        if prefix.isEmpty {
            if let l = resume { out += "Continue: " + style.bold("lesson \(String(format: "%02d", l.number))") + " — \(l.title)\n" }
            out += style.dim("At this prompt: `lesson NN` opens a lesson, `help` lists the commands, `quit` leaves.") + "\n"
            return out
        }
        if let l = resume {
            out += "Continue: " + style.bold(commandPrefix(l).trimmingCharacters(in: .whitespaces)) + " — \(l.title)\n"
        }
        let cmd = prefix.hasPrefix("dilab") ? "dilab lesson" : "lesson"
        out += style.dim("Also: `\(cmd) list`, `\(cmd) NN hint|answer …|check|giveup|solution|next|back|reset`, `\(cmd) selftest` (the course's self-test).") + "\n"
        return out
    }
}
