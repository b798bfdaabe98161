import DILab

/// Tasks, the app, routes, overrides, and record mode's requests and `expect:`.
extension ScenarioWriter {
    mutating func writeTasks() {
        guard !app.taskOrder.isEmpty else { return }
        line("")
        line("tasks:")
        for id in app.taskOrder {
            let t = app.tasks[id]!
            line("  " + YAMLText.key(taskNames[id]) + ":  " + YAMLText.comment(t.file.isEmpty ? "(no source)" : "\(t.file):\(t.line)"))
            var fields: [String] = []
            if t.isAsync { fields.append("async: true") }
            let params = t.params.filter { PythonName.isIdentifier($0) }
            if !params.isEmpty { fields.append("params: [" + params.map(YAMLText.key).joined(separator: ", ") + "]") }
            let runs = app.calls.filter { $0.role == .task && $0.callable == id }
            if let failed = runs.first(where: { $0.raised != nil })?.raised {
                if runs.allSatisfy({ $0.raised != nil }), PythonName.problem(failed.type, as: .raisedException) == nil, !failed.isHTTP {
                    fields.append("raises: {exception: \(YAMLText.key(failed.type)), message: \(YAMLText.flow(TemplateText.literal(.string(failed.message ?? ""))))}")
                } else {
                    unsupported("task \(t.pythonName) fails in some recorded runs only (or with \(failed.type)); not modelled", indent: "    ")
                }
            }
            if fields.isEmpty { line("    duration: 0ms") } else { for f in fields { line("    " + f) } }
        }
    }

    /// App dependencies: the leading route dependencies every route shares with `FastAPI(dependencies=...)`.
    var appDependencyCount: Int {
        let ids = app.appDependencies.map(\.callable)
        guard !ids.isEmpty, app.routes.allSatisfy({ Array($0.dependencies.prefix(ids.count).map(\.callable)) == ids }) else { return 0 }
        return ids.count
    }

    mutating func writeApp() {
        let n = appDependencyCount
        let handlers = exceptionHandlerLines()
        guard n > 0 || app.hasLifespan || !handlers.isEmpty else { return }
        line("")
        line("app:")
        if n > 0 {
            line("  dependencies: [" + app.routes[0].dependencies.prefix(n).map(dependsText).joined(separator: ", ") + "]")
        }
        if app.hasLifespan {
            line("  " + YAMLText.comment("PLACEHOLDER: the app has a lifespan (or startup/shutdown handlers); its steps are not introspected"))
            line("  lifespan: {startup: [\"startup (PLACEHOLDER)\"], shutdown: [\"shutdown (PLACEHOLDER)\"]}")
            warn("the app's lifespan is written as one placeholder step each way")
        }
        if !handlers.isEmpty {
            line("  exception_handlers:")
            for l in handlers { line(l) }
        }
    }

    static let responseClasses: Set<String> = ["JSONResponse", "PlainTextResponse", "HTMLResponse", "RedirectResponse"]

    mutating func writeRoutes() {
        guard !app.routes.isEmpty else {
            warn("the app has no routes")
            return
        }
        line("")
        line("routes:")
        let skip = appDependencyCount
        var handlerUses: [Int: Int] = [:]
        for r in app.routes {
            let c = app.callables[r.handler]!
            let methods = r.kind == .websocket ? ["WEBSOCKET"] : r.methods
            if r.path.contains(where: \.isWhitespace) {
                unsupported("route \(r.path): a path with whitespace (dilab's routes are `METHOD /path`)", indent: "  ")
                continue
            }
            for method in methods {
                handlerUses[r.handler, default: 0] += 1
                if handlerUses[r.handler]! > 1 {
                    unsupported("\(method) \(r.path): \(c.pythonName) serves several routes or methods; dilab needs one handler per route", indent: "  ")
                    continue
                }
                line("  - " + YAMLText.quoted(method + " " + r.path) + ":  " + location(c))
                line("      handler: " + YAMLText.key(names[r.handler]))
                line("      async: " + (c.isAsync ? "true" : "false"))
                if let w = wrappedByText(c) {
                    // A decorated endpoint (`@app.get(...)` above `@noop_wrap`); dilab's routes take a functools.wraps one.
                    if c.keepsWrapped && c.form == .function { line("      wrapped_by: " + w) } else {
                        unsupported("\(method) \(r.path): \(c.pythonName) is decorated by \(c.wrappedBy!) without functools.wraps", indent: "      ")
                    }
                }
                if let s = r.statusCode { line("      status: \(s)") }
                if let rc = r.responseClass, rc != "JSONResponse" {
                    if Self.responseClasses.contains(rc) { line("      response_class: " + rc) } else {
                        unsupported("\(method) \(r.path): response_class \(rc)", indent: "      ")
                    }
                }
                writeResponseModel(r.responseModel, route: "\(method) \(r.path)", indent: "      ")
                let deps = r.dependencies.dropFirst(skip)
                if !deps.isEmpty { line("      dependencies: [" + deps.map(dependsText).joined(separator: ", ") + "]") }
                writeParams(c, indent: "      ")
                if r.kind == .websocket {
                    writeWebSocketSteps(r, indent: "      ")
                } else {
                    writeBehaviour(r.handler, c, indent: "      ", isHandler: true)
                }
            }
        }
    }

    mutating func writeOverrides() {
        guard !app.overrides.isEmpty else { return }
        line("")
        line("dependency_overrides:")
        for o in app.overrides { line("  " + YAMLText.key(names[o.original]) + ": " + YAMLText.key(names[o.replacement])) }
    }

    mutating func writeRequests() {
        guard !requests.isEmpty else { return }
        line("")
        line("requests:")
        for r in requests { line("  - " + Self.requestText(r)) }
        line("")
        line("expect:")
        for (i, r) in requests.enumerated() {
            guard i < app.responses.count else { break }
            let response = app.responses[i]
            line("  - request: " + YAMLText.quoted(r.line))
            if let ws = response.webSocket, r.webSocketScript != nil {
                writeWebSocketExpect(ws, response, request: i + 1)
                continue
            }
            line("    status: \(response.status)")
            if response.contentType.hasPrefix("application/json"), let body = Value.parse(json: response.text) {
                line("    body: " + YAMLText.flow(body))
            } else if !response.text.isEmpty {
                line("    body: " + YAMLText.flow(.string(response.text)))
            }
            let observed = app.events.filter { $0.request == i + 1 }.map(\.line)
            line("    " + YAMLText.comment("observed under FastAPI \(app.fastapiVersion): " + (observed.isEmpty ? "(no events)" : observed.joined(separator: ", "))))
        }
    }

    static func requestText(_ r: RecordRequest) -> String {
        if let script = r.webSocketScript {
            var fields = ["websocket: " + YAMLText.quoted(r.target)]
            if !r.headers.isEmpty { fields.append("headers: " + YAMLText.flow(.object(r.headers.map { ($0.0, .string($0.1)) }))) }
            if !r.cookies.isEmpty { fields.append("cookies: " + YAMLText.flow(.object(r.cookies.map { ($0.0, .string($0.1)) }))) }
            fields.append("script: " + YAMLText.flow(script))
            return "{" + fields.joined(separator: ", ") + "}"
        }
        if r.headers.isEmpty && r.cookies.isEmpty && r.body == nil { return YAMLText.quoted(r.line) }
        var fields = ["request: " + YAMLText.quoted(r.line)]
        if !r.headers.isEmpty { fields.append("headers: " + YAMLText.flow(.object(r.headers.map { ($0.0, .string($0.1)) }))) }
        if !r.cookies.isEmpty { fields.append("cookies: " + YAMLText.flow(.object(r.cookies.map { ($0.0, .string($0.1)) }))) }
        if let b = r.body { fields.append("body: " + YAMLText.flow(b)) }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}
