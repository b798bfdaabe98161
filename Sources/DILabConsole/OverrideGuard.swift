import DILab

/// Refuses to *set* an override that loops (`get_db → repo` where `repo` depends on `get_db`), naming the
/// cycle. Requests no longer need a guard: the engine models what FastAPI does with such an override (it
/// re-analyses it at every use and dies with RecursionError, a 500), for every door, so a scenario file's own
/// looping override runs in the REPL exactly as in `dilab run`.
enum OverrideGuard {
    /// The first cycle reachable from a use site of any overridden provider, as names, or nil.
    static func cycle(in scenario: Scenario, overrides: [String: String]) -> [String]? {
        var done: Set<String> = []
        // The stack holds (name as declared, provider actually called): `get_db (→ repo)`.
        func visit(_ name: String, _ stack: [(String, String)]) -> [String]? {
            let actual = overrides[name] ?? name
            let shown = actual == name ? name : "\(name) (→ \(actual))"
            if let i = stack.firstIndex(where: { $0.1 == actual }) { return stack[i...].map(\.0) + [shown] }
            if done.contains(actual) { return nil }
            guard let p = scenario.provider(named: actual) else { return nil }
            for param in p.params {
                if let d = param.depends, let c = visit(d.provider, stack + [(shown, actual)]) { return c }
            }
            done.insert(actual)
            return nil
        }
        for original in overrides.keys.sorted() {
            if let c = visit(original, []) { return c }
        }
        return nil
    }

    static func check(_ scenario: Scenario, overrides: [String: String]) throws {
        guard let c = cycle(in: scenario, overrides: overrides) else { return }
        let culprit = overrides.keys.sorted().first { k in c.contains { $0.hasPrefix("\(k) (→") } } ?? ""
        throw ConsoleError("the dependency_overrides make a cycle: \(c.joined(separator: " → ")); FastAPI would recurse without end",
                           hint: "`override clear \(culprit)` removes it")
    }
}
