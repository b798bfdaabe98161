import DILab

/// "What if": the same request on a fresh app under another profile, or with a provider declared under another
/// `scope=`. The REPL never predicts what would change — it asks the engine and compares the traces.
public enum Variants {
    public enum Outcome: Sendable {
        case trace(RequestTrace)
        /// FastAPI would not build the app under this variant (e.g. a DependencyScopeError at registration).
        case refused([Diagnostic])
    }

    /// A fresh app (lifespan startup, then this one request) under `profile`, with the given overrides.
    public static func run(_ scenario: Scenario, profile: Profile, request: RequestSpec, overrides: [String: String]) throws -> Outcome {
        let app = try ConsoleState.compile(scenario, profile: profile)
        guard app.appErrors.isEmpty else { return .refused(app.appErrors) }
        let engine = Engine(app: app)
        _ = engine.startup()
        engine.overrides = overrides
        return .trace(engine.handle(request))
    }

    /// The scenario with every `Depends(provider)` use site declared `scope=` `scope` (nil removes it).
    public static func withScope(_ scope: String?, for provider: String, in scenario: Scenario) -> Scenario {
        var s = scenario
        func edit(_ d: inout DependsSpec) { if d.provider == provider, !d.isSecurity { d.scope = scope } }
        func edit(_ params: inout [Param]) {
            for i in params.indices {
                if case .depends(var d) = params[i].kind {
                    edit(&d)
                    params[i].kind = .depends(d)
                }
            }
        }
        for i in s.providers.indices { edit(&s.providers[i].params) }
        for i in s.routes.indices {
            edit(&s.routes[i].params)
            for j in s.routes[i].dependencies.indices { edit(&s.routes[i].dependencies[j]) }
        }
        for j in s.app.dependencies.indices { edit(&s.app.dependencies[j]) }
        for i in s.routers.indices {
            for j in s.routers[i].dependencies.indices { edit(&s.routers[i].dependencies[j]) }
            for j in s.routers[i].includeDependencies.indices { edit(&s.routers[i].includeDependencies[j]) }
        }
        return s
    }

    /// Where event `i` falls relative to the response and the background tasks, in words.
    static func placement(_ i: Int, in events: [TraceEvent]) -> String {
        var parts: [String] = []
        if let sent = events.firstIndex(where: { $0.kind == .sent }) {
            parts.append(i < sent ? "before the response is sent" : (i == sent ? "when the response is sent" : "after the response is sent"))
        }
        let starts = events.indices.filter { events[$0].kind == .taskStart }
        let ends = events.indices.filter { events[$0].kind == .taskEnd || events[$0].kind == .taskFail }
        if let first = starts.first, ![.taskStart, .taskEnd, .taskFail].contains(events[i].kind) {
            let last = ends.last ?? first
            parts.append(i < first ? "before the background tasks" : (i > last ? "after the background tasks" : "while the background tasks run"))
        }
        return parts.joined(separator: ", ")
    }

    /// The same event in another trace: same kind and subject, same occurrence.
    static func match(_ i: Int, in events: [TraceEvent], to other: [TraceEvent]) -> Int? {
        let e = events[i]
        let occurrence = events[..<i].filter { $0.kind == e.kind && $0.subject == e.subject }.count
        let candidates = other.indices.filter { other[$0].kind == e.kind && other[$0].subject == e.subject }
        return occurrence < candidates.count ? candidates[occurrence] : nil
    }
}
