import DILab

/// `why …` typed at the lesson prompt, with the trace it is about. The answer comes from the REPL's explainer
/// (DILabConsole depends on this module, not the reverse), handed to `LessonLoop.explainer` by the front end,
/// so the lesson and the REPL explain an event with one implementation.
public struct WhyQuestion: Sendable, Equatable {
    /// The scenario file, as a path the process can open (already resolved against the lesson folder).
    public var scenarioPath: String
    /// Which request of it (and which occurrence, under which profile) the step shows.
    public var source: TraceSource
    /// What follows `why`: `exit get_db`, `db`, `6`, `get_db` — the REPL's `explain` arguments.
    public var query: String

    public init(scenarioPath: String, source: TraceSource, query: String) {
        self.scenarioPath = scenarioPath
        self.source = source
        self.query = query
    }
}

extension LessonRunner {
    /// The request trace a step puts on screen, if any: a run step's request at once; a prediction's or a fact
    /// question's only once the step is done, so `why` never gives an answer away. Lifespan phases and the
    /// `timeline` are no request, and the explainer reads requests, so they are left out.
    public func traceOnScreen(_ lesson: Lesson, _ step: Step) -> TraceSource? {
        let done = progress.step(lesson.id, step.id).done
        let source: TraceSource?
        switch step.kind {
        case .run(let spec): source = spec.source
        case .predict(let spec): source = done ? spec.source : nil
        case .question(let spec): source = done ? spec.fact?.source : nil
        case .prose, .exercise: source = nil
        }
        guard let source, let line = source.request, TraceProbe.Lifespan(rawValue: line) == nil,
              line != TraceProbe.timeline else { return nil }
        // The explainer replays the requests one at a time: on a file whose requests overlap that would explain
        // another trace than the one on screen, so `why` is not offered there.
        if overlaps(lesson, source) { return nil }
        return source
    }

    /// Whether the source's scenario runs its requests overlapping on one timeline (`at:`, `disconnect:`, `cancel:`).
    func overlaps(_ lesson: Lesson, _ source: TraceSource) -> Bool {
        guard let scenario = try? TraceProbe.load(lesson.path(source.scenario)) else { return false }
        return Engine.isConcurrent(scenario.requests)
    }

    /// The step's source if it runs overlapping requests: `why` says why it is not offered there.
    public func overlappingSource(_ lesson: Lesson, _ step: Step) -> TraceSource? {
        let source: TraceSource?
        switch step.kind {
        case .run(let spec): source = spec.source
        case .predict(let spec): source = spec.source
        case .question(let spec): source = spec.fact?.source
        case .prose, .exercise: source = nil
        }
        guard let source, overlaps(lesson, source) else { return nil }
        return source
    }
}
