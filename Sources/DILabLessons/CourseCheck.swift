import DILab
import Foundation

/// `dilab lesson selftest`: proves every step's reference answer and solution against the current engine,
/// so a lesson can never drift from what the engine (and therefore FastAPI) does. CI runs it.
public enum CourseCheck {
    public struct StepResult: Sendable {
        public var lesson: String
        public var step: String
        /// Nil when the step passed.
        public var failure: String?
    }

    public static func run(_ course: Course) -> [StepResult] {
        course.lessons.flatMap { lesson in lesson.steps.map { check($0, in: lesson) } }
    }

    public static func check(_ step: Step, in lesson: Lesson) -> StepResult {
        var problems: [String] = []
        if let name = step.section, lesson.section(named: name) == nil {
            problems.append("no section '\(name)' in the Markdown (sections: \(lesson.sections.map(\.title).joined(separator: " | ")))")
        }
        switch step.kind {
        case .prose:
            if step.section == nil { problems.append("a prose step names the `section:` it shows") }
        case .run(let spec):
            do {
                let o = try TraceProbe.run(spec.source, in: lesson)
                if spec.source.request != nil, o.trace == nil, o.result.appErrors.isEmpty { problems.append("the request was not served") }
            } catch { problems.append("the scenario does not run: \(error)") }
        case .predict(let spec):
            problems += predict(spec, lesson: lesson)
        case .question(let spec):
            problems += question(spec, lesson: lesson)
        case .exercise(let spec):
            problems += exercise(spec, lesson: lesson)
        }
        return StepResult(lesson: lesson.id, step: step.id, failure: problems.isEmpty ? nil : problems.joined(separator: "\n"))
    }

    static func predict(_ spec: PredictSpec, lesson: Lesson) -> [String] {
        let outcome = StepCheck.predict(spec, lesson: lesson, input: spec.answer.joined(separator: "\n"))
        guard outcome.passed else { return ["the reference answer does not match the engine:\n" + outcome.text] }
        // In fill mode the learner types only the blanks: that must pass too.
        if spec.mode == .fill {
            let fill = StepCheck.predict(spec, lesson: lesson, input: spec.blanks.joined(separator: "; "))
            if !fill.passed { return ["the blanks, typed in order, do not pass:\n" + fill.text] }
        }
        return []
    }

    static func question(_ spec: QuestionSpec, lesson: Lesson) -> [String] {
        var problems: [String] = []
        if !StepCheck.question(spec, input: spec.answer).passed { problems.append("the reference answer is not accepted") }
        guard let fact = spec.fact else { return problems }
        let reference: String
        if let i = Answers.choiceIndex(spec.answer, count: spec.choices.count), !spec.choices.isEmpty {
            reference = spec.choices[i]
        } else {
            reference = spec.answer
        }
        do {
            let o = try TraceProbe.run(fact.source, in: lesson)
            let actual: String
            switch fact.of {
            case .appError:
                actual = o.result.appErrors.first?.message ?? "(no error: FastAPI builds the app)"
                if !Answers.normalise(actual).contains(Answers.normalise(reference)) {
                    problems.append("the engine's app error is '\(actual)', which does not contain the reference answer '\(reference)'")
                }
                return problems
            case .status:
                guard let t = o.trace else { return problems + ["the request was not served"] }
                actual = String(t.status)
            case .body:
                guard let t = o.trace else { return problems + ["the request was not served"] }
                if let field = fact.field, t.isJSON {
                    var v: Value? = t.body
                    for key in field.split(separator: ".") { v = v?[String(key)] }
                    guard let found = v else { return problems + ["the body has no field '\(field)'"] }
                    if case .string(let s) = found { actual = s } else { actual = found.json }
                } else {
                    actual = t.isJSON ? t.body.json : t.bodyText
                }
            case .count:
                guard let t = o.trace else { return problems + ["the request was not served"] }
                actual = String(TraceProbe.matching(t, fact.event ?? "").count)
            case .time:
                guard let t = o.trace else { return problems + ["the request was not served"] }
                guard let first = TraceProbe.matching(t, fact.event ?? "").first else {
                    return problems + ["the trace has no `\(fact.event ?? "")` event"]
                }
                actual = String(first.event.t)
            case .last:
                guard let t = o.trace else { return problems + ["the request was not served"] }
                let kind = fact.event ?? ""
                guard let e = t.events.last(where: { $0.kind.rawValue == kind }) else { return problems + ["the trace has no `\(kind)` event"] }
                actual = e.subject
            }
            // A short answer must equal the engine's value; a choice must mention it (`... (200)`).
            let agrees = spec.choices.isEmpty
                ? Answers.normalise(actual) == Answers.normalise(reference)
                : Answers.normalise(reference).contains(Answers.normalise(actual))
            if !agrees {
                problems.append("the engine says \(fact.of.rawValue) = \(actual), the reference answer says \(reference)")
            }
        } catch {
            problems.append("the fact's scenario does not run: \(error)")
        }
        return problems
    }

    static func exercise(_ spec: ExerciseSpec, lesson: Lesson) -> [String] {
        var problems: [String] = []
        let solved = StepCheck.exercise(spec, lesson: lesson, path: lesson.path(spec.solution))
        if !solved.passed { problems.append("the solution does not meet the goal:\n" + solved.text) }
        do {
            let requests = try StepCheck.goalRequests(spec, lesson: lesson)
            let goals = StepCheck.requestGoals(spec)
            // A `timeline` entry covers every request at once: beside it, per-request entries are optional.
            let timelineOnly = goals.isEmpty && spec.goal.contains { $0.request == TraceProbe.timeline }
            if requests.count != goals.count, !timelineOnly {
                problems.append("the goal has \(goals.count) request(s), the solution's `requests:` \(requests.count)")
            }
            for (g, r) in zip(goals, requests) where g.request != r.line {
                problems.append("goal request '\(g.request)' but the solution sends '\(r.line)'")
            }
        } catch { problems.append("\(error)") }
        let start = StepCheck.exercise(spec, lesson: lesson, path: lesson.path(spec.start))
        switch start.verdict {
        case .correct: problems.append("the starting scenario already meets the goal: nothing to do")
        case .badInput: problems.append("the starting scenario does not load:\n" + start.text)
        case .wrong: break
        }
        return problems
    }

    public static func report(_ results: [StepResult], style: Style = .plain) -> String {
        var out = ""
        var byLesson: [(String, [StepResult])] = []
        for r in results {
            if let i = byLesson.firstIndex(where: { $0.0 == r.lesson }) { byLesson[i].1.append(r) } else { byLesson.append((r.lesson, [r])) }
        }
        for (lesson, steps) in byLesson {
            let failed = steps.filter { $0.failure != nil }
            out += (failed.isEmpty ? style.green("PASS") : style.red("FAIL")) + " \(lesson) (\(steps.count) steps)\n"
            for f in failed {
                out += "  step \(f.step): " + (f.failure ?? "").replacingOccurrences(of: "\n", with: "\n    ") + "\n"
            }
        }
        let failedSteps = results.filter { $0.failure != nil }.count
        out += "\(byLesson.count) lessons, \(results.count) steps: \(results.count - failedSteps) passed, \(failedSteps) failed\n"
        return out
    }
}
