import Yams
import Foundation

/// Turns scenario YAML into a `Scenario`, collecting every input error (with file:line:column) in one pass.
public enum ScenarioLoader {
    static let topKeys = ["scenario", "description", "fastapi", "providers", "tasks", "app", "routers", "routes",
                          "dependency_overrides", "requests", "expect", "expect_app_errors", "pools", "aliases", "rooms", "models", "middleware", "context_vars"]

    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticList([Diagnostic(location: SourceLocation(file: path, line: 0, column: 0), rule: "file",
                                             message: "cannot read \(path)", hint: "check the path; scenarios live under scenarios/")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let at = SourceLines.firstInvalidUTF8([UInt8](data)) ?? (line: 1, column: 1)
            // The snippet decodes leniently: the bad byte shows as U+FFFD, right above the caret.
            let lines = SourceLines.split(String(decoding: data, as: UTF8.self))
            throw DiagnosticList([Diagnostic(location: SourceLocation(file: path, line: at.line, column: at.column), rule: "file",
                                             message: "\(path) is not UTF-8 text: the first bad byte is here",
                                             hint: "save the file as UTF-8 (iconv -f latin1 -t utf-8, or your editor's encoding menu)",
                                             snippet: at.line <= lines.count ? String(lines[at.line - 1]) : nil)])
        }
        return try load(text: text, file: path)
    }

    /// Parses and checks the shape of the file, then the graph (names, cycles, scopes), reporting every
    /// input error of both passes at once. FastAPI's own refusals are left to `Validator.compile`.
    public static func load(text: String, file: String = "<input>") throws -> Scenario {
        let (scenario, problems) = try loadCollecting(text: text, file: file)
        guard problems.isEmpty else {
            // Graph problems of what did parse, minus names that may only be missing because their line was bad.
            let graph = Validator.inputProblems(scenario).filter { $0.rule != "unknown-name" }
            let all = (problems + graph).sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
            var seen: Set<String> = []
            throw DiagnosticList(all.filter { seen.insert("\($0.location)|\($0.rule)|\($0.message)|\($0.hint ?? "")").inserted })
        }
        return scenario
    }

    /// The scenario as far as it parsed, and the shape errors found. Throws only when there is no YAML document at all.
    public static func loadCollecting(text: String, file: String = "<input>") throws -> (Scenario, [Diagnostic]) {
        let context = LoadContext(file: file, text: text)
        func refuse(_ d: Diagnostic) -> DiagnosticList {
            var d = d
            if d.location.line >= 1, d.location.line <= context.lines.count { d.snippet = String(context.lines[d.location.line - 1]) }
            return DiagnosticList([d])
        }
        if let d = YAMLGuard.preScan(text, file: file) { throw refuse(d) }
        let root: SourceNode
        do {
            guard let node = try compose(text) else {
                throw DiagnosticList([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), rule: "yaml",
                                                 message: "the file is empty", hint: "start with `scenario: <title>` and a `routes:` list")])
            }
            root = try convert(node, text: text, refuse: { refuse($0) }, file: file)
        } catch let error as YamlError {
            throw DiagnosticList([yamlDiagnostic(error, file: file, context: context)])
        }
        let top = YNode(node: root, context: context)
        var scenario = Scenario(file: file)
        scenario.sourceText = text
        let pairs = top.mapping("the scenario", allowed: topKeys)
        if top.pairs != nil, top["routes"] == nil {
            top.error("a scenario needs a `routes:` list", hint: "add `routes:` with at least one `- GET /path: {returns: ...}`",
                      at: SourceLocation(file: file, line: 1, column: 1))
        }
        if let a = pairs.first(where: { $0.key == "aliases" }) { context.aliases = aliases(a.value) }
        scenario.aliases = context.aliases
        if let m = pairs.first(where: { $0.key == "models" }) {
            scenario.models = ModelReader.models(m.value)
            context.modelNames = Set(scenario.models.map(\.name))
        }
        for p in pairs {
            let v = p.value
            switch p.key {
            case "scenario": scenario.name = v.string("the scenario title") ?? ""
            case "description": scenario.description = v.string("the description") ?? ""
            case "fastapi":
                let raw = v.scalar ?? ""
                if let profile = Profile(name: raw) {
                    scenario.profile = profile
                    scenario.profileLocation = v.location
                } else {
                    v.error("unknown FastAPI profile '\(raw)'", rule: "profile",
                            hint: "use one of: " + Profile.allCases.map(\.rawValue).joined(separator: ", "))
                }
            case "providers":
                scenario.providers = v.mapping("providers").map { ProviderReader.provider(name: $0.key, node: $0.value, at: $0.keyNode.location) }
            case "tasks":
                scenario.tasks = v.mapping("tasks").map { TaskReader.task(name: $0.key, node: $0.value, at: $0.keyNode.location) }
            case "app": scenario.app = RouteReader.app(v)
            case "routers":
                scenario.routers = v.mapping("routers").map { RouteReader.router(name: $0.key, node: $0.value, at: $0.keyNode.location) }
            case "routes": scenario.routes = v.list().compactMap(RouteReader.route)
            case "dependency_overrides":
                scenario.overrides = v.mapping("dependency_overrides").compactMap { p in
                    guard p.keyNode.checkName(p.key, .global, what: "overridden provider"),
                          let replacement = p.value.string("the replacement provider"),
                          p.value.checkName(replacement, .global, what: "replacement provider") else { return nil }
                    return Override(original: p.key, replacement: replacement, location: p.keyNode.location)
                }
            case "pools":
                scenario.pools = v.mapping("pools").compactMap { p in
                    guard p.keyNode.checkName(p.key, .global, what: "pool name"), let size = p.value.int("the pool's size") else { return nil }
                    guard size >= 1 else {
                        p.value.error("a pool needs a size of at least 1", hint: "e.g. `pools: {db_pool: 10}`")
                        return nil
                    }
                    return Pool(name: p.key, size: size, location: p.keyNode.location)
                }
            case "requests":
                scenario.requests = v.list().enumerated().compactMap { RequestReader.request($1, index: $0) }
                // A websocket connection is two tasks: its endpoint and its client.
                let tasks = scenario.requests.count + scenario.requests.filter(\.isWebSocket).count
                if Engine.isConcurrent(scenario.requests), tasks > Engine.maxTimelineRequests {
                    v.error("\(scenario.requests.count) requests on one timeline: dilab runs each overlapping request (and each websocket client) as a task with its own thread, and takes at most \(Engine.maxTimelineRequests) tasks",
                            rule: "timeline-size", hint: "split the scenario, or drop at:/disconnect:/cancel: to simulate the requests one after another")
                }
            case "rooms":
                scenario.rooms = v.list().compactMap { r in
                    guard let name = r.string("a room name"), r.checkName(name, .global, what: "room") else { return nil }
                    return Room(name: name, location: r.location)
                }
            case "middleware": scenario.middleware = MiddlewareReader.middleware(v)
            case "context_vars": scenario.contextVars = ContextVarReader.declarations(v)
            case "expect": scenario.expectations = v.list().compactMap(RequestReader.expectation)
            case "expect_app_errors": scenario.expectedAppErrors = v.list().compactMap { $0.string("an expected app error") }
            default: break
            }
        }
        if scenario.name.isEmpty { scenario.name = (file as NSString).lastPathComponent }
        TaskFunctions.resolve(&scenario).forEach(context.report)
        PythonName.collisions(in: scenario).forEach(context.report)
        WrappedCallable.problems(in: scenario).forEach(context.report)
        WrappedEndpoint.problems(in: scenario).forEach(context.report)
        MiddlewareCheck.problems(in: scenario).forEach(context.report)
        ContextVarCheck.problems(in: scenario).forEach(context.report)
        return (scenario, context.diagnostics)
    }

    /// Yams' tree as the loader's `SourceNode`s, or the expansion diagnostic. Only a text with a `*` can hold an alias,
    /// so only then is the memoised `YAMLGuard.expansion` walk needed first (an alias bomb stops there at once);
    /// otherwise the conversion counts the budgets itself, and a tree over them is reported by the same walk.
    static func convert(_ node: Node, text: String, refuse: (Diagnostic) -> DiagnosticList, file: String) throws -> SourceNode {
        if text.utf8.contains(UInt8(ascii: "*")), let d = YAMLGuard.expansion(node, file: file) { throw refuse(d) }
        if let tree = SourceTree.convert(node) { return tree }
        if let d = YAMLGuard.expansion(node, file: file) { throw refuse(d) }
        // Over the count here but not by the memoised walk's: convert it all, as the loader walked it all before.
        return SourceTree.convert(node, bounded: false) ?? SourceNode(.alias, mark: nil)   // never nil unbounded
    }

    /// `Yams.compose` without compiling Yams' default resolver (seven ICU regexes, a third of a small `dilab run`'s
    /// start-up). The loader never reads a tag: it reads each scalar's text and style. Tags matter to Yams only when it
    /// compares mapping keys for duplicates, and there the no-rules resolver (every scalar a string) finds every
    /// duplicate the default one finds and more (`1` and `"1"`); so a file with a duplicate, or with an explicit
    /// `!tag`, is composed again with the default resolver, and its outcome and message are exactly as before.
    static func compose(_ text: String) throws -> Node? {
        if text.utf8.contains(UInt8(ascii: "!")) { return try Yams.compose(yaml: text) }
        do {
            return try Yams.compose(yaml: text, .basic)
        } catch YamlError.duplicatedKeysInMapping {
            return try Yams.compose(yaml: text)
        }
    }

    /// `aliases: {LimitedDB: "Annotated[Session, Depends(get_db, max_concurrency=1)]"}`: each a dependency.
    static func aliases(_ node: YNode) -> [String: DependsSpec] {
        var out: [String: DependsSpec] = [:]
        for p in node.mapping("aliases") {
            guard p.keyNode.checkName(p.key, .global, what: "alias name") else { continue }
            guard p.key.first?.isUppercase == true else {
                p.keyNode.error("an alias names a type: start it with a capital letter", hint: "e.g. `SessionDep: Annotated[Session, Depends(get_db)]`")
                continue
            }
            guard let param = PieceReader.param(name: "alias", node: p.value, at: p.keyNode.location) else { continue }
            guard case .depends(var spec) = param.kind else {
                p.value.error("an alias here is Annotated[T, Depends(...)] (or Security(...))", hint: "e.g. `SessionDep: Annotated[Session, Depends(get_db)]`")
                continue
            }
            spec.alias = p.key
            out[p.key] = spec
        }
        return out
    }

    static func yamlDiagnostic(_ error: YamlError, file: String, context: LoadContext) -> Diagnostic {
        func make(_ problem: String, _ mark: Mark, _ ctx: YamlError.Context?) -> Diagnostic {
            var message = "YAML syntax error: \(problem)"
            if let ctx { message += " (\(ctx.text) at line \(ctx.mark.line))" }
            // At the end of the file the problem position is an empty line: point at what was left open instead.
            var mark = mark
            if let ctx, mark.line > context.lines.count || (mark.line >= 1 && context.lines[mark.line - 1].trimmingCharacters(in: .whitespaces).isEmpty) {
                mark = ctx.mark
            }
            var d = Diagnostic(location: SourceLocation(file: file, line: mark.line, column: mark.column), rule: "yaml",
                               message: message, hint: "check indentation and that every `key:` has a space after the colon")
            if mark.line > 0, mark.line <= context.lines.count { d.snippet = String(context.lines[mark.line - 1]) }
            return d
        }
        switch error {
        case let .scanner(ctx, problem, mark, _), let .parser(ctx, problem, mark, _), let .composer(ctx, problem, mark, _):
            return make(problem, mark, ctx)
        case let .duplicatedKeysInMapping(duplicates, ctx):
            var d = make("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))", ctx.mark, nil)
            d.hint = "each key may appear once in a mapping; merge the two entries"
            return d
        default:
            return Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), rule: "yaml", message: "YAML error: \(error)")
        }
    }
}

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
