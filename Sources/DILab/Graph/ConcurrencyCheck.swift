/// What `dilab check` can see of concurrency without running anything: a route that needs the same
/// `max_concurrency` declaration more times at once than it has slots hangs on its first request.
enum ConcurrencyCheck {
    /// One warning per route and declaration whose held uses (yield dependencies the cache does not serve)
    /// outnumber the limit: each keeps its slot until its cleanup, which runs only after the request ends.
    static func deadlocks(_ app: CompiledApp) -> [Diagnostic] {
        guard app.profile.supportsMaxConcurrency, app.appErrors.isEmpty else { return [] }
        var out: [Diagnostic] = []
        for route in app.routes {
            var held: [String: (count: Int, limit: Int, spec: DependsSpec)] = [:]
            var order: [String] = []
            var cached: Set<CacheKey> = []
            // Depth-first, left to right, without recursion: chains may be thousands deep.
            var stack: [(Dependant, Bool)] = route.dependant.dependencies.reversed().map { ($0, false) }
            while let (d, expanded) = stack.popLast() {
                if !expanded {
                    stack.append((d, true))
                    stack += d.dependencies.reversed().map { ($0, false) }
                    continue
                }
                let key = d.cacheKey(app.profile)
                let hit = (d.use?.useCache ?? true) && cached.contains(key)
                cached.insert(key)
                guard !hit, d.isGenerator, let spec = d.use, case .limit(let n)? = spec.maxConcurrency else { continue }
                if held[spec.declaration] == nil { order.append(spec.declaration) }
                held[spec.declaration, default: (0, n, spec)].count += 1
            }
            for decl in order {
                guard let h = held[decl], h.count > h.limit else { continue }
                out.append(Diagnostic(location: h.spec.maxConcurrencyLocation ?? h.spec.location, origin: .fastapi, rule: "max-concurrency-deadlock",
                                      message: "\(route.route.method) \(route.fullPath) enters \(h.spec.provider) \(h.count) times through this Depends(..., max_concurrency=\(h.limit)), and each keeps its slot until its cleanup: the request waits for itself and hangs",
                                      hint: "let the uses share one value (drop use_cache=False), or raise max_concurrency to at least \(h.count)",
                                      severity: .warning))
            }
        }
        return out
    }
}
