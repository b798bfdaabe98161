/// The longest `Depends` chain below each provider, found without recursion, so the depth of any graph
/// (10,000 providers deep, or cyclic) is known before anything recurses over it.
public enum GraphDepth {
    /// Providers on or above a cycle have no finite depth: `Int.max`.
    public static func providerDepths(_ scenario: Scenario) -> [String: Int] {
        var depth: [String: Int] = [:]
        var onPath: Set<String> = []
        for start in scenario.providers.map(\.name) where depth[start] == nil {
            // Explicit stack of (provider, its dependencies, index of the next one to visit): the list is made once
            // per visit, not once per step (a provider with 10,000 parameters made this quadratic).
            var stack: [(String, [String], Int)] = [(start, dependencies(of: start, in: scenario), 0)]
            onPath.insert(start)
            while let top = stack.last {
                let (name, deps, next) = top
                if next < deps.count {
                    stack[stack.count - 1].2 += 1
                    let d = deps[next]
                    if onPath.contains(d) { depth[d] = Int.max; continue }
                    if depth[d] == nil, scenario.provider(named: d) != nil {
                        stack.append((d, dependencies(of: d, in: scenario), 0))
                        onPath.insert(d)
                    }
                    continue
                }
                stack.removeLast()
                onPath.remove(name)
                let below = deps.map { depth[$0] ?? 0 }.max() ?? 0
                depth[name] = depth[name] == Int.max || below == Int.max ? Int.max : below + 1
            }
        }
        return depth
    }

    static func dependencies(of name: String, in scenario: Scenario) -> [String] {
        (scenario.provider(named: name)?.params ?? []).compactMap { $0.depends?.provider }
    }

    /// The deepest chain under one route: its level dependencies and its parameters' `Depends`.
    public static func routeDepth(_ route: Route, _ scenario: Scenario, _ depths: [String: Int]) -> Int {
        var specs = scenario.app.dependencies + route.dependencies
        for r in scenario.routers { specs += r.dependencies + r.includeDependencies }
        specs += route.params.compactMap(\.depends)
        return specs.map { depths[$0.provider] ?? 1 }.max() ?? 0
    }
}
