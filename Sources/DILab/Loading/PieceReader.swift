import Foundation

/// Reads `params:`, `dependencies:`, raises, task calls: the pieces providers, routes and routers share.
enum PieceReader {
    static func params(_ node: YNode?) -> [Param] {
        guard let node else { return [] }
        let pairs = node.mapping("params")
        var out: [Param] = []
        // Computed once: asking for it per parameter made a 10,000-parameter route quadratic.
        let texts: [(key: String, value: String?)] = pairs.map { (key: $0.key, value: $0.value.isQuoted || $0.value.isNull ? nil : $0.value.scalar) }
        var i = 0
        while i < pairs.count {
            // `{tx: Depends(get_tx, scope="function")}`: YAML ends the value at the comma; one error, not two.
            if let split = ParamParser.flowSplit(texts, at: i) {
                pairs[i].value.error("YAML split this at the comma: quote the whole value", rule: "yaml",
                                     hint: "write `\(pairs[i].key): \"\(split.joined.replacingOccurrences(of: "\"", with: "'"))\"`")
                i = split.next
                continue
            }
            if let p = param(name: pairs[i].key, node: pairs[i].value, at: pairs[i].keyNode.location) { out.append(p) }
            i += 1
        }
        return out
    }

    static func param(name: String, node: YNode, at location: SourceLocation) -> Param? {
        guard node.checkName(name, .parameter, what: "parameter name", at: location) else { return nil }
        if node.pairs != nil { return mapParam(name: name, node: node, at: location) }
        guard let text = node.scalar, !node.isNull else {
            node.error("parameter '\(name)' needs a type or Depends(...)", hint: "e.g. `\(name): int` or `\(name): Depends(get_db)`")
            return nil
        }
        do {
            var kind = try ParamParser.parse(text, aliases: node.context.aliases, models: node.context.modelNames)
            if case .depends(let d) = kind, d.alias != nil { return Param(name: name, kind: kind, location: location) }
            if case .depends(var d) = kind {
                d.location = node.location.offset(by: d.location.column + (node.isQuoted ? 1 : 0))
                if let s = d.scopeLocation { d.scopeLocation = node.location.offset(by: s.column + (node.isQuoted ? 1 : 0)) }
                if let s = d.maxConcurrencyLocation { d.maxConcurrencyLocation = node.location.offset(by: s.column + (node.isQuoted ? 1 : 0)) }
                if d.provider.isEmpty {
                    node.error("Depends() needs a provider here", hint: "write Depends(provider_name) or `ClassName = Depends()`")
                    return nil
                }
                guard node.checkName(d.provider, .global, what: "dependency", at: d.location) else { return nil }
                kind = .depends(d)
            }
            return Param(name: name, kind: kind, location: location)
        } catch let f as ParamParser.Failure {
            node.error("bad parameter '\(name)': \(f.message)", rule: "param",
                       hint: f.hint ?? "examples: int, str = 'x', str = Header(), Depends(get_db), Security(get_user, scopes=[\"me\"])",
                       at: node.location.offset(by: f.offset + (node.isQuoted ? 1 : 0)))
            return nil
        } catch {
            return nil
        }
    }

    /// The long form: `{depends: get_db, use_cache: false}`, `{in: header, type: str, default: x}`.
    static func mapParam(name: String, node: YNode, at location: SourceLocation) -> Param? {
        let pairs = node.mapping("parameter '\(name)'", allowed: ["depends", "security", "use_cache", "scope", "scopes", "max_concurrency", "in", "type", "default", "alias", "optional"])
        func get(_ k: String) -> YNode? { pairs.first { $0.key == k }?.value }
        if let dep = get("depends") ?? get("security") {
            guard let provider = dep.string("the provider"), dep.checkName(provider, .global, what: "dependency") else { return nil }
            var spec = DependsSpec(provider: provider, isSecurity: get("security") != nil, location: dep.location)
            if let u = get("use_cache") { spec.useCache = u.bool("use_cache") ?? true }
            if let s = get("scope") { spec.scope = s.string("scope"); spec.scopeLocation = s.location }
            if let s = get("scopes") { spec.scopes = s.list().compactMap { $0.string("a scope") } }
            if let m = get("max_concurrency") {
                spec.maxConcurrencyLocation = m.location
                let raw = m.scalar ?? ""
                spec.maxConcurrency = Int(raw).map { $0 >= 1 ? .limit($0) : .invalid(raw) } ?? .invalid(raw)
            }
            return Param(name: name, kind: .depends(spec), location: location)
        }
        var rp = RequestParam()
        if let src = get("in") {
            let raw = src.scalar ?? ""
            if let s = RequestParam.Source(rawValue: raw), s != .inferred { rp.source = s } else {
                src.error("unknown parameter source '\(raw)'", hint: "use path, query, header, cookie or body")
            }
        }
        if let t = get("type") {
            let raw = t.scalar ?? ""
            // `type: EmailStr` is validated by email-validator, as the signature form `email: EmailStr` is.
            if raw == "EmailStr" { rp.fieldType = .email }
            if let vt = ParamParser.knownTypes[raw] { rp.type = vt } else {
                t.error("unknown type '\(raw)'", hint: Suggest.hint(for: raw, among: ParamParser.knownTypes.keys.sorted(), kind: "types"))
            }
        }
        if let d = get("default") { rp.defaultValue = d.value; if d.isNull { rp.optional = true } }
        if let a = get("alias") { rp.alias = a.string("alias") }
        if let o = get("optional") { rp.optional = o.bool("optional") ?? false }
        return Param(name: name, kind: .request(rp), location: location)
    }

    static func dependencies(_ node: YNode?) -> [DependsSpec] {
        guard let node else { return [] }
        return node.list().compactMap { item in
            if item.pairs != nil {
                guard case .depends(let d)? = mapParam(name: "_", node: item, at: item.location)?.kind else {
                    item.error("expected a dependency", hint: "e.g. `- verify_token` or `- Depends(verify_key)`")
                    return nil
                }
                return d
            }
            guard let text = item.string("a dependency") else { return nil }
            do {
                var spec = try ParamParser.parseDependency(text)
                spec.location = item.location.offset(by: spec.location.column + (item.isQuoted ? 1 : 0))
                if let s = spec.scopeLocation { spec.scopeLocation = item.location.offset(by: s.column + (item.isQuoted ? 1 : 0)) }
                if let s = spec.maxConcurrencyLocation { spec.maxConcurrencyLocation = item.location.offset(by: s.column + (item.isQuoted ? 1 : 0)) }
                return item.checkName(spec.provider, .global, what: "dependency", at: spec.location) ? spec : nil
            } catch let f as ParamParser.Failure {
                item.error("bad dependency: \(f.message)", rule: "param", hint: f.hint, at: item.location.offset(by: f.offset))
                return nil
            } catch {
                return nil
            }
        }
    }

    static let raiseKeys = ["status", "detail", "exception", "message", "when", "headers"]

    static func raises(_ node: YNode?) -> [RaiseSpec] {
        guard let node else { return [] }
        return node.list().compactMap(raise)
    }

    static func raise(_ node: YNode) -> RaiseSpec? {
        if let name = node.scalar, !node.isNull {
            // `raises: ValueError` shorthand.
            guard node.checkName(name, .raisedException, what: "exception type") else { return nil }
            return RaiseSpec(exception: name, message: .value(.string("")), location: node.location)
        }
        if node["exception"]?.scalar == "WebSocketException" { return WebSocketReader.raise(node) }
        let pairs = node.mapping("an exception", allowed: raiseKeys)
        func get(_ k: String) -> YNode? { pairs.first { $0.key == k }?.value }
        var spec = RaiseSpec(location: node.location)
        if let e = get("exception") {
            spec.exception = e.string("the exception type") ?? "Exception"
            guard e.checkName(spec.exception, .raisedException, what: "exception type") else { return nil }
        }
        if let s = get("status") { spec.status = s.statusCode("the status code") }
        if spec.isHTTPException, spec.status == nil, get("exception") == nil, get("status") == nil {
            node.error("an exception needs `status:` (for HTTPException) or `exception:` (a type name)",
                       hint: "e.g. {status: 404, detail: Not found} or {exception: ValueError, message: boom}")
            return nil
        }
        if spec.isHTTPException, spec.status == nil { spec.status = 500 }
        if let d = get("detail") { spec.detail = d.template("the detail") }
        if let m = get("message") { spec.message = m.template("the message") }
        if let w = get("when") { spec.when = w.condition("when") }
        if let h = get("headers") { spec.headers = h.mapping("headers").map { ($0.key, $0.value.scalar ?? "") } }
        return spec
    }

    static func taskCalls(_ node: YNode?) -> [TaskCall] {
        guard let node else { return [] }
        return node.list().compactMap(taskCall)
    }

    static func taskCall(_ node: YNode) -> TaskCall? {
        if let name = node.scalar, !node.isNull { return TaskFunctions.call(name, location: node.location) }
        let pairs = node.mapping("a task call")
        if let t = pairs.first(where: { $0.key == "task" }) {
            var call = TaskFunctions.call(t.value.string("the task name") ?? "", location: t.value.location)
            for p in pairs where p.key != "task" {
                switch p.key {
                case "args": call.args = args(p.value.mapping("args"))
                case "when": call.when = p.value.condition("when")
                default: p.keyNode.error("unknown key '\(p.key)' in a task call", hint: "a task call has task, args and when")
                }
            }
            return call
        }
        guard pairs.count == 1, let only = pairs.first else {
            node.error("expected a task name or {task: name, args: {...}}")
            return nil
        }
        return TaskCall(task: only.key, args: args(only.value.mapping("the task's arguments")), location: only.keyNode.location)
    }

    /// A task call's keyword arguments: each key becomes `key=` in Python, so it must be a parameter name.
    static func args(_ pairs: [(key: String, keyNode: YNode, value: YNode)]) -> [(String, Template)] {
        pairs.compactMap { a in
            guard a.keyNode.checkName(a.key, .parameter, what: "task argument") else { return nil }
            return a.value.template("an argument").map { (a.key, $0) }
        }
    }

    static func bool(_ node: YNode?, _ what: String) -> Bool? { node?.bool(what) }
}
