import DILab

/// `middleware:` and `app: exception_handlers:` from what introspection found and record mode observed. A step is
/// written only when every recorded request agrees on it (a template that reproduces each value); anything else
/// (a middleware that raised, answered some requests only, or a pure ASGI class, whose code record mode cannot
/// watch) is a PLACEHOLDER or an UNSUPPORTED comment, and a warning.
extension ScenarioWriter {
    mutating func writeMiddleware() {
        let entries = app.middleware.filter { $0.kind != .dilabTrace }
        if app.middleware.contains(where: { $0.kind == .dilabTrace }) {
            line("")
            line(YAMLText.comment("dilab_trace.RequestIds is the recorder's own middleware (a traced dilab export), not the app's: left out."))
        }
        guard !entries.isEmpty else { return }
        let names = entries.map(\.name)
        line("")
        line("middleware:")
        for m in entries {
            if let why = m.unsupported {
                unsupported("middleware \(m.name): \(why)", indent: "  ")
                continue
            }
            guard PythonName.problem(m.name, as: .global) == nil, names.filter({ $0 == m.name }).count == 1 else {
                unsupported("middleware \(m.name): a name the export cannot use, or used twice", indent: "  ")
                continue
            }
            line("  - \(m.kind.rawValue): \(YAMLText.key(m.name))  " + YAMLText.comment(m.file.isEmpty ? "(no source)" : "\(m.file):\(m.line)"))
            let runs = app.middlewareRuns.filter { $0.middleware == m.name }
            guard m.kind == .http, !runs.isEmpty else {
                line("    " + YAMLText.comment("PLACEHOLDER: what \(m.name) does around the app is not introspected" + (m.kind == .asgi ? " (record mode cannot watch a pure ASGI middleware's code)" : "")))
                warn("middleware \(m.name) is written as one that only passes the request on: fill in its before:/after: steps")
                continue
            }
            writeSteps(m.name, runs)
        }
    }

    /// A template for one value per run (`{{@request}}` numbers the request), or nil when none reproduces them all.
    func stepTemplate(_ values: [(run: MiddlewareRun, value: Value)]) -> Value? {
        let samples = values.map { TemplateInference.Sample(env: [("@request", .int($0.run.request))], value: $0.value) }
        let (t, exact) = TemplateInference.infer(samples)
        return exact ? t : nil
    }

    /// `{name: template}` for keys every run wrote, or nil (with the reason) when the runs disagree.
    func agreedPairs(_ runs: [MiddlewareRun], _ pick: (MiddlewareRun) -> [(String, Value)]) -> (pairs: [(String, Value)], problem: String?) {
        guard let firstRun = runs.first else { return ([], nil) }
        let keys = pick(firstRun).map(\.0)
        guard runs.allSatisfy({ pick($0).map(\.0) == keys }) else { return ([], "it writes different names on different requests") }
        var out: [(String, Value)] = []
        for k in keys {
            if let opaque = runs.compactMap({ r in pick(r).first { $0.0 == k }.flatMap { Self.opaqueType(in: $0.1) } }).first {
                return ([], "it writes a \(opaque) object to \(k) (only data is modelled)")
            }
            guard let t = stepTemplate(runs.map { r in (r, pick(r).first { $0.0 == k }!.1) }) else {
                return ([], "no template reproduces what it wrote to \(k) on every request")
            }
            out.append((k, t))
        }
        return (out, nil)
    }

    /// The `when:` that tells the runs where something happened from the others, read off the request's query
    /// parameters or headers (a name missing from a request reads as None); "" when it always happened.
    func requestCondition(yes: [MiddlewareRun], no: [MiddlewareRun]) -> String? {
        let keys: (String) -> Set<String> = { part in
            Set((yes + no).flatMap { r in IntrospectionDecoding.pairs(r.requestEnv.first { $0.0 == part }?.1).map(\.0) })
        }
        let names = ["query_params": keys("query_params"), "headers": keys("headers")]
        func env(_ r: MiddlewareRun) -> [(String, Value)] {
            r.requestEnv.map { part, v in
                let present = IntrospectionDecoding.pairs(v)
                return (part, .object(names[part, default: []].sorted().map { k in (k, present.first { $0.0 == k }?.1 ?? .null) }))
            }
        }
        guard let cond = ConditionInference.separate(yes: yes.map(env), no: no.map(env)) else { return nil }
        return cond.isEmpty ? "" : "request." + cond
    }

    mutating func writeSteps(_ name: String, _ runs: [MiddlewareRun]) {
        // Its own raise; what call_next raised and it let pass, or caught and answered; and the plain runs.
        let raising = runs.filter { $0.raised != nil && $0.nextRaised == nil }
        let passed = runs.filter { $0.raised != nil && $0.nextRaised != nil }
        let caught = runs.filter(\.caught)
        let early = runs.filter { $0.raised == nil && !$0.calledNext }
        let through = runs.filter { $0.raised == nil && $0.calledNext && $0.nextRaised == nil }
        func refuse(_ why: String) { unsupported("middleware \(name): \(why); its steps are not imported", indent: "    ") }
        if passed.contains(where: { $0.raised != $0.nextRaised }) {
            return refuse("it raised another exception than the one call_next raised")
        }
        let excepts = exceptBlocks(caught: caught, passed: passed)
        if let p = excepts.problem { return refuse(p) }
        var before: [String] = []
        let state = agreedPairs(early + through + caught + passed, \.beforeState)
        if let p = state.problem { return refuse(p) }
        if !state.pairs.isEmpty { before.append("request_state: " + YAMLText.flow(.object(state.pairs))) }
        // One `raises:` entry per distinct exception, each with the `when:` that singles out its requests.
        var groups: [[MiddlewareRun]] = []
        for r in raising {
            if let i = groups.firstIndex(where: { $0[0].raised == r.raised }) { groups[i].append(r) } else { groups.append([r]) }
        }
        var raises: [String] = []
        for group in groups {
            let e = group[0].raised!
            guard group.allSatisfy({ !$0.calledNext }), e.isHTTP || group[0].raisedBuiltin else {
                return refuse("it raised after call_next, or an exception class of the app's own")
            }
            let others = runs.filter { r in !group.contains { $0.request == r.request } }
            guard let when = requestCondition(yes: group, no: others) else {
                return refuse("no one query parameter or header tells when it raises \(e.type)")
            }
            var fields = e.isHTTP
                ? ["status: \(e.status ?? 500)", "detail: " + YAMLText.flow(TemplateText.literal(e.detail ?? .null))]
                : ["exception: " + YAMLText.key(e.type), "message: " + YAMLText.flow(TemplateText.literal(.string(e.message ?? "")))]
            if !when.isEmpty { fields.append("when: " + YAMLText.quoted(when)) }
            raises.append("{" + fields.joined(separator: ", ") + "}")
        }
        if !raises.isEmpty { before.append("raises: [" + raises.joined(separator: ", ") + "]") }
        if let first = early.first {
            guard let body = first.body.flatMap(Value.parse(json:)), first.mediaType == "application/json",
                  early.allSatisfy({ $0.status == first.status && $0.body == first.body }) else {
                return refuse("it answers requests itself, not with one JSON response")
            }
            guard let when = requestCondition(yes: early, no: through + caught + passed) else {
                return refuse("no one query parameter or header tells when it answers itself")
            }
            var fields = ["status: \(first.status ?? 200)", "body: " + YAMLText.flow(TemplateText.literal(body))]
            if !when.isEmpty { fields.append("when: " + YAMLText.quoted(when)) }
            before.append("respond: {" + fields.joined(separator: ", ") + "}")
        }
        var after: [String] = []
        if !through.isEmpty {
            let state = agreedPairs(through, \.afterState)
            let added: (MiddlewareRun) -> [(String, Value)] = { r in
                r.headers.filter { h in !r.innerHeaders.contains { $0 == h } }.map { ($0.0, Value.string($0.1)) }
            }
            let headers = agreedPairs(through, added)
            if let p = state.problem ?? headers.problem { return refuse(p) }
            if !state.pairs.isEmpty { after.append("request_state: " + YAMLText.flow(.object(state.pairs))) }
            if !headers.pairs.isEmpty { after.append("headers: " + YAMLText.flow(.object(headers.pairs))) }
        }
        if !before.isEmpty { line("    before: {" + before.joined(separator: ", ") + "}") }
        if !after.isEmpty { line("    after: {" + after.joined(separator: ", ") + "}") }
        if !excepts.blocks.isEmpty {
            line("    except:")
            for b in excepts.blocks { line("      - " + b) }
        }
        line("    " + YAMLText.comment("recorded: request.state writes, raises, early answers, what it caught and response headers; durations are not"))
    }

    /// The `exception_handlers:` lines under `app:`, from the responses record mode saw each handler build; what
    /// cannot be written is an UNSUPPORTED comment, written at once (above `app:`).
    mutating func exceptionHandlerLines() -> [String] {
        var lines: [String] = []
        for h in app.exceptionHandlers {
            if let why = h.unsupported { unsupported(why); continue }
            guard PythonName.problem(h.exception, as: .caughtException) == nil else {
                unsupported("exception handler for \(h.exception): a name the export cannot use")
                continue
            }
            let where_ = YAMLText.comment(h.file.isEmpty ? "(no source)" : "\(h.handler), \(h.file):\(h.line)")
            let runs = app.handlerRuns.filter { $0.exception == h.exception }
            guard let first = runs.first else {
                lines.append("    " + YAMLText.key(h.exception) + ": {status: 500, body: null}  " + where_ + " PLACEHOLDER: its response")
                warn("exception handler for \(h.exception): its response is a placeholder (record a request that raises it)")
                continue
            }
            let bodies = runs.map { $0.body.flatMap(Value.parse(json:)) }
            let samples = zip(runs, bodies).compactMap { r, b in
                b.map { TemplateInference.Sample(env: [("exc", .object([("type", .string(r.exception)), ("message", .string(r.message))])),
                                                        ("@request", .int(r.request))], value: $0) }
            }
            let (body, exact) = TemplateInference.infer(samples)
            guard runs.allSatisfy({ $0.status == first.status && $0.mediaType == "application/json" }), samples.count == runs.count, exact else {
                unsupported("exception handler for \(h.exception): its responses are not one JSON response dilab can template")
                continue
            }
            lines.append("    " + YAMLText.key(h.exception) + ": {status: \(first.status), body: \(YAMLText.flow(body))}  " + where_)
        }
        return lines
    }
}
