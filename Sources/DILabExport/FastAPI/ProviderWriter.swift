import DILab

/// Writes each provider as the Python a FastAPI user would write: a function, a generator with
/// try/except/finally, a class, a callable instance, an `@lru_cache` function or a security scheme.
struct ProviderWriter {
    let scenario: Scenario
    /// Parameters that close a dependency cycle: provider name → parameter names, patched after definition.
    let late: [String: Set<String>]
    /// The providers' names in the order they are written (where a shared instance class goes).
    var writtenOrder: [String] = []

    static func roots(_ p: Provider) -> Set<String> {
        var r: [String] = p.returns?.roots ?? []
        r += p.requestState.flatMap(\.1.roots)
        r += p.contextSets.flatMap(\.1.roots)
        func raises(_ specs: [RaiseSpec]) {
            for s in specs { r += (s.detail?.roots ?? []) + (s.message?.roots ?? []) + (s.when?.expr.roots ?? []) }
        }
        func tasks(_ calls: [TaskCall]) {
            for c in calls { r += c.args.flatMap(\.1.roots) + (c.when?.expr.roots ?? []) }
        }
        raises(p.raises)
        raises(p.cleanup.raises)
        tasks(p.addsTasks)
        tasks(p.cleanup.addsTasks)
        r += p.sets?.headers.flatMap(\.1.roots) ?? []
        for h in p.handlers {
            r += h.when?.expr.roots ?? []
            if case .raise(let s) = h.action { raises([s]) }
        }
        return Set(r)
    }

    func backgroundTasksParam(_ params: [Param], needed: Bool) -> (name: String, extra: Bool)? {
        if let p = params.first(where: { if case .backgroundTasks = $0.kind { return true } else { return false } }) { return (p.name, false) }
        return needed ? ("background_tasks", true) : nil
    }

    func write(_ p: Provider, into w: inout PythonWriter) {
        if let scheme = p.securityScheme {
            writeScheme(p, scheme, into: &w)
            return
        }
        w.line()
        w.line()
        if let doc = p.doc, !doc.isEmpty { w.line("# " + PythonSyntax.comment(doc)) }
        if let factory = p.factory { w.line("# stands for \(PythonSyntax.comment(factory)): FastAPI caches it by this callable, as it would the real one") }
        let needsTasks = !p.addsTasks.isEmpty || !p.cleanup.addsTasks.isEmpty
        let bt = backgroundTasksParam(p.params, needed: needsTasks)
        // Without `@functools.wraps` the loader gave the provider the wrapper's `args` and `kwargs`; the function itself takes none.
        let own = p.wrappedBy?.keepsWrapped == false ? [] : p.params
        let params = Signatures.list(own, late: late[p.name] ?? [], extraBackgroundTasks: bt?.extra == true ? bt?.name : nil)
        let def = p.isAsync ? "async def" : "def"
        switch p.form {
        case .classType:
            if let wrapped = p.wrappedBy { writeDecorator(wrapped.decorator, for: p, into: &w) }
            w.line("class \(p.name):")
            w.indented { w in
                w.line("\(def) __init__(self" + (params.isEmpty ? "" : ", " + params) + "):")
                w.indented { w in writeBody(p, subject: PythonSyntax.string(p.name), bt: bt?.name, isClass: true, into: &w) }
            }
        case .instance:
            let cls = instanceClassName(p)
            // `@noop_wrap def __call__`: the decorator is defined before the class whose method it decorates.
            if let wrapped = p.wrappedBy, wrapped.decoratesCall { writeDecorator(wrapped.decorator, for: p, applied: false, into: &w) }
            if writesClass(p) {
                writeInstanceClass(p, named: cls, into: &w)
                w.line()
                w.line()
            }
            let instance = "\(cls)(\(PythonSyntax.string(p.name)))"
            if let wrapped = p.wrappedBy, !wrapped.decoratesCall {
                // `noop_wrap(instance)`, as FastAPI's test_dependency_wrapped.py wraps a callable instance.
                w.line()
                w.line()
                writeDecorator(wrapped.decorator, for: p, applied: false, into: &w)
                w.line("\(p.name) = \(wrapped.decorator)(\(instance))")
            } else {
                w.line("\(p.name) = \(instance)")
            }
        case .function:
            if let wrapped = p.wrappedBy { writeDecorator(wrapped.decorator, for: p, into: &w) }
            if p.lruCache { w.line("@lru_cache") }
            // `-> Callable`: the dependency returns the task function, as seed 001's `get_notification_task` does.
            w.line("\(def) \(p.name)(\(params))" + (p.returnsTask != nil && !p.isGenerator ? " -> Callable" : "") + ":")
            w.indented { w in writeBody(p, subject: PythonSyntax.string(p.name), bt: bt?.name, isClass: false, into: &w) }
        }
    }

    /// What the provider hands over: its `returns:` template, or the task function itself (`returns_task:`).
    static func returned(_ p: Provider, _ syntax: PythonSyntax) -> String {
        if let task = p.returnsTask { return task }
        return p.returns.map(syntax.template) ?? "None"
    }

    func writeBody(_ p: Provider, subject: String, bt: String?, isClass: Bool, into w: inout PythonWriter) {
        let roots = Self.roots(p)
        var syntax = PythonSyntax.function(params: p.params.map(\.name))
        syntax.raiser = ("raise", subject)
        syntax.objects = PlainTemplates.objectParams(p.params, scenario)
        syntax.scalars = PythonSyntax.scalarParams(p.params)
        var body = Bodies(syntax: syntax, subject: subject, isAsync: p.isAsync, backgroundTasks: bt)
        body.responseSets = Bodies.responseSets(p.sets, p.params)
        body.requestState = Bodies.requestState(p.requestState, p.params)
        body.contextSets = p.contextSets
        let counter = subject
        let usesCall = syntax.reads(.call, in: roots)
        if p.isGenerator {
            writeGenerator(p, body: body, usesCall: usesCall, into: &w)
            return
        }
        body.holding(pool: p.acquires, into: &w) { w in
            body.opening(kind: "call", counter: counter, usesCall: usesCall, into: &w)
            guard !body.work(duration: p.duration, tasks: p.addsTasks, raising: p.raises, into: &w) else { return }
            if isClass {
                if case .object(let pairs)? = p.returns {
                    for (k, t) in pairs { w.line("self.\(k) = " + body.syntax.template(t)) }
                } else {
                    for param in p.params { w.line("self.\(param.name) = \(param.name)") }
                }
            } else {
                w.line("return " + Self.returned(p, body.syntax))
            }
        }
    }

    /// `try: yield` with the scenario's `except` blocks, `finally` as the exit event, then the success-path
    /// cleanup, which Python reaches only when nothing was raised at the `yield`.
    func writeGenerator(_ p: Provider, body: Bodies, usesCall: Bool, into w: inout PythonWriter) {
        body.holding(pool: p.acquires, into: &w) { w in
            body.opening(kind: "enter", counter: body.subject, usesCall: usesCall, into: &w)
            guard !body.work(duration: p.duration, tasks: p.addsTasks, raising: p.raises, into: &w) else {
                // Setup always raises: the `yield` is unreachable but keeps the function a generator, as the
                // scenario's `yield: true` says and FastAPI must see it (a plain function is run differently).
                w.line("yield  # never reached: the setup above always raises")
                return
            }
            writeYield(p, body: body, into: &w)
        }
    }

    /// From the `yield` on: the except blocks, `finally` (the exit event) and the success-path cleanup.
    func writeYield(_ p: Provider, body: Bodies, into out: inout PythonWriter) {
        // Written at `out`'s indentation into `w` first: `--plain` leaves out a `try` whose blocks would all be empty.
        var w = out.child()
        let yieldLine = "yield " + Self.returned(p, body.syntax)
        w.line("try:")
        w.indented { $0.line(yieldLine) }
        var inExcept = body
        let exc = PythonSyntax.freeName("exc", avoiding: body.syntax.locals)
        inExcept.syntax.roots["exc"] = "describe(\(exc))"
        var kept = 0
        for h in p.handlers {
            let plainReraise = ExportTracing.isOff && h.when == nil && { if case .reraise = h.action { return true }; return false }()
            if plainReraise { continue }  // `except X: raise` changes nothing once nothing is recorded
            kept += 1
            var block = w.child()
            block.indented { w in
                switch h.action {
                case .reraise:
                    break
                case .swallow:
                    let swallow = { (w: inout PythonWriter) in
                        w.line("record(\"catch\", \(body.subject), summary(\(exc)) + \" → swallowed\")")
                        w.line("return  # swallowed: the exception ends here")
                    }
                    if let when = h.when {
                        w.line("if \(inExcept.syntax.condition(when)):")
                        w.indented(swallow)
                    } else {
                        swallow(&w)
                    }
                case .raise(let spec):
                    let converted = spec.isHTTPException ? "HTTPException \(spec.status ?? 500)" : spec.exception
                    let convert = { (w: inout PythonWriter) in
                        w.line("record(\"catch\", \(body.subject), summary(\(exc)) + \(PythonSyntax.string(" → " + converted)))")
                        w.line("raise " + inExcept.exception(spec))
                    }
                    if let when = h.when {
                        w.line("if \(inExcept.syntax.condition(when)):")
                        w.indented(convert)
                    } else {
                        convert(&w)
                    }
                }
                if h.when != nil || { if case .reraise = h.action { return true } else { return false } }() {
                    w.line("record(\"catch\", \(body.subject), summary(\(exc)) + \" → re-raised\")")
                    w.line("raise")
                }
            }
            let bound = PythonNames.used(in: block.lines.joined(separator: "\n")).contains(exc)
            w.line("except \(h.catches)" + (bound ? " as \(exc):" : ":"))
            w.append(block)
        }
        var cleanup = w.child()
        cleanup.indented { w in
            w.line("record(\"exit\", \(body.subject))")
            body.pause(p.cleanup.duration, into: &w)
        }
        if !cleanup.lines.isEmpty {
            w.line("finally:")
            w.append(cleanup)
        }
        if kept == 0 && cleanup.lines.isEmpty {
            out.line(yieldLine)
        } else {
            out.append(w)
        }
        body.addTasks(p.cleanup.addsTasks, into: &out)
        body.raises(p.cleanup.raises, into: &out)
    }

    func writeScheme(_ p: Provider, _ scheme: SecurityScheme, into w: inout PythonWriter) {
        var args = [PythonSyntax.string(p.name)]
        let cls: String
        switch scheme.kind {
        case .httpBearer: cls = "HTTPBearer"
        case .oauth2PasswordBearer: cls = "OAuth2PasswordBearer"; args.append("tokenUrl=\"token\"")
        case .apiKeyHeader: cls = "APIKeyHeader"; args.append("name=\(PythonSyntax.string(scheme.headerName))")
        }
        if !scheme.autoError { args.append("auto_error=False") }
        w.line()
        if ExportTracing.isOff {
            w.line("\(p.name) = \(cls)(\(args.dropFirst().joined(separator: ", ")))")
        } else {
            w.line("\(p.name) = traced_scheme(\(cls))(\(args.joined(separator: ", ")))")
        }
    }

    /// Background task functions: start, duration, then fail or end.
    func writeTask(_ t: TaskDef, into w: inout PythonWriter) {
        var names = t.params
        for p in scenario.providers {
            for c in p.addsTasks + p.cleanup.addsTasks where c.task == t.name { names += c.args.map(\.0) }
        }
        for r in scenario.routes {
            for c in r.addsTasks + (r.responseBackground.map { [$0] } ?? []) where c.task == t.name { names += c.args.map(\.0) }
        }
        var unique: [String] = []
        for n in names where !unique.contains(n) { unique.append(n) }
        var syntax = PythonSyntax()
        syntax.locals = Set(unique)
        syntax.raiser = ("task.fail", PythonSyntax.string(t.name))
        var body = Bodies(syntax: syntax, subject: PythonSyntax.string(t.name), isAsync: t.isAsync, backgroundTasks: nil)
        body.contextSets = t.contextSets
        w.line()
        w.line()
        w.line("\(t.isAsync ? "async def" : "def") \(t.name)(\(unique.map { "\($0)=None" }.joined(separator: ", "))):")
        w.indented { w in
            w.line("record(\"task.start\", \(body.subject))")
            body.setContext(into: &w)
            body.pause(t.duration, into: &w)
            for spec in t.raises {
                let fail = ExportTracing.isOff ? "raise \(body.exception(spec))" : "raise task_failed(\(body.subject), \(body.exception(spec)))"
                if let when = spec.when {
                    w.line("if \(syntax.condition(when)):")
                    w.indented { $0.line(fail) }
                } else {
                    w.line(fail)
                    return
                }
            }
            w.line("record(\"task.end\", \(body.subject))")
        }
    }
}
