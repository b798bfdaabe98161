import DILab

/// The scenario YAML for an introspected (and possibly recorded) app. Structure comes from the app's
/// Dependants; values come from record mode, or are placeholders marked `PLACEHOLDER`. Whatever dilab cannot
/// model is a comment in the file and a warning, never dropped silently.
public struct ScenarioWriter {
    public var app: IntrospectedApp
    public var sourceFile: String
    public var profile: Profile
    /// The requests as the user gave them (a line of `requests:`), in order; empty without record mode.
    public var requests: [RecordRequest]
    public private(set) var warnings: [String] = []

    var names = ImportNames()
    var taskNames = ImportNames()
    var out: [String] = []

    public init(app: IntrospectedApp, sourceFile: String, profile: Profile, requests: [RecordRequest]) {
        self.app = app
        self.sourceFile = sourceFile
        self.profile = profile
        self.requests = requests
    }

    public mutating func write() -> String {
        let handlers = Set(app.routes.map(\.handler))
        for id in app.callableOrder where !handlers.contains(id) { names.assign(id, app.callables[id]!.pythonName) }
        for id in app.callableOrder where handlers.contains(id) { names.assign(id, app.callables[id]!.pythonName) }
        for id in app.taskOrder { taskNames.assign(id, app.tasks[id]!.pythonName) }
        for (from, to) in names.renamed + taskNames.renamed { warn("'\(from)' is written as '\(to)' (a name the export reserves, or taken)") }

        line(YAMLText.comment("Imported by `dilab import` from \(sourceFile) (module \(app.module), FastAPI \(app.fastapiVersion), Python \(app.pythonVersion))."))
        if requests.isEmpty {
            line("# Values marked PLACEHOLDER are what introspection cannot know (return values, raises, durations, tasks):")
            line("# fill them in, or import again with --record 'GET /path' to take them from real requests.")
        } else {
            line("# returns, raises, tasks and expect: were recorded from the requests below under real FastAPI; durations were not.")
        }
        line("scenario: " + YAMLText.quoted("Imported from " + sourceFile))
        line("fastapi: " + YAMLText.quoted(profile.rawValue))
        for u in app.unsupported { unsupported("\(u.where): \(u.what)") }
        writeModels()
        writeProviders()
        writeTasks()
        writeApp()
        writeMiddleware()
        writeRoutes()
        writeOverrides()
        writeRequests()
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - pieces

    mutating func line(_ s: String) { out.append(s) }

    mutating func warn(_ s: String) { warnings.append(s) }

    /// A construct dilab cannot model: a comment where it would be, and a warning.
    mutating func unsupported(_ s: String, indent: String = "") {
        line(indent + YAMLText.comment("UNSUPPORTED: " + s))
        warn("not imported: " + s)
    }

    func location(_ c: CallableInfo) -> String {
        YAMLText.comment(c.file.isEmpty ? "(no source)" : "\(c.file):\(c.line)")
    }

    var dependencyIds: [Int] {
        let handlers = Set(app.routes.map(\.handler))
        return app.callableOrder.filter { !handlers.contains($0) }
    }

    func calls(of id: Int) -> [RecordedCall] { app.calls.filter { $0.callable == id && $0.role != .task } }

    mutating func writeProviders() {
        let ids = dependencyIds
        guard !ids.isEmpty else { return }
        line("")
        line("providers:")
        for id in ids {
            let c = app.callables[id]!
            line("  " + YAMLText.key(names[id]) + ":  " + location(c))
            if let reason = c.unsupportedReason {
                unsupported("\(c.pythonName): \(reason)", indent: "    ")
                line("    returns: null")
                continue
            }
            if let s = c.scheme {
                line("    scheme: " + s.kind)
                if let h = s.header { line("    header: " + YAMLText.quoted(h)) }
                if !s.autoError { unsupported("\(c.pythonName): auto_error=False", indent: "    ") }
                continue
            }
            switch c.form {
            case .classType: line("    class: true")
            case .instance: line("    instance_of: " + YAMLText.key(safeGlobal(c.instanceOf ?? "Checker")))
            case .partial, .method: line("    factory: " + YAMLText.quoted(c.factory ?? "?"))
            default: break
            }
            if c.isAsync { line("    async: true") }
            if c.isGenerator { line("    yield: true") }
            if c.lruCache { line("    lru_cache: true") }
            if let w = wrappedByText(c) { line("    wrapped_by: " + w) }
            // Without functools.wraps the loader gives the provider the wrapper's `args` and `kwargs` itself.
            if c.keepsWrapped { writeParams(c, indent: "    ") }
            writeBehaviour(id, c, indent: "    ", isHandler: false)
        }
    }

    /// `{decorator: noop_wrap, async: true, keeps_wrapped: false, decorates: __call__}` for a decorated callable.
    func wrappedByText(_ c: CallableInfo) -> String? {
        guard let w = c.wrappedBy else { return nil }
        return "{decorator: \(YAMLText.key(safeGlobal(w)))\(c.wrapperAsync ? ", async: true" : "")"
            + "\(c.keepsWrapped ? "" : ", keeps_wrapped: false")\(c.decoratesCall ? ", decorates: __call__" : "")}"
    }

    func safeGlobal(_ s: String) -> String {
        var n = ImportNames()
        n.assign(0, s)
        return n[0]
    }

    mutating func writeParams(_ c: CallableInfo, indent: String) {
        guard !c.params.isEmpty else { return }
        line(indent + "params:")
        for p in c.params {
            let name = ParamName.safe(p.name)
            if let text = paramText(p, renamedFrom: name == p.name ? nil : p.name, owner: c.pythonName) {
                line(indent + "  " + YAMLText.key(name) + ": " + text)
            }
        }
    }

    mutating func paramText(_ p: ParamInfo, renamedFrom original: String?, owner: String) -> String? {
        switch p.kind {
        case .request: return "Request"
        case .response: return "Response"
        case .backgroundTasks: return "BackgroundTasks"
        case .securityScopes: return "SecurityScopes"
        case .websocket: return "WebSocket"
        case .httpConnection:
            unsupported("\(owner)(\(p.name): HTTPConnection): dilab does not model HTTPConnection parameters")
            return nil
        case .depends:
            guard let d = p.depends else { return nil }
            return dependsText(d)
        case .path, .query, .header, .cookie, .body:
            var fields: [String] = ["in: " + p.kind.rawValue]
            var type = p.type
            if type.hasPrefix("model:"), let text = modelParamText(p, model: String(type.dropFirst(6)), owner: owner) {
                return text
            }
            if type.hasPrefix("list:") {
                if let text = listParamText(p, element: String(type.dropFirst(5))) { return text }
                warn("\(owner)(\(p.name)): \(type.dropFirst(5)) items are read as a plain list (not validated)")
                type = "list"
            } else if type.hasPrefix("model:") {
                warn("\(owner)(\(p.name)): the pydantic model \(type.dropFirst(6)) is read as a dict body (its fields are not imported)")
                type = "dict"
            } else if type.hasPrefix("other:") {
                warn("\(owner)(\(p.name)): the type \(type.dropFirst(6)) is read as Any")
                type = "Any"
            } else if type == "any" { type = "Any" }
            fields.append("type: " + type)
            if let d = p.defaultValue { fields.append("default: " + YAMLText.flow(d)) } else if p.optional { fields.append("optional: true") }
            if let u = p.unrepresentableDefault {
                unsupported("\(owner)(\(p.name)): default \(u) is not data; the parameter is written as required")
            }
            if let a = p.alias ?? original { fields.append("alias: " + YAMLText.quoted(a)) }
            if !p.constraints.isEmpty {
                unsupported("\(owner)(\(p.name)): constraints \(p.constraints.joined(separator: ", ")) are not imported")
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    func dependsText(_ d: DependencyUse) -> String {
        let target = YAMLText.key(names[d.callable])
        var fields = [(d.scopes.isEmpty ? "depends: " : "security: ") + target]
        if !d.useCache { fields.append("use_cache: false") }
        if let s = d.scope { fields.append("scope: " + YAMLText.quoted(s)) }
        if !d.scopes.isEmpty { fields.append("scopes: " + YAMLText.flow(.array(d.scopes.map(Value.string)))) }
        if let m = d.maxConcurrency { fields.append("max_concurrency: \(m)") }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

/// One request of record mode, as given on the command line: `GET /users/1` or a flow mapping with headers.
public struct RecordRequest: Sendable {
    public var method: String
    public var target: String
    public var headers: [(String, String)]
    public var cookies: [(String, String)]
    public var body: Value?
    /// A `websocket:` connection's client script, as given (`[{send: hi}, receive, {close: 1000}]`).
    public var webSocketScript: Value?
    public var line: String { "\(method) \(target)" }
    public init(method: String, target: String, headers: [(String, String)] = [], cookies: [(String, String)] = [], body: Value? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.cookies = cookies
        self.body = body
    }
}
