import DILab
import Foundation

/// Everything a REPL session remembers between lines. The interpreter is a function of (state, line) → output;
/// the only I/O it does is reading scenario files, so tests drive it with no terminal.
public struct ConsoleState: Sendable {
    /// Colour for output text (the front end decides: TTY and no NO_COLOR).
    public var style: Style
    /// The loaded scenario file as the user named it.
    public var scenarioPath: String?
    public var scenario: Scenario?
    /// The file's text when it was loaded, to notice edits on disk (content, not mtime: edits within a second count).
    var loadedText: String?
    /// The profile chosen with `profile`; nil follows the scenario's `fastapi:`.
    public var chosenProfile: Profile?
    public var app: CompiledApp?
    /// One app lifetime: request ids, lru_cache values and call counters carry over between requests,
    /// as in a running FastAPI app. Replaced on load, reload and profile switch (the app restarts).
    public var engine: Engine?
    /// `app.dependency_overrides` as the user set it; copied into the engine before each request.
    public var overrides: [String: String] = [:]
    public var lastRequest: RequestSpec?
    public var lastTrace: RequestTrace?
    /// The last requests fired together (`GET /a & GET /b`, `burst`): their shared timeline, for `timeline`.
    /// `lastTrace` is then the first of them. Nil after a single request.
    public var lastRun: RunResult?
    /// Position of `step` in the last trace's numbered events (1-based); nil before the first step.
    public var cursor: Int?
    /// Room for extensions (the lesson runner keeps its progress here) without changing this type.
    public var extras: [String: any Sendable] = [:]

    public init(style: Style = .plain) {
        self.style = style
    }

    /// The profile requests run under now.
    public var profile: Profile { chosenProfile ?? scenario?.profile ?? .latest }

    /// The events a learner counts: everything but the `request` marker (the header shows it).
    public var numberedEvents: [TraceEvent] { lastTrace.map(ConsoleState.numbered) ?? [] }

    static func numbered(_ t: RequestTrace) -> [TraceEvent] { t.events.filter { $0.kind != .request } }

    public var providerNames: [String] { scenario?.providers.map(\.name) ?? [] }

    /// A short name for the prompt: the file name without extension.
    public var shortName: String? {
        scenarioPath.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
    }

    func requireScenario() throws -> (Scenario, CompiledApp, Engine) {
        guard let scenario, let app, let engine else {
            throw ConsoleError("no scenario loaded", hint: "load a file first, e.g. `load scenarios/seeds/db-session-read-user.yaml`")
        }
        return (scenario, app, engine)
    }

    func requireTrace() throws -> RequestTrace {
        guard let lastTrace else {
            throw ConsoleError("no request yet", hint: "send one first, e.g. `GET /users/1`")
        }
        return lastTrace
    }
}
