/// Route lookup for front ends that must act before the engine runs.
extension CompiledApp {
    /// The route Starlette would dispatch `method path` to, or nil (404/405, which the engine answers itself).
    /// Serve mode needs this before calling the engine: FastAPI parses a JSON body, and answers 422
    /// `json_invalid` for a malformed one, only when the matched route reads a body.
    public func matchingRoute(method: String, path: String) -> CompiledRoute? {
        if case .found(let i, _) = RouteMatcher.matchIndex(routes, method: method, path: path) { return routes[i] }
        return nil
    }
}
