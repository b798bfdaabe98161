import DILab
import DILabSuite
import Foundation

/// Runs a lesson's scenario through the engine and picks out what a step looks at.
/// Lessons never compute traces themselves: every expected answer is compared with this output.
public enum TraceProbe {
    /// What one probe produced: the whole run, and the request the step is about (if it names one).
    public struct Outcome: Sendable {
        public var result: RunResult
        public var trace: RequestTrace?
    }

    public static func load(_ path: String) throws -> Scenario {
        do {
            return try ScenarioLoader.load(path: path)
        } catch let list as DiagnosticList {
            throw ProbeError.input(list.description)
        }
    }

    /// Runs every request of the scenario (so call counters match `dilab run`), then selects the step's request.
    public static func run(_ source: TraceSource, in lesson: Lesson) throws -> Outcome {
        let scenario = try load(lesson.path(source.scenario))
        return try run(scenario, source: source, profile: source.profile)
    }

    public static func run(_ scenario: Scenario, source: TraceSource, profile: Profile?, requests: [RequestSpec]? = nil) throws -> Outcome {
        let app: CompiledApp
        do {
            app = try Validator.compile(scenario, profile: profile)
        } catch let list as DiagnosticList {
            throw ProbeError.input(list.description)
        }
        let result = Engine.run(app, requests: requests)
        guard let line = source.request else { return Outcome(result: result, trace: nil) }
        if !result.appErrors.isEmpty { return Outcome(result: result, trace: nil) }
        // `request: lifespan startup` / `lifespan shutdown`: the app's lifespan events, as `dilab test` reads them.
        if let phase = Lifespan(rawValue: line) { return Outcome(result: result, trace: lifespanTrace(phase, result)) }
        // `request: timeline`: every request's events on the run's one timeline, in the order they happened.
        if line == timeline { return Outcome(result: result, trace: timelineTrace(result)) }
        let matches = result.requests.filter { $0.request.line == line }
        if matches.count >= source.occurrence { return Outcome(result: result, trace: matches[source.occurrence - 1]) }
        if !matches.isEmpty || source.occurrence > 1 {
            throw ProbeError.noRequest("the scenario sends '\(line)' \(matches.count) time(s), not \(source.occurrence)")
        }
        // Not in `requests:`: send it on its own, after the file's requests.
        guard let spec = RequestLineParser.parse(line) else { throw ProbeError.noRequest("'\(line)' is not `METHOD /path`") }
        let sent = requests ?? scenario.requests
        if Engine.isConcurrent(sent) {
            // On one timeline the file's requests overlap: replaying them one by one would give other traces. The
            // extra line joins the timeline instead, arriving (like any request without `at:`) once the last has finished.
            let joined = Engine.run(app, requests: sent + [spec])
            return Outcome(result: result, trace: joined.requests.last)
        }
        let engine = Engine(app: app)
        _ = engine.startup()
        for r in sent { _ = engine.handle(r) }
        return Outcome(result: result, trace: engine.handle(spec))
    }

    /// The source line that selects every request of a run at once: `request: timeline`.
    public static let timeline = "timeline"

    /// Every request's events (but `request`) in the order they happened, across requests, as one trace whose
    /// lines carry the request id (`#2 wait db_pool pool`). On a file whose requests do not overlap that is
    /// file order, request after request.
    public static func timelineTrace(_ result: RunResult) -> RequestTrace {
        let spec = RequestSpec(method: "TIMELINE", target: "every request")
        return RequestTrace(id: 0, request: spec, profile: result.profile, events: result.interleaved.filter { $0.kind != .request })
    }

    /// Whether a trace is a `timeline` (its lines name their request).
    public static func isTimeline(_ trace: RequestTrace) -> Bool { trace.id == 0 && trace.request.method == "TIMELINE" }

    /// An event's line as a step compares it: the compact form, prefixed with `#<request id>` on a timeline.
    public static func line(_ e: TraceEvent, timeline: Bool) -> String {
        timeline ? "#\(e.request ?? 0) " + e.compact : e.compact
    }

    /// A lifespan phase of a run as a trace, so steps and goals read it like a request's.
    static func lifespanTrace(_ phase: Lifespan, _ result: RunResult) -> RequestTrace {
        let events = phase == .startup ? result.startup : result.shutdown
        let spec = RequestSpec(method: "LIFESPAN", target: phase == .startup ? "startup" : "shutdown")
        return RequestTrace(id: 0, request: spec, profile: result.profile, events: events)
    }

    /// The pseudo-requests that name the app's lifespan (startup runs once before the first request).
    public enum Lifespan: String, Sendable { case startup = "lifespan startup", shutdown = "lifespan shutdown" }

    /// The compact lines of a request's events, limited to the given kinds (empty: all but `request`).
    public static func lines(_ trace: RequestTrace, kinds: [String]) -> [String] {
        let t = isTimeline(trace)
        return events(trace, kinds: kinds).map { line($0, timeline: t) }
    }

    /// The events whose line (as `lines` writes it) is `pattern`, or starts with it when it ends in `*`. On a
    /// timeline a pattern without a leading `#id` is matched against every request's compact lines.
    public static func matching(_ trace: RequestTrace, _ pattern: String) -> [(event: TraceEvent, line: String)] {
        let want = Answers.normaliseEvent(pattern)
        let t = isTimeline(trace)
        let withID = t && want.hasPrefix("#")
        return events(trace, kinds: []).compactMap { e in
            let l = line(e, timeline: withID)
            let n = Answers.normaliseEvent(l)
            let hit = want.hasSuffix("*") ? n.hasPrefix(String(want.dropLast())) : n == want
            return hit ? (e, l) : nil
        }
    }

    public static func events(_ trace: RequestTrace, kinds: [String]) -> [TraceEvent] {
        trace.events.filter { $0.kind != .request && (kinds.isEmpty || kinds.contains($0.kind.rawValue)) }
    }
}

public enum ProbeError: Error, CustomStringConvertible, Equatable {
    /// The scenario does not load or compile (diagnostics with file:line:col).
    case input(String)
    case noRequest(String)
    public var description: String {
        switch self {
        case .input(let s): return s
        case .noRequest(let s): return s
        }
    }
}

/// `GET /x?q=1` → a request.
enum RequestLineParser {
    static func parse(_ line: String) -> RequestSpec? {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[1].hasPrefix("/") else { return nil }
        return RequestSpec(method: parts[0].uppercased(), target: parts[1])
    }
}
