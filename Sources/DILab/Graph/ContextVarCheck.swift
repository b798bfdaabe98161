/// What the loader refuses about context variables once the whole scenario is read: a `sets_context:` or a
/// `.get()` naming no declared `context_vars:` entry, and a read or a set where dilab does not model the context
/// the code runs in (a stream's body, a lifespan step, an exception handler, a websocket route's own body).
public enum ContextVarCheck {
    public static func problems(in s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let declared = s.contextVars.map(\.name)
        func report(_ at: SourceLocation, _ message: String, _ hint: String) {
            out.append(Diagnostic(location: at, rule: "context-var", message: message, hint: hint))
        }
        func check(_ names: [String], at: SourceLocation, in owner: String) {
            for n in names where !declared.contains(n) {
                report(at, "\(owner) uses '\(n)', which is not a declared context variable",
                       declared.isEmpty ? "declare it: `context_vars: {\(n): {}}` (see docs/scenario-format.md#context-variables-context_vars)"
                                        : Suggest.hint(for: n, among: declared, kind: "context_vars"))
            }
        }
        func reads(_ templates: [Template?], _ conditions: [Condition?]) -> [String] {
            templates.compactMap { $0 }.flatMap(\.contextReads) + conditions.compactMap { $0 }.flatMap(\.expr.contextReads)
        }
        func raiseReads(_ specs: [RaiseSpec]) -> [String] {
            reads(specs.flatMap { [$0.detail, $0.message, $0.reason] }, specs.map(\.when))
        }
        func taskReads(_ calls: [TaskCall]) -> [String] {
            reads(calls.flatMap { $0.args.map(\.1) }, calls.map(\.when))
        }
        for p in s.providers {
            var names = p.contextSets.map(\.0) + reads([p.returns] + p.contextSets.map(\.1) + p.requestState.map(\.1), [])
            names += raiseReads(p.raises + p.cleanup.raises) + taskReads(p.addsTasks + p.cleanup.addsTasks)
            for h in p.handlers {
                names += reads([], [h.when])
                if case .raise(let r) = h.action { names += raiseReads([r]) }
            }
            check(names, at: p.location, in: "provider '\(p.name)'")
        }
        for r in s.routes {
            var names = r.contextSets.map(\.0) + reads([r.returns] + r.contextSets.map(\.1) + r.requestState.map(\.1), [])
            names += raiseReads(r.raises) + taskReads(r.addsTasks + [r.responseBackground].compactMap { $0 })
            check(names, at: r.location, in: "route '\(r.method) \(r.path)'")
            if r.webSocket != nil, !s.contextVars.isEmpty {
                // Not probed: how a websocket connection's task and its dependencies scope a context is left unmodelled.
                report(r.location, "context variables in an app with websocket routes are not modelled",
                       "put the websocket route in a scenario of its own, without `context_vars:`")
            }
            if let stream = r.stream, !reads(stream.chunks, []).isEmpty {
                report(r.location, "a stream chunk reads a context variable: not modelled (StreamingResponse iterates its body in a task of its own)",
                       "read the variable in the handler and put it in the chunk through a parameter")
            }
        }
        for t in s.tasks {
            check(t.contextSets.map(\.0) + reads(t.contextSets.map(\.1), []) + raiseReads(t.raises), at: t.location, in: "task '\(t.name)'")
        }
        for m in s.middleware {
            for step in [m.before, m.after] {
                var names = step.contextSets.map(\.0) + reads(step.contextSets.map(\.1) + step.requestState.map(\.1) + step.headers.map(\.1), [])
                names += raiseReads(step.raises) + reads([step.respond?.body], [step.respond?.when])
                check(names, at: m.location, in: "middleware '\(m.name)'")
            }
            check(reads(m.startHeaders.map(\.1) + m.handlers.map(\.body), []), at: m.location, in: "middleware '\(m.name)'")
        }
        for h in s.app.exceptionHandlers where !h.body.contextReads.isEmpty {
            report(h.location, "an exception handler's body reads a context variable: not modelled", "read it in the callable that raises, into the exception's detail")
        }
        let lifespans = [s.app.lifespan].compactMap { $0 } + s.routers.compactMap(\.lifespan)
        for step in lifespans.flatMap({ $0.startup + $0.shutdown }) where step.sets.contains(where: { !$0.1.contextReads.isEmpty }) {
            report(s.contextVars.first?.location ?? .unknown, "lifespan step '\(step.name)' reads a context variable: not modelled (the lifespan runs in a task of its own, never a request's)",
                   "read it in a dependency")
        }
        return out
    }
}
