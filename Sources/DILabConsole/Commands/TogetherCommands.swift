import DILab
import Foundation

/// Overlapping requests on one event loop: `GET /stream & GET /stream @100ms` and `burst 3 GET /stream @20ms`.
/// The engine's scheduler runs them together (`Engine.runTogether`); the REPL prints the interleaved trace, the
/// lanes on one time axis and any resource held far beyond its last use.
enum TogetherCommands {
    static let all: [ConsoleCommand] = [burst]

    /// The most requests one line may fire (a typo like `burst 10000` should not hang the session).
    static let maxRequests = 50

    static let burst = ConsoleCommand(
        name: "burst", usage: "burst N METHOD PATH [request options] [@STEP]",
        summary: "Fire N copies of a request at once on one event loop (or STEP apart, e.g. @20ms) and show who waits: the interleaved trace and the lanes. Requests joined with `&` overlap too: GET /a & GET /b @50ms.",
        examples: ["burst 3 GET /stream", "burst 5 GET /report @20ms", "GET /stream & GET /stream", "GET /a & GET /b @100ms"],
        arguments: [[.words(["2", "3", "5", "10"])], [.method], [.route]],
        needsScenario: true
    ) { state, call in
        guard let first = call.args.first, let n = Int(first), n >= 1 else {
            throw ConsoleError("usage: burst N METHOD PATH ...", hint: "e.g. `burst 3 GET /stream` (N from 1 to \(maxRequests))")
        }
        guard n <= maxRequests else { throw ConsoleError("at most \(maxRequests) requests in one burst, not \(n)") }
        var words = Array(call.args.dropFirst())
        let step = try takeOffset(&words) ?? 0
        let spec = try RequestLine.parse(words)
        let specs = (0..<n).map { i -> RequestSpec in
            var s = spec
            s.at = i * step
            return s
        }
        return try run(specs, in: &state)
    }

    /// Whether a line is several requests joined by `&` (a word of its own).
    static func isTogether(_ words: [String]) -> Bool {
        words.contains("&") && words.first.map(RequestLine.isMethod) == true
    }

    /// `GET /a & GET /b @100ms`: each `&`-separated request arrives at 0 ms, or at its own `@` offset.
    static func send(_ words: [String], in state: inout ConsoleState) throws -> String {
        var segments: [[String]] = [[]]
        for w in words {
            if w == "&" { segments.append([]) } else { segments[segments.count - 1].append(w) }
        }
        guard !segments.contains(where: \.isEmpty) else {
            throw ConsoleError("a request is missing around `&`", hint: "e.g. `GET /stream & GET /stream`")
        }
        guard segments.count <= maxRequests else { throw ConsoleError("at most \(maxRequests) requests on one line") }
        var specs: [RequestSpec] = []
        for var segment in segments {
            let offset = try takeOffset(&segment) ?? 0
            var spec = try RequestLine.parse(segment)
            spec.at = offset
            specs.append(spec)
        }
        return try run(specs, in: &state)
    }

    /// Removes an `@100ms` / `@1.5s` / `@20` word and returns its milliseconds.
    static func takeOffset(_ words: inout [String]) throws -> Int? {
        guard let i = words.firstIndex(where: { $0.hasPrefix("@") }) else { return nil }
        let w = words.remove(at: i)
        guard let ms = milliseconds(String(w.dropFirst())) else {
            throw ConsoleError("bad time '\(w)'", hint: "write @100ms, @1.5s or @20 (milliseconds), at most a day")
        }
        guard !words.contains(where: { $0.hasPrefix("@") }) else { throw ConsoleError("one @time per request") }
        return ms
    }

    static func milliseconds(_ s: String) -> Int? {
        var text = s.lowercased(), scale = 1.0
        if text.hasSuffix("ms") { text.removeLast(2) } else if text.hasSuffix("s") { text.removeLast(); scale = 1000 }
        guard let v = Double(text), v.isFinite, v >= 0, v * scale <= 86_400_000 else { return nil }
        return Int((v * scale).rounded())
    }

    /// Runs `specs` together on the session's app (its lifetime: ids, counters and lru_cache carry over).
    static func run(_ specs: [RequestSpec], in state: inout ConsoleState) throws -> String {
        let (_, app, engine) = try state.requireScenario()
        guard app.appErrors.isEmpty else {
            throw ConsoleError("FastAPI refuses to build this app, so no request is served:\n" + app.appErrors.map(\.description).joined(separator: "\n"),
                               hint: "fix the file (it reloads by itself) or try another profile")
        }
        engine.overrides = state.overrides
        let (traces, order) = engine.runTogether(specs)
        var result = RunResult(scenario: app.scenario.name, profile: app.profile, requests: traces)
        result.order = order
        state.lastRequest = specs.last.map { var s = $0; s.at = nil; return s }
        state.lastTrace = traces.first
        state.lastRun = result
        state.cursor = nil
        return render(result, app: app, style: state.style)
    }

    static func render(_ result: RunResult, app: CompiledApp, style: Style) -> String {
        var out = TextRenderer(style: style).interleaved(result)
        out += "\n" + LaneTimelineRenderer.render(Lanes.build(result, app: app), style: style)
        let warnings = HoldAnalysis.warnings(result, app: app)
        if !warnings.isEmpty { out += "\n" + warnings.map { style.yellow($0.text) }.joined(separator: "\n") }
        out += style.dim("(step, explain and show look at request \(result.requests.first?.id ?? 1); `timeline` draws these lanes again)") + "\n"
        return out
    }
}
