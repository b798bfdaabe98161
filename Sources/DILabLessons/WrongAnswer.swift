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
        // Each event with its line as the step writes it (a timeline's lines carry the request id).
        let timeline = TraceProbe.isTimeline(t)
        let all = TraceProbe.events(t, kinds: []).map { (event: $0, line: TraceProbe.line($0, timeline: timeline)) }
        /// `event:` without a leading `#N`, split into words.
        let asked = (fact.event ?? "").split(separator: " ").map(String.init).drop { $0.hasPrefix("#") }
        var picked: [String]
        switch fact.of {
        case .status, .body:
            picked = all.filter { [.raise, .response, .sent, .taskFail, .violation].contains($0.event.kind) }.map(\.line)
        case .count:
            let subject = asked.dropFirst().first ?? ""
            picked = subject.isEmpty ? [] : all.filter { $0.event.subject == subject }.map(\.line)
            if picked.isEmpty { picked = all.filter { [.taskFail, .raise].contains($0.event.kind) }.map(\.line) }
        case .last:
            picked = all.filter { $0.event.kind.rawValue == (fact.event ?? "") }.map(\.line)
        case .time:
            // What leads up to the event, each with its millisecond — not the event asked about, whose time is the answer.
            // On a shared timeline that is every request's waits and releases up to that moment, led by their ids.
            let answer = TraceProbe.matching(t, fact.event ?? "").first?.event
            let leading: Set<TraceEvent.Kind> = [.wait, .release, .exit, .sent, .cancel, .disconnect]
            if o.result.isConcurrent {
                let until = answer?.t ?? Int.max
                picked = o.result.interleaved.filter { leading.contains($0.kind) && $0.t <= until && $0 != answer }
                    .map { "\($0.t) ms  " + TraceProbe.line($0, timeline: true) }
            } else {
                picked = all.filter { leading.contains($0.event.kind) && $0.event != answer }.map { "\($0.event.t) ms  " + $0.line }
            }
        case .appError:
            picked = []
        }
        guard !picked.isEmpty else { return nil }
        return "The lines of the trace that decide it:\n  " + (fact.source.request ?? "") + "\n"
            + picked.map { "    " + $0 }.joined(separator: "\n")
    }
}
