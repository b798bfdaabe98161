@testable import DILab
import Testing

/// Builds an app from inline YAML; fails the test with the diagnostics if it does not load.
func compile(_ yaml: String, profile: Profile? = nil) throws -> CompiledApp {
    let scenario = try ScenarioLoader.load(text: yaml, file: "inline.yaml")
    return try Validator.compile(scenario, profile: profile)
}

/// Runs the scenario's requests (or the given ones) and returns each request's trace.
func run(_ yaml: String, profile: Profile? = nil, requests: [String]? = nil) throws -> [RequestTrace] {
    let app = try compile(yaml, profile: profile)
    let specs = requests?.map { line -> RequestSpec in
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        return RequestSpec(method: parts[0], target: parts[1])
    }
    return Engine.run(app, requests: specs).requests
}

/// The compact event lines of one request (without the `request` line), as goldens read.
func lines(_ t: RequestTrace) -> [String] {
    t.events.filter { $0.kind != .request }.map(\.compact)
}

/// Only the events of the given kinds, compact.
func lines(_ t: RequestTrace, kinds: Set<TraceEvent.Kind>) -> [String] {
    t.events.filter { kinds.contains($0.kind) }.map(\.compact)
}

/// Subjects of call/enter events: who actually ran, in order.
func calls(_ t: RequestTrace) -> [String] {
    t.events.filter { $0.kind == .call || $0.kind == .enter }.map(\.subject)
}

/// The order of the milestones that matter for lifecycles: setup, handler, cleanup, sent, tasks.
func milestones(_ t: RequestTrace) -> [String] {
    t.events.compactMap { e in
        switch e.kind {
        case .enter: return "setup \(e.subject)"
        case .exit: return "cleanup \(e.subject)"
        case .handler: return "handler"
        case .sent: return "SENT \(e.subject)"
        case .taskStart: return "bg \(e.subject)"
        case .catch: return "\(e.subject) saw \(e.data["q"] ?? "")"
        case .serverError: return "APP RAISED \(e.subject)"
        default: return nil
        }
    }
}
