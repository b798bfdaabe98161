import DILab
import Foundation

/// Why a question's answer is wrong: the teacher's reason for that choice or that short answer (`why:`,
/// `wrong:` in lesson.yaml), else the lines of the engine's trace that decide the question.
enum WrongAnswer {
    /// `given` is the picked choice's index (nil for a short answer); `input` what was typed.
    static func reason(_ spec: QuestionSpec, given: Int?, input: String, lesson: Lesson?) -> String? {
        if let given, given < spec.reasons.count, let why = spec.reasons[given] { return why }
        if given == nil, let why = spec.wrong[Answers.normalise(input)] { return why }
        guard let fact = spec.fact, let lesson else { return nil }
        return evidence(fact, lesson: lesson)
    }

    /// The trace lines a learner should look at, without reading the answer out for them.
    static func evidence(_ fact: QuestionSpec.Fact, lesson: Lesson) -> String? {
        guard let o = try? TraceProbe.run(fact.source, in: lesson) else { return nil }
        if fact.of == .appError {
            return o.result.appErrors.isEmpty ? nil : "Look at what happens when the route is registered: `dilab run \(lesson.path(fact.source.scenario))`."
        }
        guard let t = o.trace else { return nil }
        let all = TraceProbe.lines(t, kinds: [])
        var picked: [String]
        switch fact.of {
        case .status, .body:
            picked = all.filter { l in ["raise", "response", "sent", "task.fail", "violation"].contains { l.hasPrefix($0 + " ") } }
        case .count:
            let subject = (fact.event ?? "").split(separator: " ").dropFirst().first.map(String.init) ?? ""
            picked = subject.isEmpty ? [] : all.filter { $0.split(separator: " ").dropFirst().first.map(String.init) == subject }
            if picked.isEmpty { picked = all.filter { $0.hasPrefix("task.fail") || $0.hasPrefix("raise") } }
        case .last:
            picked = all.filter { $0.hasPrefix((fact.event ?? "") + " ") }
        case .appError:
            picked = []
        }
        guard !picked.isEmpty else { return nil }
        return "The lines of the trace that decide it:\n  " + (fact.source.request ?? "") + "\n"
            + picked.map { "    " + $0 }.joined(separator: "\n")
    }
}
