/// `solve_dependencies`: resolution order, the cache, overrides, calling providers and the handler.
extension RequestRun {
    /// Solves the route's dependant and calls the handler. Returns validation errors instead of raising them
    /// when `raiseValidation` is false (0.115's shape).
    func solveAndHandle(_ route: CompiledRoute, _ pathValues: PathValues, raiseValidation: Bool) throws(PyError) -> (response: PendingResponse?, validation: [Value]) {
        guard route.depth > DeepStack.inlineDepth else { return try solveAndHandleHere(route, pathValues, raiseValidation: raiseValidation) }
        let outcome: Result<(response: PendingResponse?, validation: [Value]), PyError> = DeepStack.run(depth: route.depth) {
            do throws(PyError) {
                return .success(try solveAndHandleHere(route, pathValues, raiseValidation: raiseValidation))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    func solveAndHandleHere(_ route: CompiledRoute, _ pathValues: PathValues, raiseValidation: Bool) throws(PyError) -> (response: PendingResponse?, validation: [Value]) {
        let bodyParams = route.bodyParams
        var body: Value?
        if !bodyParams.isEmpty {
            switch request.decodedBody(profile: profile) {
            case .success(let value): body = value
            case .failure(let problem):
                // FastAPI decodes the body before solving: no dependency has run yet.
                let e: PyError
                switch problem {
                case .invalidJSON(let error):
                    let loc = error.validationLoc
                    emit(.validation, loc, .validation(error), depth: 1)
                    e = PyError(type: "RequestValidationError", errors: [error])
                case .unreadable: e = .http(400, .string("There was an error parsing the body"))
                }
                emit(.raise, route.route.handlerName, "the body could not be decoded, before any dependency ran", q: e.summary)
                throw e
            }
        }
        var reader = RequestValues(request: request, body: body, cookies: request.cookieJar, pathValues: pathValues, profile: profile,
                                   embedBody: route.embedsBody)
        reader.models = engine.modelsByName
        cache = RequestCache(route.cacheSlots)
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


    /// `solve_dependencies`: sub-dependencies depth-first, left to right, then the dependant's own request values.
    func solve(_ dependant: Dependant, reader: RequestValues, depth: Int) throws(PyError) -> (values: [String: Value], errors: [Value]) {
        // A compiled dependant lends its fields (borrowed inside `withExtendedLifetime`); an override's fresh one makes them.
        if let facts = dependant.facts {
            return try withExtendedLifetime(facts) { () throws(PyError) -> (values: [String: Value], errors: [Value]) in
                try solve(dependant, facts.fields, reader: reader, depth: depth)
            }
        }
        return try solve(dependant, DependantFacts.Fields(dependant), reader: reader, depth: depth)
    }

    func solve(_ dependant: Dependant, _ fields: DependantFacts.Fields, reader: RequestValues, depth: Int) throws(PyError) -> (values: [String: Value], errors: [Value]) {
        if depth > GraphBuilder.requestDepthLimit {
            let e = PyError(type: "RecursionError", message: GraphBuilder(scenario: app.scenario, profile: profile).recursionMessage())
            emit(.raise, dependant.callName, "solve_dependencies recurses once per level: \(depth - 1) levels deep is past Python's recursion limit", q: e.summary)
            throw e
        }
        var values: [String: Value] = [:]
        var errors: [Value] = []
        // Sized for every argument, the injected ones (`BackgroundTasks`, `Request`, …) included: no resize per call.
        let arguments = fields.argumentCount
        if arguments > 1 { values.reserveCapacity(arguments) }
        for sub in fields.dependencies {
            // The compiled facts answer what every use asks (key, name, use_cache) without copying the provider
            // out; a subtree analysed at request time (an override's) has none and asks the dependant.
            let facts = sub.facts
            var use = sub
            var overriding: String?
            if !overrides.isEmpty, let provider = sub.provider, let replacement = overrides[provider.name] {
                if expandingOverrides.contains(provider.name) {
                    // FastAPI re-analyses the override at every use, so a replacement that depends on the original
                    // recurses until Python gives up: RecursionError at request time.
                    let e = PyError(type: "RecursionError", message: GraphBuilder(scenario: app.scenario, profile: profile).recursionMessage())
                    emit(.raise, replacement, "the override \(provider.name) → \(replacement) depends on \(provider.name) again, which is overridden by \(replacement) again: FastAPI recurses until RecursionError", q: e.summary)
                    throw e
                }
                use = try overrideDependant(for: sub, replacement: replacement)
                overriding = provider.name
                expandingOverrides.insert(provider.name)
            }
            let solved: (values: [String: Value], errors: [Value])
            if overriding == nil, let facts, facts.isLeaf, depth < GraphBuilder.requestDepthLimit {
                solved = ([:], [])
            } else {
                do throws(PyError) {
                    solved = try solve(use, reader: reader, depth: depth + 1)
                } catch {
                    if let o = overriding { expandingOverrides.remove(o) }
                    throw error
                }
            }
            if let o = overriding { expandingOverrides.remove(o) }
            if !solved.errors.isEmpty {
                errors += solved.errors
                continue
            }
            let key = facts?.key ?? sub.cacheKey(profile)
            let value: Value
            // Asked once, of the compiled facts when the use is the compiled one (no copy of the provider's decorator).
            let wrapped = overriding == nil ? facts?.isWrapped ?? (use.provider?.wrappedBy != nil) : use.provider?.wrappedBy != nil
            if facts?.useCache ?? sub.use?.useCache ?? true, let hit = cache.value(key, facts: facts) {
                let callName = facts?.callName ?? sub.callName
                emit(.cacheHit, callName, .cacheHit(key: key, value: hit, override: overriding != nil && use.callName != callName ? use.callName : nil),
                     depth: depth)
                value = hit
            } else if wrapped, let provider = use.provider, case .passedThrough(let type) = WrappedCallable.classify(provider, on: profile) {
                value = passThrough(provider, type: type, depth: depth)
                passedThroughArgs[provider.name] = solved.values
            } else if wrapped, let provider = use.provider, WrappedCallable.classify(provider, on: profile) == .rejectsKeywords {
                let e = PyError(type: "TypeError", message: "\(WrappedCallable.wrappedCallName(provider))() got an unexpected keyword argument 'args'")
                emit(.raise, provider.wrappedBy?.decorator ?? provider.name, "the wrapper has no __wrapped__: FastAPI read its (*args, **kwargs) as the query parameters args and kwargs and passes them on as keywords: \(e.display)", q: e.summary, depth: depth)
                throw e
            } else if overriding == nil ? facts?.fields.isGenerator ?? use.isGenerator : use.isGenerator {
                let stackScope = (facts.map { $0.fields.functionScoped } ?? (sub.use?.scope == "function")) ? "function" : "request"
                let slot = try takeSlot(sub, depth: depth, limited: facts?.fields.limitsConcurrency ?? true)
                value = try enter(use, values: solved.values, depth: depth, scope: stackScope, key: key, slot: slot)
            } else {
                let slot = try takeSlot(sub, depth: depth, limited: facts?.fields.limitsConcurrency ?? true)
                do throws(PyError) {
                    value = try call(use, values: solved.values, depth: depth, key: key)
                } catch {
                    if let slot { release(slot, for: sub.callName, depth: depth) }
                    throw error
                }
                if let slot { release(slot, for: sub.callName, depth: depth) }
            }
            if let name = facts.map({ $0.fields.name }) ?? sub.name { values[name] = value }
            cache.fill(key, facts: facts, with: value)
        }
        let own = reader.read(fields.requestParams)
        for (name, v) in own.values { values[name] = v }
        for e in own.errors {
            let loc = e.validationLoc
            emit(.validation, loc, .validation(e), depth: depth)
        }
        errors += own.errors
        if let name = fields.backgroundTasksParam { values[name] = .string("<BackgroundTasks>") }
        if let name = fields.requestObjectParam { values[name] = requestObject(reader) }
        if let name = fields.responseObjectParam { values[name] = .string("<Response>") }
        if let name = fields.securityScopesParam {
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

    /// Template environment: the callable's arguments (shared, not copied) plus dilab's built-ins as they are now.
    func environment(_ values: [String: Value], provider name: String?, call: Int, state: Value? = nil) -> TemplateEnv {
        var env = TemplateEnv(names: values)
        env[Builtin.call] = .int(call)
        env[Builtin.request] = .int(id)
        env[Builtin.state] = state ?? engine.stateValue
        env[Builtin.now] = .int(clock.now)
        env.bindClosed(closed)
        if !contexts.declared.isEmpty { env[ContextVarDecl.envKey] = contexts.value }
        return env
    }


    /// A wrapped provider FastAPI takes for a plain sync function (`WrappedCallable`): the wrapper returns the
    /// unstarted coroutine or generator, which is the value; no code of the provider's runs.
    func passThrough(_ provider: Provider, type: String, depth: Int) -> Value {
        emit(.violation, provider.name, WrappedCallable.explanation(provider, type: type, profile: profile), q: "wrapped-\(type)", depth: depth)
        return .string("<\(type) object \(provider.name)>")
    }

    /// A plain (non-generator) dependency: sync ones run in the threadpool, async ones on the loop.
    func call(_ d: Dependant, values: [String: Value], depth: Int, key: CacheKey) throws(PyError) -> Value {
        // A compiled use lends its boxed provider (borrowed); an override's fresh subtree copies its own.
        // (`withExtendedLifetime` is what lets the optimizer pass `box.value` in place: without it, a copy.)
        if let facts = d.facts, let box = facts.providerBox {
            return try withExtendedLifetime(box) { () throws(PyError) -> Value in
                try call(d, box.value, values: values, depth: depth, key: key, counter: facts.callCounter)
            }
        }
        guard let provider = d.provider else { return .null }
        return try call(d, provider, values: values, depth: depth, key: key, counter: nil)
    }

    func call(_ d: Dependant, _ provider: Provider, values: [String: Value], depth: Int, key: CacheKey, counter: Int?) throws(PyError) -> Value {
        let th = thread(async: provider.isAsync)
        if provider.lruCache, let cached = engine.lruValue(provider.name) {
            emit(.call, provider.name, .lruHit(cached),
                 depth: depth, thread: th)
            return cached
        }
        if let scheme = provider.securityScheme { return try callScheme(provider, scheme, depth: depth, thread: th) }
        let pool = try takeThreadAndPool(provider, depth: depth)
        defer {
            if let pool { release(pool, for: provider.name, depth: depth) }
        }
        let (n, state) = engine.nextCallAndState(provider.name, counter: counter)
        defer { dropLocalContext() }
        // No `set:` (the common case) takes the environment as made: passing it through `setContext` copies it.
        var env = environment(values, provider: provider.name, call: n, state: state)
        if !provider.contextSets.isEmpty { env = try setContext(provider.contextSets, env: env, async: provider.isAsync, by: provider.name, depth: depth) }
        let (returned, failure) = renderReturns(provider.returns, env)
        let value = returned ?? defaultValue(provider, values)
        emit(.call, provider.name, .call(params: provider.params, values: values, value: value, key: key, level: d.level), depth: depth, thread: th)
        try work(provider.duration, async: provider.isAsync, in: provider.name, depth: depth)
        if let sets = provider.sets { try temporal.apply(sets, env: env, run: self, by: provider.name, depth: depth) }
        try stateWrites(provider.requestState, param: d.requestObjectParam, env: env, by: provider.name)
        try addTasks(provider.addsTasks, env: env, by: provider.name, depth: depth)
        try stateReads(provider.raises, returns: nil, param: d.requestObjectParam, env: env, by: provider.name)
        try raiseIfDue(provider.raises, env: env, by: provider.name, depth: depth)
        try stateReads([], returns: provider.returns, param: d.requestObjectParam, env: env, by: provider.name)
        try raiseDeferred(failure, by: provider.name, depth: depth)
        if provider.lruCache { engine.storeLRU(provider.name, value) }
        return value
    }

    func defaultValue(_ provider: Provider, _ values: [String: Value]) -> Value {
        // A function object, as the export's recorder shows one in text (`returns_task:`).
        if provider.returnsTask != nil { return .string("<function>") }
        switch provider.form {
        case .classType: return .object(provider.params.compactMap { p in values[p.name].map { (p.name, $0) } })
        default: return .null
        }
    }

    /// FastAPI's security scheme classes read the Authorization (or API key) header; a missing or malformed one
    /// is an HTTPException whose status changed in 0.121+ (401 with WWW-Authenticate; 403 for HTTPBearer and
    /// APIKeyHeader before). Observed on 0.165.0, 0.120.4 and 0.115.14.
    func callScheme(_ provider: Provider, _ scheme: SecurityScheme, depth: Int, thread th: TraceEvent.Thread) throws(PyError) -> Value {
        if connection != nil, profile != .latest {
            // Before 0.165 a scheme's `__call__` takes `request: Request`, which a websocket endpoint never fills
            // (observed on 0.105, 0.115 and 0.120, with or without credentials).
            let e = PyError(type: "TypeError", message: "\(scheme.kind.className).__call__() missing 1 required positional argument: 'request'")
            emit(.raise, provider.name, "a security scheme on a websocket: \(e.display) (websockets get one from 0.165)", q: e.summary, depth: depth)
            throw e
        }
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
        emit(.call, provider.name, .scheme(scheme.kind, header: scheme.headerName, value: value), depth: depth, thread: .loop)
        if let e = failure, scheme.autoError {
            emit(.raise, provider.name, e.display, q: e.summary, depth: depth)
            throw e
        }
        return value
    }

    /// A yield dependency: run to its `yield` and push its exit onto the stack its scope selects.
    func enter(_ d: Dependant, values: [String: Value], depth: Int, scope: String, key: CacheKey, slot: Limiter? = nil) throws(PyError) -> Value {
        if let facts = d.facts, let box = facts.providerBox {
            return try withExtendedLifetime(box) { () throws(PyError) -> Value in
                try enter(d, box.value, values: values, depth: depth, scope: scope, key: key, slot: slot, counter: facts.callCounter)
            }
        }
        guard let provider = d.provider else { return .null }
        return try enter(d, provider, values: values, depth: depth, scope: scope, key: key, slot: slot, counter: nil)
    }

    func enter(_ d: Dependant, _ provider: Provider, values: [String: Value], depth: Int, scope: String, key: CacheKey, slot: Limiter?,
               counter: Int?) throws(PyError) -> Value {
        var pool: Limiter?
        do throws(PyError) {
            pool = try takeThreadAndPool(provider, depth: depth)
            return try enterHolding(d, provider, values: values, depth: depth, scope: scope, key: key, slot: slot, pool: pool, counter: counter)
        } catch {
            // Setup failed before the yield: the generator never reached its exit stack, so what it took goes back now.
            if let pool { release(pool, for: provider.name, depth: depth) }
            if let slot { release(slot, for: provider.name, depth: depth) }
            throw error
        }
    }

    func enterHolding(_ d: Dependant, _ provider: Provider, values: [String: Value], depth: Int, scope: String, key: CacheKey,
                      slot: Limiter?, pool: Limiter?, counter: Int?) throws(PyError) -> Value {
        let (n, state) = engine.nextCallAndState(provider.name, counter: counter)
        defer { dropLocalContext() }
        // No `set:` (the common case) takes the environment as made: passing it through `setContext` copies it.
        var env = environment(values, provider: provider.name, call: n, state: state)
        if !provider.contextSets.isEmpty { env = try setContext(provider.contextSets, env: env, async: provider.isAsync, by: provider.name, depth: depth) }
        let (returned, failure) = renderReturns(provider.returns, env)
        let value = returned ?? defaultValue(provider, values)
        emit(.enter, provider.name, .enter(params: provider.params, values: values, value: value, scope: scope, showScope: profile.lifecycle == .modern,
                                           key: key, level: d.level), depth: depth, thread: thread(async: provider.isAsync))
        try work(provider.duration, async: provider.isAsync, in: provider.name, depth: depth)
        if let sets = provider.sets { try temporal.apply(sets, env: env, run: self, by: provider.name, depth: depth) }
        try stateWrites(provider.requestState, param: d.requestObjectParam, env: env, by: provider.name)
        try addTasks(provider.addsTasks, env: env, by: provider.name, depth: depth)
        try stateReads(provider.raises, returns: nil, param: d.requestObjectParam, env: env, by: provider.name)
        try raiseIfDue(provider.raises, env: env, by: provider.name, depth: depth)
        try stateReads([], returns: provider.returns, param: d.requestObjectParam, env: env, by: provider.name)
        try raiseDeferred(failure, by: provider.name, depth: depth)
        env.bindYielded(value)   // the environment's last use here: bound in place, not copied first
        let entry = StackEntry(dependant: d, env: env, depth: depth, scope: scope, slot: slot, pool: pool)
        if scope == "function" { functionStack.append(entry) } else { requestStack.append(entry) }
        return value
    }

    func callHandler(_ route: CompiledRoute, _ values: [String: Value]) throws(PyError) -> PendingResponse {
        let r = route.route
        var env = environment(values, provider: nil, call: engine.nextHandlerCall(route))
        if let e = WrappedEndpoint.coroutineFailure(r, on: profile) {
            // 0.105–0.120: the sync wrapper hands back the endpoint's unawaited coroutine, which `serialize_response`
            // cannot encode: a ValueError inside the dependencies' exit stack, the body never run.
            emit(.violation, r.handlerName, WrappedEndpoint.explanation(r, profile: profile), q: "wrapped-coroutine", depth: 0)
            emit(.raise, r.wrappedBy?.decorator ?? r.handlerName, "jsonable_encoder cannot encode the coroutine the wrapper returned: \(e.display)", q: e.summary, depth: 0)
            throw e
        }
        try takeThread(r.isAsync, for: r.handlerName, depth: 0)
        emit(.handler, r.handlerName, .handler(params: r.params, values: values), thread: thread(async: r.isAsync))
        defer { dropLocalContext() }
        if !r.contextSets.isEmpty { env = try setContext(r.contextSets, env: env, async: r.isAsync, by: r.handlerName, depth: 0) }
        try work(r.duration, async: r.isAsync, in: r.handlerName)
        if let sets = r.sets { try temporal.apply(sets, env: env, run: self, by: r.handlerName, depth: 0) }
        try stateWrites(r.requestState, param: route.dependant.requestObjectParam, env: env, by: r.handlerName)
        try addTasks(r.addsTasks, env: env, by: r.handlerName, depth: 0)
        try stateReads(r.raises, returns: nil, param: route.dependant.requestObjectParam, env: env, by: r.handlerName)
        try raiseIfDue(r.raises, env: env, by: r.handlerName, depth: 0)
        try stateReads([], returns: r.returns, param: route.dependant.requestObjectParam, env: env, by: r.handlerName)
        if let bg = r.responseBackground, let def = app.scenario.task(named: bg.task) {
            var args: [(String, Value)] = []
            for (k, t) in bg.args { args.append((k, try render(t, env, by: r.handlerName, depth: 0))) }
            explicitBackground = PendingTask(def: def, args: args, addedBy: r.handlerName)
        }
        var body = try r.returns.map { t throws(PyError) in try render(t, env, by: r.handlerName, depth: 0) } ?? .null
        if let (p, type) = PassedThroughReturn.returned(r, in: app.scenario, on: profile) {
            body = try serializePassedThrough(p, type: type, route: r)
        }
        var response = PendingResponse(status: r.status, body: body, stream: r.stream, env: env)
        if r.stream == nil, r.responseBackground == nil {
            if let spec = r.effectiveResponseModel { response.body = try serializeResponse(response.body, spec) }
            try render(&response, as: route.responseClass, route: r)
            // FastAPI builds this response itself: status_code=sub_response.status_code when one was set, then
            // headers.raw.extend(sub_response.headers.raw). A stream or a JSONResponse the handler returns is sent as is.
            if let s = temporal.status { response.status = s }
            response.headers += temporal.headers
        }
        return response
    }

    func addTasks(_ calls: [TaskCall], env: TemplateEnv, by owner: String, depth: Int) throws(PyError) {
        for c in calls {
            guard try holds(c.when, env, by: owner, depth: depth) else { continue }
            guard let def = app.scenario.task(named: c.task) else { continue }
            var args: [(String, Value)] = []
            for (k, t) in c.args { args.append((k, try render(t, env, by: owner, depth: depth))) }
            tasks.append(PendingTask(def: def, args: args, addedBy: owner))
            emit(.taskAdd, c.task, .taskAdd(owner: owner, args: args), depth: depth)
        }
    }

    /// The exception a `raises:` entry builds; a refused operation in its detail or message is raised instead,
    /// as Python evaluates the arguments before the `raise`.
    func makeError(_ spec: RaiseSpec, env: TemplateEnv) throws(PyError) -> PyError {
        if spec.isWebSocketException {
            return .webSocket("WebSocketException", code: spec.code ?? 1008, reason: try spec.reason?.render(env).text ?? "")
        }
        if spec.isHTTPException {
            return PyError.http(spec.status ?? 500, try spec.detail?.render(env) ?? .null, headers: spec.headers.map { "\($0.0.lowercased()): \($0.1)" })
        }
        return PyError(type: spec.exception, message: try spec.message?.render(env).text ?? "")
    }

    /// The first `raises:` entry whose `when:` holds, built; either step may raise a refused operation instead.
    func dueError(_ specs: [RaiseSpec], env: TemplateEnv) throws(PyError) -> PyError? {
        for spec in specs where try spec.when?.holds(in: env) ?? true { return try makeError(spec, env: env) }
        return nil
    }

    func raiseIfDue(_ specs: [RaiseSpec], env: TemplateEnv, by owner: String, depth: Int) throws(PyError) {
        let due: PyError?
        do throws(PyError) { due = try dueError(specs, env: env) } catch {
            emit(.raise, owner, error.display, q: error.summary, depth: depth)
            throw error
        }
        guard let e = due else { return }
        emit(.raise, owner, e.display, q: e.summary, depth: depth)
        throw e
    }
}

import Foundation
