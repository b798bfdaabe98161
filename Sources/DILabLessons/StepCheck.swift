import DILab
import DILabSuite
import Foundation

/// What checking one answer produced.
public struct CheckOutcome: Sendable {
    public enum Verdict: Sendable, Equatable {
        case correct, wrong
        /// The answer could not be read (an exercise file with YAML errors, an ordering with bad numbers).
        case badInput
    }
    public var verdict: Verdict
    public var text: String
    /// For predictions: each event out of place, with its rule.
    public var mismatches: [Mismatch] = []
    public var passed: Bool { verdict == .correct }
}

/// Checks answers against the engine. Predictions and exercises are compared event by event with the
/// engine's trace; questions with their reference answer (itself proven against the engine by the self-test).
public enum StepCheck {
    // MARK: predict

    /// The events a prediction is about, from the engine.
    /// `lines` are the events as the learner writes them: compact lines, each prefixed with `#<request id>` when
    /// the source is the whole `timeline`.
    public static func engineEvents(_ spec: PredictSpec, lesson: Lesson) throws -> (events: [TraceEvent], lines: [String], profile: Profile) {
        let outcome = try TraceProbe.run(spec.source, in: lesson)
        guard let trace = outcome.trace else {
            throw ProbeError.noRequest("the scenario served no request '\(spec.source.request ?? "")'")
        }
        return (TraceProbe.events(trace, kinds: spec.kinds), TraceProbe.lines(trace, kinds: spec.kinds), outcome.result.profile)
    }

    /// The events as the learner is shown them in `order` mode: shuffled, but the same shuffle every time.
    public static func shuffled(_ lines: [String]) -> [String] {
        lines.enumerated().sorted { fnv("\($0.offset)|\($0.element)") < fnv("\($1.offset)|\($1.element)") }.map(\.element)
    }

    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// In `fill` mode: the trace with the blanks hidden, as (line or nil for a blank).
    public static func template(_ lines: [String], blanks: [String]) -> [String?] {
        var remaining = blanks
        return lines.map { l in
            if let k = remaining.firstIndex(of: l) { remaining.remove(at: k); return nil }
            return l
        }
    }

    /// Reads the learner's text as the full predicted trace: event lines, or numbers ordering the shown events
    /// (`order`), or the missing lines (`fill`).
    public static func predictedLines(_ spec: PredictSpec, engineLines: [String], input: String) -> Result<[String], CheckError> {
        switch spec.mode {
        case .order:
            if let order = Answers.ordering(input) {
                let shown = shuffled(engineLines)
                guard order.allSatisfy({ $0 >= 1 && $0 <= shown.count }) else {
                    return .failure(CheckError("the events are numbered 1 to \(shown.count)"))
                }
                guard Set(order).count == shown.count, order.count == shown.count else {
                    return .failure(CheckError("give each of the \(shown.count) numbers once, in the order you predict (e.g. `\((1...shown.count).map(String.init).joined(separator: " "))`)"))
                }
                return .success(order.map { shown[$0 - 1] })
            }
            return .success(Answers.eventLines(input))
        case .fill:
            let given = Answers.eventLines(input)
            let tpl = template(engineLines, blanks: spec.blanks)
            let holes = tpl.filter { $0 == nil }.count
            if given.count == engineLines.count { return .success(given) }  // the whole trace written out
            guard given.count == holes else {
                return .failure(CheckError("there are \(holes) blank(s); give one event per blank, in order, separated by `;` or new lines"))
            }
            var it = given.makeIterator()
            return .success(tpl.map { $0 ?? it.next()! })
        }
    }

    public static func predict(_ spec: PredictSpec, lesson: Lesson, input: String, style: Style = .plain) -> CheckOutcome {
        let events: [TraceEvent], engineLines: [String], profile: Profile
        do {
            (events, engineLines, profile) = try engineEvents(spec, lesson: lesson)
        } catch {
            return CheckOutcome(verdict: .badInput, text: "the lesson's scenario does not run: \(error)")
        }
        let lines: [String]
        switch predictedLines(spec, engineLines: engineLines, input: input) {
        case .success(let l): lines = l
        case .failure(let e): return CheckOutcome(verdict: .badInput, text: e.message)
        }
        if lines.isEmpty { return CheckOutcome(verdict: .badInput, text: "no events in the answer") }
        let c = PredictionCheck.compare(predicted: lines, engine: events, lines: engineLines, profile: profile)
        if c.matches {
            var text = style.green("✓ Correct: that is exactly FastAPI's order.")
            if let e = spec.explain { text += "\n" + e }
            return CheckOutcome(verdict: .correct, text: text)
        }
        return CheckOutcome(verdict: .wrong, text: style.red("✗ Not quite.") + "\n" + PredictionCheck.explain(c, style: style), mismatches: c.mismatches)
    }

    // MARK: question

    public static func question(_ spec: QuestionSpec, input: String, style: Style = .plain, lesson: Lesson? = nil) -> CheckOutcome {
        let right: Bool
        var picked: Int?
        if spec.choices.isEmpty {
            let given = Answers.normalise(input)
            if given.isEmpty { return CheckOutcome(verdict: .badInput, text: "type an answer") }
            right = ([spec.answer] + spec.accept).map(Answers.normalise).contains(given)
        } else {
            guard let want = Answers.choiceIndex(spec.answer, count: spec.choices.count) else {
                return CheckOutcome(verdict: .badInput, text: "the lesson's answer names no choice")
            }
            let given = Answers.choiceIndex(input, count: spec.choices.count)
                ?? spec.choices.firstIndex { Answers.normalise($0) == Answers.normalise(input) }
            guard let given else {
                return CheckOutcome(verdict: .badInput, text: "answer with a letter, a to \(Answers.letter(spec.choices.count - 1))")
            }
            right = given == want
            picked = given
        }
        if right {
            return CheckOutcome(verdict: .correct, text: style.green("✓ Correct.") + (spec.explain.map { "\n" + $0 } ?? ""))
        }
        var text = style.red("✗ Not quite")
        if let picked { text += ": " + Answers.letter(picked) + ") " + spec.choices[picked] }
        text += "."
        if let why = WrongAnswer.reason(spec, given: picked, input: input, lesson: lesson) { text += "\n" + Prose.wrap(why) }
        return CheckOutcome(verdict: .wrong, text: text)
    }

    /// The reference answer as a learner would read it.
    public static func referenceAnswer(_ spec: QuestionSpec) -> String {
        guard let i = Answers.choiceIndex(spec.answer, count: spec.choices.count), !spec.choices.isEmpty else { return spec.answer }
        return "\(Answers.letter(i))) \(spec.choices[i])"
    }

    // MARK: exercise

    /// The requests the goal is about: the solution's `requests:`, so headers and bodies come along.
    public static func goalRequests(_ spec: ExerciseSpec, lesson: Lesson) throws -> [RequestSpec] {
        let solution = try TraceProbe.load(lesson.path(spec.solution))
        return solution.requests
    }

    /// The trace each goal entry is compared with, in goal order: `lifespan startup` / `lifespan shutdown`
    /// entries read the app's lifespan events (once per app, so they take no request), a `timeline` entry every
    /// request's events in the order they happened (it takes no request either), every other entry the
    /// next request of the solution's `requests:`. Nil where the run served fewer requests than the goal names.
    static func goalTraces(_ spec: ExerciseSpec, _ result: RunResult) -> [RequestTrace?] {
        var next = 0
        return spec.goal.map { goal in
            if let phase = TraceProbe.Lifespan(rawValue: goal.request) { return TraceProbe.lifespanTrace(phase, result) }
            if goal.request == TraceProbe.timeline { return TraceProbe.timelineTrace(result) }
            defer { next += 1 }
            return next < result.requests.count ? result.requests[next] : nil
        }
    }

    /// The goal entries that stand for requests (not lifespan phases, not the timeline): those the solution must
    /// send, in order.
    public static func requestGoals(_ spec: ExerciseSpec) -> [ExerciseSpec.GoalRequest] {
        spec.goal.filter { TraceProbe.Lifespan(rawValue: $0.request) == nil && $0.request != TraceProbe.timeline }
    }

    /// Runs the scenario at `path` with the goal's requests and compares each request with its goal.
    public static func exercise(_ spec: ExerciseSpec, lesson: Lesson, path: String, style: Style = .plain) -> CheckOutcome {
        let requests: [RequestSpec]
        do {
            requests = try goalRequests(spec, lesson: lesson)
        } catch {
            return CheckOutcome(verdict: .badInput, text: "the lesson's solution does not load: \(error)")
        }
        let scenario: Scenario
        let app: CompiledApp
        do {
            scenario = try TraceProbe.load(path)
            app = try Validator.compile(scenario, profile: spec.profile)
        } catch let e as ProbeError {
            return CheckOutcome(verdict: .badInput, text: "Your scenario does not load yet:\n\(e)")
        } catch let list as DiagnosticList {
            return CheckOutcome(verdict: .badInput, text: "Your scenario does not load yet:\n\(list)")
        } catch {
            return CheckOutcome(verdict: .badInput, text: "\(error)")
        }
        if !app.appErrors.isEmpty {
            // The goal is still shown, beside an empty column: the learner needs to see where they are heading.
            var text = style.red("✗ FastAPI refuses to build your app") + " (\(path)):\n"
                + app.appErrors.map { "  " + $0.message }.joined(separator: "\n") + "\n\n"
            for goal in spec.goal {
                text += "\(style.red("✗")) \(goal.request)  (no response: the app does not start)\n"
                text += SideBySide.render(goal: goal.trace, yours: [], style: style)
            }
            return CheckOutcome(verdict: .wrong, text: text)
        }
        let result = Engine.run(app, requests: requests)
        var text = ""
        var allMatch = true
        for (goal, found) in zip(spec.goal, goalTraces(spec, result)) {
            guard let trace = found else { allMatch = false; text += "(no request `\(goal.request)` was served)\n"; continue }
            let events = TraceProbe.events(trace, kinds: spec.kinds)
            let yours = TraceProbe.lines(trace, kinds: spec.kinds)
            let body = trace.isJSON ? trace.body : .string(trace.bodyText)
            var problems: [String] = []
            if let s = goal.status, s != trace.status { problems.append("status: goal \(s), yours \(trace.status)") }
            if let b = goal.body, b != body { problems.append("body: goal \(b.json), yours \(body.json)") }
            let same = yours.map(Answers.normaliseEvent) == goal.trace.map(Answers.normaliseEvent)
            if !same || !problems.isEmpty { allMatch = false }
            let mark = same && problems.isEmpty ? style.green("✓") : style.red("✗")
            let note = TraceProbe.Lifespan(rawValue: goal.request) != nil ? "once per app, not per request"
                : TraceProbe.isTimeline(trace) ? "every request, in the order it happened" : "status \(trace.status)"
            text += "\(mark) \(goal.request)  (\(note))\n"
            text += SideBySide.render(goal: goal.trace, yours: yours, style: style)
            for p in problems { text += "  " + p + "\n" }
            if !same, let i = LineDiff.firstDivergence(goal.trace.map(Answers.normaliseEvent), yours.map(Answers.normaliseEvent)),
               i < events.count, let rule = Rules.governing(events[i], profile: app.profile) {
                text += Prose.wrap("first difference at event \(i + 1): yours is `\(yours[i])` — rule: \(rule.title): \(rule.text)",
                                   indent: "  ", hanging: "    ") + "\n    " + style.dim("see \(RuleDocs.citation(rule))") + "\n"
            }
        }
        if allMatch { return CheckOutcome(verdict: .correct, text: style.green("✓ Your scenario's trace matches the goal.") + "\n" + text) }
        return CheckOutcome(verdict: .wrong, text: style.red("✗ Not yet: the traces differ.") + " Your copy: \(path)\n" + text)
    }
}

/// A learner-facing problem with an answer's form (not its content).
public struct CheckError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The goal trace and the learner's, side by side, lined up with the LCS diff.
public enum SideBySide {
    public static func render(goal: [String], yours: [String], style: Style = .plain, width: Int = 34) -> String {
        func pad(_ s: String) -> String { s.count >= width ? String(s.prefix(width - 1)) + "…" : s.padding(toLength: width, withPad: " ", startingAt: 0) }
        var out = "    " + pad("goal") + "   your scenario\n"
        for op in LineDiff.diff(goal.map(Answers.normaliseEvent), yours.map(Answers.normaliseEvent)) {
            switch op {
            case .same(let s): out += "    " + pad(s) + "   " + s + "\n"
            case .removed(let s): out += "  " + style.red("-") + " " + pad(s) + "   \n"
            case .added(let s): out += "  " + style.red("+") + " " + pad("") + "   " + s + "\n"
            }
        }
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingTrailing }.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailing: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
