/// Seed 001's pattern: a dependency that returns the task function (`returns_task: send_email`) and a handler that
/// queues whatever it was given (`adds_tasks: [{task: "{{email_service}}", args: {...}}]`). The task is resolved
/// when the scenario is loaded, through the parameter's `Depends(...)`, so the engine and the trace see the real
/// task by name; an override of that dependency could hand over another function, which is refused by name.
enum TaskFunctions {
    /// A task call's name as written: `send_email`, or `{{param}}` for the function a parameter holds.
    static func call(_ written: String, location: SourceLocation) -> TaskCall {
        var call = TaskCall(task: written, location: location)
        let t = written.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("{{"), t.hasSuffix("}}"), t.count > 4 {
            let inner = String(t.dropFirst(2).dropLast(2)).trimmingCharacters(in: .whitespaces)
            if PythonName.isIdentifier(inner) { call.viaParam = inner }
        }
        return call
    }

    /// Resolves every `{{param}}` task of the scenario's handlers and providers; the diagnostics for the ones that cannot be.
    static func resolve(_ s: inout Scenario) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let overridden = Set(s.overrides.map(\.original) + s.requests.flatMap { ($0.overrides ?? [:]).keys })
        let before = s  // read while `s.providers` is being changed in place
        func resolved(_ calls: [TaskCall], _ params: [Param]) -> [TaskCall] {
            calls.map { call in
                guard let name = call.viaParam else { return call }
                var out = call
                guard let spec = params.first(where: { $0.name == name })?.depends, let provider = before.provider(named: spec.provider),
                      let task = provider.returnsTask else {
                    problems.append(Diagnostic(location: call.location, rule: "task-function",
                                               message: "'{{\(name)}}' is no parameter holding a task function",
                                               hint: "name a parameter `\(name): Depends(p)` whose provider p has `returns_task: <task>`"))
                    return out
                }
                if overridden.contains(provider.name) {
                    problems.append(Diagnostic(location: call.location, rule: "task-function",
                                               message: "a task function from an overridden dependency ('\(provider.name)') is not modelled",
                                               hint: "the override could return another function; queue the task by name instead"))
                }
                out.task = task
                return out
            }
        }
        func viaParam(_ calls: [TaskCall]) -> Bool { calls.contains { $0.viaParam != nil } }
        for i in s.routes.indices where viaParam(s.routes[i].addsTasks) {
            s.routes[i].addsTasks = resolved(s.routes[i].addsTasks, s.routes[i].params)
        }
        s.updateProviders { providers in
            for i in providers.indices where viaParam(providers[i].addsTasks) || viaParam(providers[i].cleanup.addsTasks) {
                providers[i].addsTasks = resolved(providers[i].addsTasks, providers[i].params)
                providers[i].cleanup.addsTasks = resolved(providers[i].cleanup.addsTasks, providers[i].params)
            }
        }
        return problems
    }
}
