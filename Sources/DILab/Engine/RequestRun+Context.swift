/// Context variables as asyncio and AnyIO scope them, observed on all four profiles (docs/beyond-the-spec.md,
/// "Context variables, modelled"):
/// - the request runs in one asyncio task; `async def` code runs in it, so what it sets is seen by everything after
///   it in that task (later dependencies, the handler, background tasks, cleanup);
/// - sync code runs in AnyIO's threadpool inside a *copy* of the task's context: it sees what was set before, and
///   what it sets dies with the copy (a sync generator's cleanup runs in a fresh copy, so not even it sees its setup's);
/// - a BaseHTTPMiddleware's `call_next` runs the app below in a new task, a copy made at that moment: the code
///   after `call_next` sees only its own task's values; a pure ASGI middleware runs in its caller's task.
struct RequestContexts {
    /// The declared variables (empty: the scenario has none, and templates get no context at all).
    var declared: [ContextVarDecl] = []
    /// One context per asyncio task of the request, `[0]` the request's own; each maps a variable to its value.
    var tasks: [[String: Value]] = [[:]]
    var current = 0
    /// A sync callable's copy while its body runs, once it has set something.
    var local: [String: Value]?
    /// The task each middleware layer's code runs in, outermost first.
    var layerTask: [Int] = []

    var visible: [String: Value] { local ?? tasks[current] }

    /// The template environment's view: every declared variable with its label, default and visible value.
    var value: Value {
        let seen = visible
        return .object(declared.map { d in
            var fields: [(String, Value)] = [("label", .string(d.label))]
            if let v = d.defaultValue { fields.append(("default", v)) }
            if let v = seen[d.name] { fields.append(("value", v)) }
            return (d.name, .object(fields))
        })
    }

    /// `call_next`: the app below runs in a new task whose context is a copy of this one.
    mutating func spawn() {
        tasks.append(tasks[current])
        current = tasks.count - 1
    }
}

extension RequestRun {
    /// `var.set(value)` for each pair, the first thing in a callable's body: an async callable writes its task's
    /// context; a sync one its own copy, which only its own later templates see. Returns the body's environment.
    func setContext(_ sets: ContextSets, env: TemplateEnv, async isAsync: Bool, by owner: String, depth: Int) throws(PyError) -> TemplateEnv {
        guard !sets.isEmpty else { return env }
        var env = env
        if !isAsync, contexts.local == nil { contexts.local = contexts.tasks[contexts.current] }
        for (name, template) in sets {
            let v = try render(template, env, by: owner, depth: depth)
            if isAsync { contexts.tasks[contexts.current][name] = v } else { contexts.local?[name] = v }
            env[ContextVarDecl.envKey] = contexts.value
        }
        return env
    }

    /// The sync callable's copy of the context is gone once its body has returned or raised.
    func dropLocalContext() { contexts.local = nil }

    /// The environment's context as code running now sees it (a cleanup, a task, a layer's code after call_next).
    func withContext(_ env: consuming TemplateEnv) -> TemplateEnv {
        guard !contexts.declared.isEmpty else { return env }
        env[ContextVarDecl.envKey] = contexts.value
        return env
    }

    /// Runs a middleware layer's code in the task it belongs to, then goes back to the task running now.
    func inLayerTask<T>(_ layer: Int, _ body: () -> T) -> T {
        guard layer < contexts.layerTask.count else { return body() }
        let saved = contexts.current
        contexts.current = contexts.layerTask[layer]
        defer { contexts.current = saved }
        return body()
    }
}
