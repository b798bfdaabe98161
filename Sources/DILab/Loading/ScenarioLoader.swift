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
