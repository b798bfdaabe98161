/// An app as FastAPI would build it from a scenario: every route compiled, plus the errors FastAPI itself would raise.
public struct CompiledApp: Sendable {
    public let scenario: Scenario
    public let profile: Profile
    public let routes: [CompiledRoute]
    /// Errors FastAPI raises while building the app (DependencyScopeError, RecursionError, TypeError): the app never starts.
    public let appErrors: [Diagnostic]
    /// The `{{call}}` counters its compiled uses and routes are numbered in.
    var callCounters = CallCounters.none

    public func route(named handler: String) -> CompiledRoute? { routes.first { $0.route.handlerName == handler } }
}

/// Checks a scenario's graph: names resolve, no cycles, scope rules hold. Collects every problem in one pass.
public enum Validator {
    /// Names every template may read besides the callable's own parameters.
    public static let builtins: Set<String> = Builtin.names.union(Builtin.allCases.map(\.key))

    /// Input errors of the graph alone (unknown names), with snippets; used when the shape pass already failed.
    static func inputProblems(_ scenario: Scenario) -> [Diagnostic] {
        var builder = GraphBuilder(scenario: scenario, profile: scenario.profile)
        DeepStack.run(depth: deepestRoute(scenario)) { _ = scenario.routes.map { builder.compile($0) } }
        return withSnippets(builder.problems + nameProblems(scenario), scenario.sourceText).filter { $0.origin == .input }
    }

    /// How deep building may recurse: the longest chain under any route (cycles count as unbounded).
    static func deepestRoute(_ scenario: Scenario) -> Int {
        let depths = GraphDepth.providerDepths(scenario)
        return scenario.routes.map { GraphDepth.routeDepth($0, scenario, depths) }.max() ?? 0
    }

    static func withSnippets(_ problems: [Diagnostic], _ text: String) -> [Diagnostic] {
        // Most checks find nothing: splitting a 10,000-line text for no diagnostic was 15% of `check`.
        guard problems.contains(where: { $0.snippet == nil && $0.location.line > 0 }) else { return problems }
        let lines = SourceLines.split(text)
        return problems.map { d in
            var d = d
            if d.snippet == nil, d.location.line > 0, d.location.line <= lines.count { d.snippet = String(lines[d.location.line - 1]) }
            return d
        }
    }

    /// Throws the input errors (dilab cannot run the file); returns FastAPI's own refusals in `appErrors`.
    public static func compile(_ scenario: Scenario, profile: Profile? = nil) throws -> CompiledApp {
        let profile = profile ?? scenario.profile
        var builder = GraphBuilder(scenario: scenario, profile: profile)
        let counters = CallCounters(scenario)
        builder.callCounters = counters
        let routes = DeepStack.run(depth: deepestRoute(scenario)) { scenario.routes.map { builder.compile($0) } }
        builder.checkScopeKeywordsEverywhere()
        var problems = withSnippets(builder.problems + nameProblems(scenario) + EmailRequestCheck.problems(scenario, routes), scenario.sourceText)
        problems.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        let inputErrors = problems.filter { $0.origin == .input }
        if !inputErrors.isEmpty { throw DiagnosticList(inputErrors) }
        return CompiledApp(scenario: scenario, profile: profile, routes: routes, appErrors: problems.filter { $0.origin == .fastapi },
                           callCounters: counters)
    }

    /// Compiles a loaded scenario: FastAPI's own refusals for `dilab check`, then warnings (severity `.warning`)
    /// for what registers but fails or surprises at request time (override recursion, shadowed built-ins).
    public static func check(_ scenario: Scenario, profile: Profile? = nil) -> [Diagnostic] {
        do {
            let app = try compile(scenario, profile: profile)
            return app.appErrors + withSnippets(overrideWarnings(scenario) + shadowWarnings(scenario) + ConcurrencyCheck.deadlocks(app), scenario.sourceText)
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            return [Diagnostic(location: SourceLocation(file: scenario.file, line: 0, column: 0), rule: "internal", message: "\(error)")]
        }
    }

    /// Overrides whose replacement depends on the original again (through other overrides too): FastAPI
    /// re-analyses an override at every use, so such a request recurses until RecursionError, a 500.
    public static func overrideWarnings(_ s: Scenario) -> [Diagnostic] {
        var sets = [s.overrides]
        sets += s.requests.compactMap { r in r.overrides.map { $0.sorted { $0.key < $1.key }.map { Override(original: $0.key, replacement: $0.value, location: r.location) } } }
        var out: [Diagnostic] = []
        for overrides in sets {
            let map = Dictionary(overrides.map { ($0.original, $0.replacement) }, uniquingKeysWith: { $1 })
            for o in overrides {
                var seen: Set<String> = [o.replacement]
                var todo = [o.replacement]
                var loops = false
                while let name = todo.popLast(), !loops {
                    for dep in GraphDepth.dependencies(of: name, in: s) {
                        if dep == o.original { loops = true; break }
                        let next = map[dep] ?? dep
                        if seen.insert(next).inserted { todo.append(next) }
                    }
                }
                if loops {
                    out.append(Diagnostic(location: o.location, origin: .fastapi, rule: "override-recursion",
                                          message: "the override \(o.original) → \(o.replacement) depends on \(o.original) again: FastAPI re-analyses an override at every use, so a request that uses \(o.original) dies with RecursionError (a 500)",
                                          hint: "let \(o.replacement) depend on what \(o.original) depends on, not on \(o.original) itself", severity: .warning))
                }
            }
        }
        return out
    }

    static func nameProblems(_ s: Scenario) -> [Diagnostic] { nameScan(s).problems + MemberCheck.problems(s) }

    /// Parameters named like a built-in that a template of the same callable reads: the parameter wins, as
    /// FastAPI passes it, and the warning says how to reach dilab's value instead.
    public static func shadowWarnings(_ s: Scenario) -> [Diagnostic] { nameScan(s).shadows }

    static func nameScan(_ s: Scenario) -> (problems: [Diagnostic], shadows: [Diagnostic]) {
        var out: [Diagnostic] = []
        var shadows: [Diagnostic] = []
        let providerNames = s.providers.map(\.name)
        let taskNames = s.tasks.map(\.name)
        func checkTask(_ call: TaskCall, roots allowed: Set<String>) {
            if s.task(named: call.task) == nil {
                out.append(Diagnostic(location: call.location, rule: "unknown-task", message: "unknown task '\(call.task)'",
                                      hint: Suggest.hint(for: call.task, among: taskNames, kind: "tasks")))
            }
            for (_, t) in call.args { checkRoots(t.roots, allowed: allowed, at: call.location, what: "task argument") }
            if let w = call.when { checkRoots(w.expr.roots, allowed: allowed, at: call.location, what: "condition") }
        }
        // `request: Request` means Starlette's Request: reading it is what the author meant, not a shadowed built-in.
        var requestObjects: Set<String> = []
        func requestObjectNames(_ params: [Param]) -> Set<String> {
            Set(params.filter { if case .requestObject = $0.kind { return true }; return false }.map(\.name))
        }
        // `what` is built only when something is reported: 10,000 routes each formatted "`returns` of GET /r1" for nothing.
        func checkRoots(_ roots: [String], allowed: Set<String>, at location: SourceLocation, what whatText: @autoclosure () -> String) {
            guard !roots.isEmpty else { return }
            let what = whatText()
            for r in Set(roots).sorted() where allowed.contains(r) && Builtin.names.contains(r) && !requestObjects.contains(r) {
                let d = Diagnostic(location: location, rule: "shadowed-builtin", message: "the \(what) reads '\(r)', which is a parameter here, so it gets the parameter's value (as in FastAPI), not dilab's built-in",
                                   hint: "write `{{@\(r)}}` for dilab's \(r)", severity: .warning)
                if !shadows.contains(d) { shadows.append(d) }
            }
            for r in roots where !allowed.contains(r) && !builtins.contains(r) {
                out.append(Diagnostic(location: location, rule: "unknown-name", message: "the \(what) reads '\(r)', which is not a parameter here",
                                      hint: Suggest.hint(for: r, among: (Array(allowed) + Array(builtins)).sorted(), kind: "names")))
            }
        }
        func checkRaises(_ raises: [RaiseSpec], allowed: Set<String>) {
            for r in raises {
                checkRoots((r.detail?.roots ?? []) + (r.message?.roots ?? []) + (r.when?.expr.roots ?? []), allowed: allowed, at: r.location, what: "exception")
            }
        }
        func checkUses(_ uses: [String], at location: SourceLocation) {
            for u in uses where s.provider(named: u) == nil {
                out.append(Diagnostic(location: location, rule: "unknown-provider", message: "`uses` names unknown provider '\(u)'",
                                      hint: Suggest.hint(for: u, among: providerNames, kind: "providers")))
            }
        }
        let poolNames = s.pools.map(\.name)
        for p in s.providers {
            requestObjects = requestObjectNames(p.params)
            if let pool = p.acquires, !poolNames.contains(pool) {
                out.append(Diagnostic(location: p.acquiresLocation ?? p.location, rule: "unknown-pool", message: "provider '\(p.name)' acquires unknown pool '\(pool)'",
                                      hint: poolNames.isEmpty ? "declare it at the top level: `pools: {\(pool): 10}`" : Suggest.hint(for: pool, among: poolNames, kind: "pools")))
            }
            let names = Set(p.params.map(\.name))
            checkRoots(p.returns?.roots ?? [], allowed: names, at: p.location, what: "`returns` of \(p.name)")
            checkRoots(p.requestState.flatMap(\.1.roots), allowed: names, at: p.location, what: "`request_state` of \(p.name)")
            checkRaises(p.raises + p.cleanup.raises, allowed: names)
            for h in p.handlers {
                if case .raise(let r) = h.action { checkRaises([r], allowed: names) }
                if let w = h.when { checkRoots(w.expr.roots, allowed: names, at: h.location, what: "except condition") }
            }
            for c in p.addsTasks + p.cleanup.addsTasks { checkTask(c, roots: names) }
            if !(p.addsTasks + p.cleanup.addsTasks).isEmpty, !p.params.contains(where: { if case .backgroundTasks = $0.kind { return true }; return false }) {
                out.append(Diagnostic(location: p.location, rule: "background-tasks", message: "provider '\(p.name)' adds tasks but takes no BackgroundTasks parameter",
                                      hint: "add a parameter such as `background_tasks: BackgroundTasks`"))
            }
        }
        for r in s.routes {
            requestObjects = requestObjectNames(r.params)
            let names = Set(r.params.map(\.name))
            checkRoots(r.returns?.roots ?? [], allowed: names, at: r.location, what: "`returns` of \(r.method) \(r.path)")
            checkRoots(r.requestState.flatMap(\.1.roots), allowed: names, at: r.location, what: "`request_state` of \(r.method) \(r.path)")
            checkRaises(r.raises, allowed: names)
            for c in r.addsTasks { checkTask(c, roots: names) }
            if let b = r.responseBackground { checkTask(b, roots: names) }
            if !r.addsTasks.isEmpty, !r.params.contains(where: { if case .backgroundTasks = $0.kind { return true }; return false }) {
                out.append(Diagnostic(location: r.location, rule: "background-tasks", message: "route \(r.method) \(r.path) adds tasks but takes no BackgroundTasks parameter",
                                      hint: "add a parameter such as `background_tasks: BackgroundTasks`"))
            }
            if let st = r.stream {
                checkUses(st.uses, at: r.location)
                for c in st.chunks { checkRoots(c.roots, allowed: names, at: r.location, what: "stream chunk") }
            }
        }
        for t in s.tasks { checkUses(t.uses, at: t.location) }
        out += WebSocketCheck.problems(s)
        let perRequest = s.requests.flatMap { r in (r.overrides ?? [:]).sorted { $0.key < $1.key }.map { Override(original: $0.key, replacement: $0.value, location: r.location) } }
        for o in s.overrides + perRequest {
            for name in [o.original, o.replacement] where s.provider(named: name) == nil {
                out.append(Diagnostic(location: o.location, rule: "unknown-provider", message: "dependency_overrides names unknown provider '\(name)'",
                                      hint: Suggest.hint(for: name, among: providerNames, kind: "providers")))
            }
        }
        return (out, shadows)
    }
}
