/// A FastAPI semantics profile: which observed behaviour the engine reproduces.
/// Each flag names one difference recorded in `fastapi-semantics.md` ("Differences between versions").
public enum Profile: String, CaseIterable, Sendable, Codable {
    case latest
    case v0_120 = "0.120"
    case v0_115 = "0.115"
    case v0_105 = "0.105"

    /// The FastAPI release this profile was observed on.
    public var fastapiVersion: String {
        switch self {
        case .latest: return "0.165.0"
        case .v0_120: return "0.120.4"
        case .v0_115: return "0.115.14"
        case .v0_105: return "0.105.0"
        }
    }

    /// Accepts `latest`, `0.165`, `0.120`, `0.120.4`, `0.115`, `0.106`–`0.117`, `0.105`.
    public init?(name: String) {
        let n = name.trimmingCharacters(in: .whitespaces)
        if let p = Profile(rawValue: n) { self = p; return }
        let parts = n.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2, parts[0] == 0 else { return nil }
        switch parts[1] {
        case 121...: self = .latest
        case 118...120: self = .v0_120
        case 106...117: self = .v0_115
        case ...105: self = .v0_105
        default: return nil
        }
    }

    /// How exit stacks wrap the request (see `Engine` for the three shapes).
    public enum Lifecycle: Sendable { case modern, insideHandler, middleware }

    public var lifecycle: Lifecycle {
        switch self {
        case .latest, .v0_120: return .modern         // 0.118+: request stack around response and background
        case .v0_115: return .insideHandler            // 0.106–0.117: all cleanup before the response
        case .v0_105: return .middleware              // AsyncExitStackMiddleware around the whole app
        }
    }

    /// `Depends(scope=...)` exists (0.121+).
    public var supportsScope: Bool { self == .latest }
    /// `Depends(max_concurrency=)` exists (0.163+).
    public var supportsMaxConcurrency: Bool { self == .latest }
    /// Async cleanup after `yield` is shielded from cancellation (0.162.7+): it runs to its end when the task is
    /// cancelled; before, it is cut at its first await.
    public var shieldsCleanup: Bool { self == .latest }
    /// Cache key leaves out OAuth scopes for dependants that do not use them (0.121+).
    public var scopesOnlyWhenUsed: Bool { self == .latest }
    /// Validation errors carry a pydantic `url` key.
    public var validationErrorsHaveURL: Bool { self == .v0_105 }
    /// The deepest JSON body `json.loads` decodes before CPython 3.11's recursion limit (1000 frames, shared with
    /// the interpreter frames below it) makes it a `RecursionError`, which FastAPI answers with a 400. Measured at
    /// raw ASGI on each pinned release (docs/beyond-the-spec.md); a server with more frames below accepts less.
    public var jsonNestingLimit: Int {
        switch self {
        case .latest: return 968
        case .v0_120: return 971
        case .v0_115: return 972
        case .v0_105: return 975
        }
    }
    /// A dependency wrapped with `@functools.wraps` is classified by `inspect.unwrap(call)` too (0.123.5+), so a
    /// sync wrapper around an `async def` or a generator is awaited or entered; before, by the wrapper alone.
    public var unwrapsDecoratedDependencies: Bool { self == .latest }
    /// `APIRouter(lifespan=)` of an included router runs.
    public var runsRouterLifespan: Bool { self != .v0_105 }
}

import Foundation
