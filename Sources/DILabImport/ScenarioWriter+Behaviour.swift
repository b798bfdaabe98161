import DILab

/// What a callable does, from record mode: `returns:` (templated over its arguments), `raises:` with the
/// `when:` that tells the raising calls apart, `adds_tasks:`, a generator's `except:` and cleanup raise.
extension ScenarioWriter {
    /// The arguments as dilab's templates see them: the app's objects as their public fields.
    static func plain(_ v: Value) -> Value {
        switch v {
        case .object(let pairs):
            if pairs.count == 2, pairs[0].0 == "<object>" || pairs[0].0 == "<model>", pairs[1].0 == "fields" { return plain(pairs[1].1) }
            return .object(pairs.map { ($0.0, plain($0.1)) })
        case .array(let items): return .array(items.map(plain))
        default: return v
        }
    }

    /// The type name of an object record mode could not read as data (`{"<opaque>": "Request"}`), anywhere in
    /// the value; nil when the value is all data.
    static func opaqueType(in v: Value) -> String? {
        switch v {
        case .object(let pairs):
            if pairs.count == 1, pairs[0].0 == "<opaque>" { return pairs[0].1.stringValue ?? "?" }
            return pairs.lazy.compactMap { opaqueType(in: $0.1) }.first
        case .array(let items): return items.lazy.compactMap(opaqueType(in:)).first
        default: return nil
        }
    }

    /// The call's arguments, then dilab's built-ins in their `@` spelling (no parameter can shadow them):
    /// `@call` counts this callable's calls in the app's lifetime, `@request` numbers the request.
    func env(_ call: RecordedCall) -> [(String, Value)] {
        let ordinal = app.calls.filter { $0.callable == call.callable && $0.role == call.role && $0.index < call.index }.count + 1
        return call.args.map { (ParamName.safe($0.0), Self.plain($0.1)) }
            + [("@call", .int(ordinal)), ("@request", .int(call.request))]
    }

    mutating func writeBehaviour(_ id: Int, _ c: CallableInfo, indent: String, isHandler: Bool) {
        let cs = calls(of: id)
        let who = names[id]
        if cs.isEmpty {
            if c.form != .classType {
                line(indent + "returns: null  " + YAMLText.comment(requests.isEmpty
                    ? "PLACEHOLDER: what \(c.pythonName) returns (and raises:, duration:, adds_tasks: if it has them)"
                    : "PLACEHOLDER: no recorded request called \(c.pythonName)"))
            }
            return
        }
        if isHandler && cs.contains(where: { $0.chunks != nil }) {
            writeStream(cs, who: who, indent: indent)
        } else {
            writeReturns(cs, c, who: who, indent: indent)
        }
        writeRaises(cs, who: who, indent: indent)
        writeTasksAdded(cs, who: who, indent: indent)
        if c.isGenerator { writeExcept(cs, who: who, indent: indent) }
    }

    mutating func writeReturns(_ cs: [RecordedCall], _ c: CallableInfo, who: String, indent: String) {
        let returning = cs.filter { $0.returned != nil }
        guard !returning.isEmpty else { return }
        let samples = returning.map { TemplateInference.Sample(env: env($0), value: Self.plain($0.returned!)) }
        if c.form == .classType {
            // A class dependency's value is an object of its parameters unless its __init__ sets other fields.
            if samples.allSatisfy({ s in s.value == .object(s.env) }) { return }
        }
        if let bad = samples.lazy.compactMap({ Self.opaqueType(in: $0.value) }).first {
            unsupported("\(who) returns a \(bad) object (only data is modelled); written as null", indent: indent)
            line(indent + "returns: null")
            return
        }
        let (template, exact) = TemplateInference.infer(samples)
        line(indent + "returns: " + YAMLText.flow(template))
        if !exact {
            line(indent + YAMLText.comment("NOTE: \(who) returned values no single template reproduces; this is the first request's"))
            warn("\(who): the recorded return values differ in a way dilab cannot template; the first is written")
        }
    }

    mutating func raiseText(_ e: RecordedException, samples: [TemplateInference.Sample]) -> String? {
        if e.isHTTP {
            var fields = ["status: \(e.status ?? 500)"]
            let detail = TemplateInference.infer(samples.map { TemplateInference.Sample(env: $0.env, value: $0.value) }).template
            fields.append("detail: " + YAMLText.flow(detail))
            if !e.headers.isEmpty { fields.append("headers: " + YAMLText.flow(.object(e.headers.map { ($0.0, Value.string($0.1)) }))) }
            return fields.joined(separator: ", ")
        }
        if e.type == "WebSocketException", let code = e.code {
            // Its reason is text of its own, not a message: `raise WebSocketException(code=1008, reason=...)`.
            let reasons = samples.map { TemplateInference.Sample(env: $0.env, value: .string(e.reason ?? "")) }
            return "exception: WebSocketException, code: \(code), reason: " + YAMLText.flow(TemplateInference.infer(reasons).template)
        }
        guard PythonName.problem(e.type, as: .raisedException) == nil else { return nil }
        let message = TemplateInference.infer(samples).template
        return "exception: " + YAMLText.key(e.type) + ", message: " + YAMLText.flow(message)
    }

    static func summary(_ e: RecordedException) -> String { e.isHTTP ? "HTTPException \(e.status ?? 0)" : e.type }

    mutating func writeRaises(_ cs: [RecordedCall], who: String, indent: String) {
        var groups: [(RecordedException, [Int])] = []
        for (i, c) in cs.enumerated() {
            guard let e = c.raised else { continue }
            if let g = groups.firstIndex(where: { Self.summary($0.0) == Self.summary(e) }) { groups[g].1.append(i) } else { groups.append((e, [i])) }
        }
        guard !groups.isEmpty else { return }
        var entries: [String] = []
        for (e, indices) in groups {
            let raising = indices.map { cs[$0] }
            let others = cs.indices.filter { !indices.contains($0) }.map { cs[$0] }
            guard let when = ConditionInference.separate(yes: raising.map(env), no: others.map(env)) else {
                unsupported("\(who) raises \(Self.summary(e)) in some recorded calls and no single argument tells which", indent: indent)
                continue
            }
            let samples = raising.map { TemplateInference.Sample(env: env($0), value: $0.raised!.isHTTP ? ($0.raised!.detail ?? .null) : .string($0.raised!.message ?? "")) }
            guard var text = raiseText(e, samples: samples) else {
                unsupported("\(who) raises \(e.type), a name the export cannot use", indent: indent)
                continue
            }
            if !when.isEmpty { text += ", when: " + YAMLText.quoted(when) }
            entries.append("{" + text + "}")
        }
        guard !entries.isEmpty else { return }
        line(indent + "raises:")
        for e in entries { line(indent + "  - " + e) }
    }

    mutating func writeTasksAdded(_ cs: [RecordedCall], who: String, indent: String) {
        var order: [Int] = []
        for c in cs { for t in c.tasks where !order.contains(t.task) { order.append(t.task) } }
        guard !order.isEmpty else { return }
        var entries: [String] = []
        for task in order {
            let addingIdx = cs.indices.filter { cs[$0].tasks.contains { $0.task == task } }
            let adding = addingIdx.map { cs[$0] }
            if adding.contains(where: { $0.tasks.filter { $0.task == task }.count > 1 }) {
                unsupported("\(who) adds \(taskNames[task]) more than once in one call; only once is written", indent: indent)
            }
            let notAdding = cs.indices.filter { !addingIdx.contains($0) && cs[$0].raised == nil }.map { cs[$0] }
            guard let when = ConditionInference.separate(yes: adding.map(env), no: notAdding.map(env)) else {
                unsupported("\(who) adds \(taskNames[task]) in some recorded calls and no single argument tells which", indent: indent)
                continue
            }
            var fields = ["task: " + YAMLText.key(taskNames[task])]
            let argNames = adding[0].tasks.first { $0.task == task }!.args.map(\.0)
            var args: [(String, Value)] = []
            for name in argNames where PythonName.isIdentifier(name) {
                let samples = adding.map { c in
                    TemplateInference.Sample(env: env(c), value: Self.plain(c.tasks.first { $0.task == task }!.args.first { $0.0 == name }?.1 ?? .null))
                }
                args.append((name, TemplateInference.infer(samples).template))
            }
            if !args.isEmpty { fields.append("args: " + YAMLText.flow(.object(args))) }
            if !when.isEmpty { fields.append("when: " + YAMLText.quoted(when)) }
            entries.append("{" + fields.joined(separator: ", ") + "}")
        }
        guard !entries.isEmpty else { return }
        line(indent + "adds_tasks:")
        for e in entries { line(indent + "  - " + e) }
    }

    mutating func writeExcept(_ cs: [RecordedCall], who: String, indent: String) {
        var blocks: [String] = [], seen: Set<String> = []
        for c in cs {
            guard let thrown = c.thrown, let after = c.afterThrow else { continue }
            let caught = thrown.isHTTP ? "HTTPException" : thrown.type
            guard seen.insert(caught).inserted else { continue }
            guard PythonName.problem(caught, as: .caughtException) == nil else {
                unsupported("\(who) handles \(caught), a name the export cannot use", indent: indent)
                continue
            }
            switch after {
            case .reraise: continue  // the same as no except block: try/finally lets it pass
            case .swallow: blocks.append("{catch: \(YAMLText.key(caught)), then: swallow}")
            case .convert:
                guard let to = c.converted else { continue }
                let excEnv: Value = .object([("type", .string(caught)), ("status", thrown.status.map(Value.int) ?? .null),
                                             ("detail", thrown.detail ?? .null), ("message", .string(thrown.message ?? ""))])
                let sample = TemplateInference.Sample(env: env(c) + [("exc", excEnv)], value: to.isHTTP ? (to.detail ?? .null) : .string(to.message ?? ""))
                guard let text = raiseText(to, samples: [sample]) else {
                    unsupported("\(who) converts \(caught) into \(to.type), a name the export cannot use", indent: indent)
                    continue
                }
                blocks.append("{catch: \(YAMLText.key(caught)), raise: {\(text)}}")
            }
        }
        if !blocks.isEmpty {
            line(indent + "except:")
            for b in blocks { line(indent + "  - " + b) }
        }
        if let c = cs.first(where: { $0.cleanupRaised != nil }), let e = c.cleanupRaised {
            let sample = TemplateInference.Sample(env: env(c), value: e.isHTTP ? (e.detail ?? .null) : .string(e.message ?? ""))
            if let text = raiseText(e, samples: [sample]) {
                line(indent + "cleanup: {raises: {\(text)}}")
            } else {
                unsupported("\(who)'s cleanup raises \(e.type), a name the export cannot use", indent: indent)
            }
        }
    }
}
