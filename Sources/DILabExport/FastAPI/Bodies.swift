import DILab

/// The statements inside exported callables: pauses, added tasks, raises and the `record(...)` calls,
/// in the order the engine emits their events (so a real run and the simulation can be compared line by line).
struct Bodies {
    var syntax: PythonSyntax
    /// The Python expression naming the callable in events: a string literal, or `self.dilab_name`.
    var subject: String
    var isAsync: Bool
    /// The BackgroundTasks parameter in scope, for `adds_tasks`.
    var backgroundTasks: String?
    /// What the callable writes to its `response: Response` parameter (`sets:`), and that parameter's name.
    var responseSets: (sets: ResponseSets, param: String)? = nil
    /// `request.state.name = value` lines (`request_state:`), and the Request parameter's name.
    var requestState: (pairs: [(String, Template)], param: String)? = nil
    /// `var.set(value)` lines (`sets_context:`), the first thing the body does after its opening event.
    var contextSets: ContextSets = []

    /// `request_state:` for a callable's params, when it takes a Request.
    static func requestState(_ pairs: [(String, Template)], _ params: [Param]) -> (pairs: [(String, Template)], param: String)? {
        guard !pairs.isEmpty, let p = params.first(where: { if case .requestObject = $0.kind { return true }; return false }) else { return nil }
        return (pairs, p.name)
    }

    /// `sets:` for a callable's params, when it takes a Response.
    static func responseSets(_ sets: ResponseSets?, _ params: [Param]) -> (sets: ResponseSets, param: String)? {
        guard let sets, let p = params.first(where: { if case .responseObject = $0.kind { return true }; return false }) else { return nil }
        return (sets, p.name)
    }

    func pause(_ ms: Int, into w: inout PythonWriter) {
        guard ms > 0 else { return }
        if ExportTracing.isOff {
            let seconds = Self.seconds(ms)
            w.line(isAsync ? "await asyncio.sleep(\(seconds))  # stands for \(ms) ms of work" : "time.sleep(\(seconds))  # stands for \(ms) ms of work")
        } else {
            w.line(isAsync ? "await asleep_ms(\(ms))" : "sleep_ms(\(ms))")
        }
    }

    /// `await asleep_ms(ms)`, or for `--plain` `await asyncio.sleep(seconds)`.
    static func asyncPause(_ ms: Int) -> String {
        ExportTracing.isOff ? "await asyncio.sleep(\(seconds(ms)))" : "await asleep_ms(\(ms))"
    }

    /// 300 → "0.3", 1500 → "1.5", 5 → "0.005": milliseconds as a Python float literal of seconds.
    static func seconds(_ ms: Int) -> String {
        let whole = ms / 1000, frac = ms % 1000
        guard frac > 0 else { return "\(whole)" }
        var digits = String(frac)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// `HTTPException(status_code=..., detail=...)` or `ValueError("...")`.
    func exception(_ spec: RaiseSpec) -> String {
        if spec.isHTTPException {
            var args = ["status_code=\(spec.status ?? 500)"]
            if let d = spec.detail { args.append("detail=" + syntax.template(d)) }
            if !spec.headers.isEmpty {
                args.append("headers={" + spec.headers.map { PythonSyntax.string($0.0) + ": " + PythonSyntax.string($0.1) }.joined(separator: ", ") + "}")
            }
            return "HTTPException(\(args.joined(separator: ", ")))"
        }
        if spec.isWebSocketException {
            var args = ["code=\(spec.code ?? 1008)"]
            if let r = spec.reason { args.append("reason=" + syntax.textTemplate(r)) }
            return "WebSocketException(\(args.joined(separator: ", ")))"
        }
        return "\(spec.exception)(\(spec.message.map(syntax.textTemplate) ?? ""))"
    }

    func addTasks(_ calls: [TaskCall], into w: inout PythonWriter) {
        for call in calls {
            let args = call.args.map { "\($0.0)=" + syntax.template($0.1) }
            // `{{notifier}}`: the function the parameter holds (its dependency returns it); the trace names the real task.
            let add = "\(backgroundTasks ?? "background_tasks").add_task(" + ([call.viaParam ?? call.task] + args).joined(separator: ", ") + ")"
            if let when = call.when {
                w.line("if \(syntax.condition(when)):")
                w.indented { w in
                    w.line(add)
                    w.line("record(\"task.add\", \(PythonSyntax.string(call.task)))")
                }
            } else {
                w.line(add)
                w.line("record(\"task.add\", \(PythonSyntax.string(call.task)))")
            }
        }
    }

    /// The first raise whose condition holds wins, as in the engine. Returns true when one always raises.
    @discardableResult
    func raises(_ specs: [RaiseSpec], into w: inout PythonWriter) -> Bool {
        for spec in specs {
            let statement = ExportTracing.isOff ? "raise \(exception(spec))" : "raise traced(\(subject), \(exception(spec)))"
            guard let when = spec.when else {
                w.line(statement)
                return true
            }
            w.line("if \(syntax.condition(when)):")
            w.indented { $0.line(statement) }
        }
        return false
    }

    /// Shared by plain functions, class initialisers and generators up to their `yield`.
    func prologue(kind: String, counter: String, usesCall: Bool, duration: Int, tasks: [TaskCall], raising: [RaiseSpec],
                  into w: inout PythonWriter) -> Bool {
        opening(kind: kind, counter: counter, usesCall: usesCall, into: &w)
        return work(duration: duration, tasks: tasks, raising: raising, into: &w)
    }

    /// The body's first lines: the `{{call}}` counter and the event saying the body runs.
    func opening(kind: String, counter: String, usesCall: Bool, into w: inout PythonWriter) {
        if usesCall, ExportTracing.isOff {
            w.line("CALLS[\(counter)] += 1")
            w.line("\(syntax.roots["call"] ?? "call") = CALLS[\(counter)]")
        } else if usesCall {
            w.line("\(syntax.roots["call"] ?? "call") = count(\(counter))")
        }
        w.line("record(\"\(kind)\", \(subject))")
        setContext(into: &w)
    }

    /// `request_id_var.set(...)`: the variable is a module-level name checked at load, the value a template.
    func setContext(into w: inout PythonWriter) {
        for (name, value) in contextSets { w.line("\(name).set(" + syntax.template(value) + ")") }
    }

    /// What the body does after its opening: its duration, the tasks it adds, its raises.
    func work(duration: Int, tasks: [TaskCall], raising: [RaiseSpec], into w: inout PythonWriter) -> Bool {
        pause(duration, into: &w)
        if let (sets, param) = responseSets {
            // Names and values were checked at load (HTTP tokens; visible ASCII or {{call}}; cookie-safe text).
            for (name, value) in sets.headers { w.line("\(param).headers[\(PythonSyntax.string(name))] = " + syntax.textTemplate(value)) }
            for (name, value) in sets.cookies { w.line("\(param).set_cookie(\(PythonSyntax.string(name)), \(PythonSyntax.string(value)))") }
            if let status = sets.status { w.line("\(param).status_code = \(status)") }
        }
        if let (pairs, param) = requestState {
            // Attribute names were checked at load (Python identifiers); values are data.
            for (name, value) in pairs { w.line("\(param).state.\(name) = " + syntax.template(value)) }
        }
        addTasks(tasks, into: &w)
        return raises(raising, into: &w)
    }

    /// `async with db_pool.connection():` (a sync body: `with`, so its worker thread waits): one unit of the
    /// scenario's pool for the whole body, taken first and given back when the block ends, however it ends.
    func holding(pool: String?, into w: inout PythonWriter, _ body: (inout PythonWriter) -> Void) {
        guard let pool else { return body(&w) }
        if ExportTracing.isOff {
            w.line("\(isAsync ? "async with" : "with") \(pool):  # one of the pool's connections while the body runs")
            return w.indented(body)
        }
        w.line("\(isAsync ? "async with" : "with") \(pool).connection():")
        w.indented(body)
    }
}
