/// One request through the simulated app. The three `Profile.Lifecycle` shapes differ only in where
/// the exit stacks sit relative to the response and the background tasks (see `execute`).
final class RequestRun {
    let engine: Engine
    let app: CompiledApp
    let profile: Profile
    let id: Int
    let request: RequestSpec
    let clock: EngineClock
    let overrides: [String: String]
    let observer: ((TraceEvent) -> Void)?

    var trace: RequestTrace
    /// The per-request dependency cache, keyed like FastAPI's.
    var cache: [CacheKey: Value] = [:]
    /// `fastapi_function_astack` (0.121+ `scope="function"` generators).
    var functionStack: [StackEntry] = []
    /// The request-level stack (and the only stack before 0.121).
    var requestStack: [StackEntry] = []
    /// The request's one `BackgroundTasks` object, shared by handler and dependencies.
    var tasks: [PendingTask] = []
    var explicitBackground: PendingTask?
    /// Providers whose cleanup has run: a task or chunk that `uses` one afterwards is flagged.
    var closed: [String] = []
    var responseSent = false

    struct StackEntry {
        var dependant: Dependant
        var env: [String: Value]
        var depth: Int
        var scope: String
    }

    struct PendingTask {
        var def: TaskDef
        var args: [(String, Value)]
        var addedBy: String
    }

    /// What the handler produced, before it is sent.
    struct PendingResponse {
        var status: Int
        var body: Value
        var stream: StreamSpec?
        var env: [String: Value]
    }

    init(engine: Engine, id: Int, request: RequestSpec, clock: EngineClock, overrides: [String: String], observer: ((TraceEvent) -> Void)?) {
        self.engine = engine
        self.app = engine.app
        self.profile = engine.app.profile
        self.id = id
        self.request = request
        self.clock = clock
        self.overrides = overrides
        self.observer = observer
        self.trace = RequestTrace(id: id, request: request, profile: engine.app.profile)
    }

    // MARK: events

    @discardableResult
    func emit(_ kind: TraceEvent.Kind, _ subject: String, _ detail: String = "", q: String = "", depth: Int = 0,
              thread: TraceEvent.Thread? = nil, data: [String: String] = [:]) -> TraceEvent {
        var data = data
        if !q.isEmpty { data["q"] = q }
        let e = TraceEvent(t: clock.now, request: id, kind: kind, subject: subject, detail: detail, depth: depth, thread: thread, data: data)
        trace.events.append(e)
        observer?(e)
        return e
    }

    func thread(async isAsync: Bool) -> TraceEvent.Thread { isAsync ? .loop : .threadpool }

    // MARK: the request lifecycle

    func execute() -> RequestTrace {
        emit(.request, request.line, request.headers.isEmpty ? "" : request.headers.map { "\($0.0): \($0.1)" }.joined(separator: ", "))
        switch RouteMatcher.match(app.routes, method: request.method, path: request.path) {
        case .notFound:
            respond(status: 404, body: .object([("detail", .string("Not Found"))]))
            return trace
        case .methodNotAllowed(let allowed):
            respond(status: 405, body: .object([("detail", .string("Method Not Allowed"))]), headers: [("allow", allowed.joined(separator: ", "))])
            return trace
        case .found(let route, let pathValues):
            trace.route = "\(route.route.method) \(route.fullPath)"
            switch profile.lifecycle {
            case .modern: runModern(route, pathValues)
            case .insideHandler: runInsideHandler(route, pathValues)
            case .middleware: runMiddleware(route, pathValues)
            }
        }
        return trace
    }

    /// 0.118+: `request_stack { function_stack { response = f(request) }; response(send) + background }`,
    /// with exception handlers outside both stacks.
    func runModern(_ route: CompiledRoute, _ pathValues: [String: String]) {
        var response: PendingResponse?
        var pending: PyError?
        do {
            response = try solveAndHandle(route, pathValues, raiseValidation: true).response
        } catch let e {
            pending = e
        }
        if !functionStack.isEmpty { pending = unwind(&functionStack, pending) }
        if pending == nil {
            if let response {
                send(response)
                pending = runBackground()
            } else {
                // A function-scoped dependency swallowed the exception: `await response(...)` has no response.
                pending = PyError(type: "UnboundLocalError", message: PyError.unbound)
                emit(.raise, "request_response", "fastapi/routing.py: await response(...) — no response was produced", q: pending!.summary)
            }
        }
        pending = unwind(&requestStack, pending)
        if pending == nil, !responseSent {
            pending = PyError(type: "FastAPIError", message: PyError.notAwaited)
        }
        finish(pending)
    }

    /// 0.106–0.117: one exit stack inside the route handler; every cleanup runs before the response is sent,
    /// and validation errors are raised after the stack has closed (dependencies never see them).
    func runInsideHandler(_ route: CompiledRoute, _ pathValues: [String: String]) {
        var response: PendingResponse?
        var validation: [Value] = []
        var pending: PyError?
        do {
            (response, validation) = try solveAndHandle(route, pathValues, raiseValidation: false)
        } catch let e {
            pending = e
        }
        pending = unwind(&requestStack, pending)
        if pending == nil, !validation.isEmpty {
            pending = PyError(type: "RequestValidationError", errors: validation)
        }
        if pending == nil, response == nil {
            pending = PyError(type: "FastAPIError", message: PyError.noResponse)
        }
        if let pending {
            finish(pending)
        } else if let response {
            send(response)
            finish(runBackground())
        }
    }

    /// 0.105: `AsyncExitStackMiddleware` wraps the whole app, response and background included; exception
    /// handlers sit outside it, and an exception a dependency swallowed is re-raised anyway.
    func runMiddleware(_ route: CompiledRoute, _ pathValues: [String: String]) {
        var pending: PyError?
        do throws(PyError) {
            if let response = try solveAndHandle(route, pathValues, raiseValidation: true).response {
                send(response)
                if let e = runBackground() { throw e }
            }
        } catch let e {
            pending = e
        }
        let original = pending
        pending = unwind(&requestStack, pending)
        if pending == nil, let original {
            emit(.raise, "AsyncExitStackMiddleware", "re-raises the exception the dependency swallowed", q: original.summary)
            pending = original
        }
        finish(pending)
    }

    // MARK: solving

    /// Solves the route's dependant and calls the handler. Returns validation errors instead of raising them
    /// when `raiseValidation` is false (0.115's shape).
    func solveAndHandle(_ route: CompiledRoute, _ pathValues: [String: String], raiseValidation: Bool) throws(PyError) -> (response: PendingResponse?, validation: [Value]) {
        let bodyParams = flatBodyParams(route.dependant)
        let reader = RequestValues(request: request, pathValues: pathValues, profile: profile,
                                   embedBody: Set(bodyParams.map(\.name)).count > 1)
        let solved = try solve(route.dependant, reader: reader, depth: 1)
        if !solved.errors.isEmpty {
            if raiseValidation {
                let e = PyError(type: "RequestValidationError", errors: solved.errors)
                emit(.raise, route.route.handlerName, "FastAPI raises RequestValidationError: the handler is not called", q: e.summary)
                throw e
            }
            return (nil, solved.errors)
        }
        return (try callHandler(route, solved.values), [])
    }

    func flatBodyParams(_ d: Dependant) -> [ResolvedParam] {
        d.requestParams.filter { $0.source == .body } + d.dependencies.flatMap(flatBodyParams)
    }

    /// `solve_dependencies`: sub-dependencies depth-first, left to right, then the dependant's own request values.
    func solve(_ dependant: Dependant, reader: RequestValues, depth: Int) throws(PyError) -> (values: [String: Value], errors: [Value]) {
        var values: [String: Value] = [:]
        var errors: [Value] = []
        for sub in dependant.dependencies {
            var use = sub
            if let provider = sub.provider, let replacement = overrides[provider.name] {
                use = try overrideDependant(for: sub, replacement: replacement)
            }
            let solved = try solve(use, reader: reader, depth: depth + 1)
            if !solved.errors.isEmpty {
                errors += solved.errors
                continue
            }
            let key = sub.cacheKey(profile)
            let value: Value
            if sub.use?.useCache ?? true, let hit = cache[key] {
                emit(.cacheHit, sub.callName, "cached value for key \(key)" + (use.callName != sub.callName ? " (override \(use.callName))" : ""),
                     depth: depth, data: ["key": key.description, "value": hit.json])
                value = hit
            } else if use.isGenerator {
                let stackScope = sub.use?.scope == "function" ? "function" : "request"
                value = try enter(use, values: solved.values, depth: depth, scope: stackScope, key: key)
            } else {
                value = try call(use, values: solved.values, depth: depth, key: key)
            }
            if let name = sub.name { values[name] = value }
            if cache[key] == nil { cache[key] = value }
        }
        let own = reader.read(dependant.requestParams)
        for (name, v) in own.values { values[name] = v }
        for e in own.errors {
            let loc = (e["loc"].flatMap { if case .array(let a) = $0 { return a.map(\.text) } else { return nil } } ?? []).joined(separator: ".")
            emit(.validation, loc, e["msg"]?.text ?? "", q: e["type"]?.text ?? "", depth: depth, data: ["error": e.json])
        }
        errors += own.errors
        if let name = dependant.backgroundTasksParam { values[name] = .string("<BackgroundTasks>") }
        if let name = dependant.securityScopesParam {
            let scopes = dependant.oauthScopes
            values[name] = .object([("scopes", .array(scopes.map(Value.string))), ("scope_str", .string(scopes.joined(separator: " ")))])
        }
        return (values, errors)
    }

    /// FastAPI re-analyses an override on every request, under the original use site's scopes and `scope=`.
    func overrideDependant(for sub: Dependant, replacement: String) throws(PyError) -> Dependant {
        guard let provider = app.scenario.provider(named: replacement) else {
            throw PyError(type: "KeyError", message: replacement)
        }
        var builder = GraphBuilder(scenario: app.scenario, profile: profile)
        var spec = sub.use ?? DependsSpec(provider: replacement)
        spec.provider = replacement
        spec.isSecurity = false
        spec.scopes = []
        var parent = Dependant(provider: nil, name: nil, use: nil)
        parent.parentScopes = sub.oauthScopes
        let pathParams = GraphBuilder.pathParamNames(trace.route.map { String($0.split(separator: " ").last ?? "") } ?? "")
        let built = builder.subDependant(spec: spec, name: sub.name, parent: parent, pathParams: pathParams, stack: [], level: sub.level, providerOverride: provider)
        if let problem = builder.problems.first(where: { $0.rule == "dependency-scope" }) {
            let message = problem.message.replacingOccurrences(of: "DependencyScopeError: ", with: "")
            let e = PyError(type: "DependencyScopeError", message: message)
            emit(.violation, replacement, "the override breaks the scope rule; FastAPI only finds out now, at request time", q: "dependency-scope")
            emit(.raise, replacement, message, q: e.summary)
            throw e
        }
        guard let built else { throw PyError(type: "RecursionError", message: builder.recursionMessage()) }
        return built
    }

    /// Template environment: the callable's arguments plus dilab's built-ins.
    func environment(_ values: [String: Value], provider name: String?, call: Int) -> [String: Value] {
        var env = values
        env["call"] = .int(call)
        env["request"] = .int(id)
        env["state"] = engine.stateValue
        env["now"] = .int(clock.now)
        if env["closed"] == nil {
            env["closed"] = .object(closed.map { ($0, .bool(true)) })
        }
        return env
    }

    func describeArgs(_ d: Dependant, _ values: [String: Value]) -> String {
        let names = (d.provider?.params.map(\.name) ?? [])
        return names.compactMap { n in values[n].map { "\(n)=\($0.json)" } }.joined(separator: ", ")
    }

    /// A plain (non-generator) dependency: sync ones run in the threadpool, async ones on the loop.
    func call(_ d: Dependant, values: [String: Value], depth: Int, key: CacheKey) throws(PyError) -> Value {
        guard let provider = d.provider else { return .null }
        let th = thread(async: provider.isAsync)
        if provider.lruCache, let cached = engine.lruValue(provider.name) {
            emit(.call, provider.name, "lru_cache hit: FastAPI calls it, the body does not run → \(cached.json)", q: "lru_cache-hit",
                 depth: depth, thread: th, data: ["value": cached.json])
            return cached
        }
        if let scheme = provider.securityScheme { return try callScheme(provider, scheme, depth: depth, thread: th) }
        let n = engine.nextCall(provider.name)
        let env = environment(values, provider: provider.name, call: n)
        let value = provider.returns?.render(env) ?? defaultValue(provider, values)
        emit(.call, provider.name, "(\(describeArgs(d, values))) → \(value.json)", depth: depth, thread: th,
             data: ["value": value.json, "key": key.description, "level": d.level])
        clock.advance(provider.duration)
        try addTasks(provider.addsTasks, env: env, by: provider.name, depth: depth)
        try raiseIfDue(provider.raises, env: env, by: provider.name, depth: depth)
        if provider.lruCache { engine.storeLRU(provider.name, value) }
        return value
    }

    func defaultValue(_ provider: Provider, _ values: [String: Value]) -> Value {
        switch provider.form {
        case .classType: return .object(provider.params.compactMap { p in values[p.name].map { (p.name, $0) } })
        default: return .null
        }
    }

    /// FastAPI's security scheme classes read the Authorization (or API key) header; a missing or malformed one
    /// is an HTTPException whose status changed in 0.121+ (401 with WWW-Authenticate; 403 for HTTPBearer and
    /// APIKeyHeader before). Observed on 0.165.0, 0.120.4 and 0.115.14.
    func callScheme(_ provider: Provider, _ scheme: SecurityScheme, depth: Int, thread th: TraceEvent.Thread) throws(PyError) -> Value {
        let header = request.headers.last { $0.0.lowercased() == scheme.headerName.lowercased() }?.1
        var value: Value = .null
        var failure: PyError?
        switch scheme.kind {
        case .httpBearer, .oauth2PasswordBearer:
            let parts = header?.split(separator: " ", maxSplits: 1).map(String.init) ?? []
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                value = scheme.kind == .httpBearer ? .object([("scheme", .string(parts[0])), ("credentials", .string(parts[1]))]) : .string(parts[1])
            } else if scheme.kind == .oauth2PasswordBearer || profile == .latest {
                failure = .http(401, .string("Not authenticated"), headers: ["www-authenticate: Bearer"])
            } else {
                failure = .http(403, .string(header == nil ? "Not authenticated" : "Invalid authentication credentials"))
            }
        case .apiKeyHeader:
            if let header {
                value = .string(header)
            } else {
                failure = profile == .latest ? .http(401, .string("Not authenticated"), headers: ["www-authenticate: APIKey"])
                                             : .http(403, .string("Not authenticated"))
            }
        }
        emit(.call, provider.name, "\(scheme.kind.rawValue) reads \(scheme.headerName) → \(value.json)", depth: depth, thread: .loop, data: ["value": value.json])
        if let e = failure, scheme.autoError {
            emit(.raise, provider.name, e.display, q: e.summary, depth: depth)
            throw e
        }
        return value
    }

    /// A yield dependency: run to its `yield` and push its exit onto the stack its scope selects.
    func enter(_ d: Dependant, values: [String: Value], depth: Int, scope: String, key: CacheKey) throws(PyError) -> Value {
        guard let provider = d.provider else { return .null }
        let n = engine.nextCall(provider.name)
        let env = environment(values, provider: provider.name, call: n)
        let value = provider.returns?.render(env) ?? defaultValue(provider, values)
        let where_ = profile.lifecycle == .modern ? " · scope=\(scope)" : ""
        emit(.enter, provider.name, "(\(describeArgs(d, values))) yields \(value.json)\(where_)", depth: depth,
             thread: thread(async: provider.isAsync), data: ["value": value.json, "scope": scope, "key": key.description, "level": d.level])
        clock.advance(provider.duration)
        try addTasks(provider.addsTasks, env: env, by: provider.name, depth: depth)
        try raiseIfDue(provider.raises, env: env, by: provider.name, depth: depth)
        var entryEnv = env
        entryEnv["__value"] = value
        let entry = StackEntry(dependant: d, env: entryEnv, depth: depth, scope: scope)
        if scope == "function" { functionStack.append(entry) } else { requestStack.append(entry) }
        return value
    }

    func callHandler(_ route: CompiledRoute, _ values: [String: Value]) throws(PyError) -> PendingResponse {
        let r = route.route
        let env = environment(values, provider: nil, call: engine.nextCall("handler:" + r.handlerName))
        let args = r.params.compactMap { p in values[p.name].map { "\(p.name)=\($0.json)" } }.joined(separator: ", ")
        emit(.handler, r.handlerName, "(\(args))", thread: thread(async: r.isAsync))
        clock.advance(r.duration)
        try addTasks(r.addsTasks, env: env, by: r.handlerName, depth: 0)
        try raiseIfDue(r.raises, env: env, by: r.handlerName, depth: 0)
        if let bg = r.responseBackground, let def = app.scenario.task(named: bg.task) {
            explicitBackground = PendingTask(def: def, args: bg.args.map { ($0.0, $0.1.render(env)) }, addedBy: r.handlerName)
        }
        return PendingResponse(status: r.status, body: r.returns?.render(env) ?? .null, stream: r.stream, env: env)
    }

    func addTasks(_ calls: [TaskCall], env: [String: Value], by owner: String, depth: Int) throws(PyError) {
        for c in calls {
            if let w = c.when, !w.holds(in: env) { continue }
            guard let def = app.scenario.task(named: c.task) else { continue }
            let args = c.args.map { ($0.0, $0.1.render(env)) }
            tasks.append(PendingTask(def: def, args: args, addedBy: owner))
            emit(.taskAdd, c.task, "added by \(owner)" + (args.isEmpty ? "" : " (" + args.map { "\($0.0)=\($0.1.json)" }.joined(separator: ", ") + ")"), depth: depth)
        }
    }

    func makeError(_ spec: RaiseSpec, env: [String: Value]) -> PyError {
        if spec.isHTTPException {
            return PyError.http(spec.status ?? 500, spec.detail?.render(env) ?? .null, headers: spec.headers.map { "\($0.0.lowercased()): \($0.1)" })
        }
        return PyError(type: spec.exception, message: spec.message?.render(env).text ?? "")
    }

    func raiseIfDue(_ specs: [RaiseSpec], env: [String: Value], by owner: String, depth: Int) throws(PyError) {
        guard let spec = specs.first(where: { $0.when?.holds(in: env) ?? true }) else { return }
        let e = makeError(spec, env: env)
        emit(.raise, owner, e.display, q: e.summary, depth: depth)
        throw e
    }

    // MARK: cleanup

    /// Exits a stack in LIFO order, letting each yield dependency see the exception in flight.
    func unwind(_ stack: inout [StackEntry], _ pending: PyError?) -> PyError? {
        var exc = pending
        while let entry = stack.popLast() {
            exc = exit(entry, exc)
        }
        return exc
    }

    /// `except` blocks first (if one matches the exception), then the success-path code after `yield`, then `finally`.
    func exit(_ entry: StackEntry, _ exc: PyError?) -> PyError? {
        guard let provider = entry.dependant.provider else { return exc }
        let th = thread(async: provider.isAsync)
        var result = exc
        var env = entry.env
        if let e = exc {
            env["exc"] = .object([("type", .string(e.type)), ("status", e.status.map(Value.int) ?? .null), ("detail", e.detail ?? .null), ("message", .string(e.message))])
            if let h = provider.handlers.first(where: { e.isInstance(of: $0.catches) }) {
                switch h.action {
                case .reraise:
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → re-raises", q: "\(e.summary) → re-raised", depth: entry.depth, thread: th)
                case .swallow:
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → swallows it (no raise)", q: "\(e.summary) → swallowed", depth: entry.depth, thread: th)
                    result = nil
                case .raise(let spec):
                    let converted = makeError(spec, env: env)
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → raises \(converted.display)", q: "\(e.summary) → \(converted.summary)", depth: entry.depth, thread: th)
                    result = converted
                }
            }
        }
        let when = responseSent ? "after the response" : "before the response"
        emit(.exit, provider.name, "cleanup (\(entry.scope == "function" ? "scope=function" : (profile.lifecycle == .modern ? "scope=request" : "exit stack"))), \(when)",
             depth: entry.depth, thread: th, data: ["scope": entry.scope])
        clock.advance(provider.cleanup.duration)
        if exc == nil {
            do {
                try addTasks(provider.cleanup.addsTasks, env: env, by: provider.name + " cleanup", depth: entry.depth)
                try raiseIfDue(provider.cleanup.raises, env: env, by: provider.name, depth: entry.depth)
            } catch let e {
                result = e
            }
        }
        closed.append(provider.name)
        return result
    }

    // MARK: response and background

    func send(_ response: PendingResponse) {
        guard let stream = response.stream else {
            respond(status: response.status, body: response.body)
            return
        }
        trace.status = response.status
        trace.isJSON = false
        emit(.response, String(response.status), "StreamingResponse: headers sent, body follows", data: ["status": String(response.status), "streaming": "true"])
        var text = ""
        for (i, chunk) in stream.chunks.enumerated() {
            clock.advance(stream.every)
            var env = response.env
            env["i"] = .int(i)
            env["closed"] = .object(closed.map { ($0, .bool(true)) })
            for u in stream.uses where closed.contains(u) {
                emit(.violation, u, "chunk \(i) uses \(u) after its cleanup", q: "use-after-cleanup")
            }
            let piece = chunk.render(env).text
            text += piece
            emit(.chunk, String(i), piece, data: ["chunk": piece])
        }
        trace.bodyText = text
        trace.body = .string(text)
        responseSent = true
        emit(.sent, String(response.status), "the client has the whole body", data: ["status": String(response.status)])
    }

    /// Sends a complete response: status and body decided, then the last body byte leaves.
    func respond(status: Int, body: Value, text: String? = nil, headers: [(String, String)] = []) {
        trace.status = status
        trace.body = body
        trace.isJSON = text == nil
        trace.bodyText = text ?? body.json
        trace.headers += headers
        emit(.response, String(status), trace.bodyText, data: ["status": String(status), "body": trace.bodyText, "json": text == nil ? "true" : "false",
                                                              "headers": Value.object(trace.headers.map { ($0.0, .string($0.1)) }).json])
        responseSent = true
        emit(.sent, String(status), "the client has its answer", data: ["status": String(status)])
    }

    /// Starlette's `BackgroundTasks.__call__`: in order; the first failure stops the rest.
    func runBackground() -> PyError? {
        var queue = tasks
        if let explicit = explicitBackground {
            for dropped in tasks {
                emit(.violation, dropped.def.name, "dropped: the handler returned a Response with its own background=, which replaces the injected tasks", q: "dropped-task")
            }
            queue = [explicit]
        }
        var index = 0
        while index < queue.count {
            let task = queue[index]
            let th = thread(async: task.def.isAsync)
            let args = task.args.isEmpty ? "" : "(" + task.args.map { "\($0.0)=\($0.1.json)" }.joined(separator: ", ") + ")"
            emit(.taskStart, task.def.name, args, thread: th)
            for u in task.def.uses where closed.contains(u) {
                emit(.violation, u, "task \(task.def.name) uses \(u) after its cleanup", q: "use-after-cleanup")
            }
            clock.advance(task.def.duration)
            var env: [String: Value] = Dictionary(task.args, uniquingKeysWith: { $1 })
            env["request"] = .int(id)
            if let spec = task.def.raises.first(where: { $0.when?.holds(in: env) ?? true }) {
                let e = makeError(spec, env: env)
                emit(.taskFail, task.def.name, e.display, q: e.summary, thread: th)
                for rest in queue[(index + 1)...] {
                    emit(.violation, rest.def.name, "never runs: an earlier task failed", q: "task-skipped")
                }
                tasks.removeAll()
                return e
            }
            emit(.taskEnd, task.def.name, "", thread: th)
            index += 1
        }
        tasks.removeAll()
        return nil
    }

    /// Exception handlers turn what is left into the error response; after the response it belongs to the server.
    func finish(_ pending: PyError?) {
        let leftover = tasks
        tasks.removeAll()
        let sentBefore = responseSent
        defer {
            for t in leftover {
                emit(.violation, t.def.name, sentBefore
                     ? "never runs: added during cleanup, after the background tasks already ran"
                     : "never runs: the request failed, and the error response carries no background tasks", q: "task-never-runs")
            }
        }
        guard let e = pending else { return }
        if responseSent {
            if e.isHTTP || e.type == "RequestValidationError" || app.scenario.app.exceptionHandlers.contains(where: { e.isInstance(of: $0.exception) }) {
                emit(.serverError, "RuntimeError", PyError.alreadyStarted + " (from \(e.display))", data: ["message": PyError.alreadyStarted])
            } else {
                emit(.serverError, e.type, e.display, data: ["message": e.message])
            }
            return
        }
        if e.isHTTP {
            respond(status: e.status ?? 500, body: .object([("detail", e.detail ?? .null)]), headers: e.headers.map { h in
                let kv = h.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return (kv[0], kv.count > 1 ? kv[1] : "")
            })
        } else if e.type == "RequestValidationError" {
            respond(status: 422, body: .object([("detail", .array(e.errors))]))
        } else if let handler = app.scenario.app.exceptionHandlers.first(where: { e.isInstance(of: $0.exception) }) {
            let env: [String: Value] = ["exc": .object([("type", .string(e.type)), ("message", .string(e.message))])]
            emit(.catch, "exception_handler(\(handler.exception))", "the app's exception handler builds the response", q: "\(e.summary) → \(handler.status)")
            respond(status: handler.status, body: handler.body.render(env))
        } else {
            respond(status: 500, body: .string("Internal Server Error"), text: "Internal Server Error")
            emit(.serverError, e.type, e.display, data: ["message": e.message])
        }
    }
}

import Foundation
