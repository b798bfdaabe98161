/// Reads one entry of `providers:`.
enum ProviderReader {
    static let keys = ["yield", "async", "class", "instance_of", "factory", "lru_cache", "scheme", "params", "returns", "returns_task",
                       "duration", "raises", "adds_tasks", "cleanup", "except", "doc", "header", "acquires", "wrapped_by", "sets", "request_state", "sets_context"]

    static func provider(name: String, node: YNode, at location: SourceLocation) -> Provider {
        var p = Provider(name: name, location: location)
        node.checkName(name, .global, what: "provider name", at: location)
        if node.isNull { return p }
        let pairs = node.mapping("provider '\(name)'", allowed: keys, misplaced: [
            "scope": "the scope is chosen where the dependency is used: `Depends(\(name), scope=\"function\")`",
        ])
        for entry in pairs {
            let v = entry.value
            switch entry.key {
            case "yield": p.isGenerator = v.bool("yield") ?? false
            case "async": p.isAsync = v.bool("async") ?? false
            case "class": if v.bool("class") == true { p.form = .classType }
            case "instance_of":
                p.form = .instance
                p.instanceOf = v.string("the class name")
                if let n = p.instanceOf { v.checkName(n, .global, what: "instance_of") }
            case "factory": p.factory = v.string("the factory call")
            case "lru_cache": p.lruCache = v.bool("lru_cache") ?? false
            case "scheme":
                let raw = v.scalar ?? ""
                if let kind = SecurityScheme.Kind(rawValue: raw) {
                    var scheme = SecurityScheme(kind: kind)
                    if kind == .apiKeyHeader { scheme.headerName = pairs.first { $0.key == "header" }?.value.scalar ?? "X-API-Key" }
                    p.securityScheme = scheme
                } else {
                    v.error("unknown security scheme '\(raw)'", hint: "use one of: " + SecurityScheme.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                }
            case "header": break
            case "params": p.params = PieceReader.params(v)
            case "returns": p.returns = v.template("returns")
            case "returns_task":
                if let task = v.string("the task function it returns"), v.checkName(task, .global, what: "returns_task") { p.returnsTask = task }
                if node["returns"] != nil { v.error("provider '\(name)' has both `returns` and `returns_task`", hint: "it returns the task function: drop `returns`") }
                if p.form != .function { v.error("`returns_task` is for a function dependency", hint: "a class or a callable instance returns itself") }
            case "duration": p.duration = v.duration("duration") ?? 0
            case "acquires":
                if let pool = v.string("the pool"), v.checkName(pool, .global, what: "pool") {
                    p.acquires = pool
                    p.acquiresLocation = v.location
                }
            case "raises": p.raises = PieceReader.raises(v)
            case "adds_tasks": p.addsTasks = PieceReader.taskCalls(v)
            case "cleanup": p.cleanup = cleanup(v)
            case "except": p.handlers = handlers(v)
            case "doc": p.doc = v.string("doc")
            case "sets": p.sets = ResponseSetsReader.sets(v, owner: "provider '\(name)'")
            case "request_state": p.requestState = MiddlewareReader.requestState(v)
            case "sets_context": p.contextSets = ContextVarReader.sets(v)
            case "wrapped_by": p.wrappedBy = wrappedBy(v, provider: name)
            default: break
            }
        }
        if p.wrappedBy?.decoratesCall == true, p.form != .instance {
            node["wrapped_by"]?.error("`decorates: __call__` of provider '\(name)': only a callable instance (`instance_of:`) has a decorated `__call__`", rule: "wrapped-by",
                                      hint: "add `instance_of: SomeClass`, or drop `decorates:`")
        }
        if p.wrappedBy?.keepsWrapped == false {
            // No `__wrapped__`: `inspect.signature` sees the wrapper's `(*args, **kwargs)`, two required query parameters.
            if !p.params.isEmpty {
                node.error("provider '\(name)' has `params:` behind a wrapper without `@functools.wraps`: not modelled", rule: "wrapped-by",
                           hint: "FastAPI sees only the wrapper's `(*args, **kwargs)`; drop `params:` or keep `keeps_wrapped: true`")
            }
            p.params = ["args", "kwargs"].map { Param(name: $0, kind: .request(RequestParam(source: .query, type: .str)), location: location) }
        }
        if p.form == .classType, let fields = node["returns"]?.pairs {
            for f in fields { f.keyNode.checkName(f.key, .attribute, what: "field of class '\(name)'") }
        }
        ResponseSetsReader.check(p.sets, params: p.params, owner: "provider '\(name)'", node: node, lruCache: p.lruCache)
        if p.lruCache && p.isGenerator {
            node.error("provider '\(name)' cannot be both `lru_cache` and `yield`",
                       hint: "lru_cache caches a return value; a generator's value is per request")
        }
        if !p.isGenerator, (!p.handlers.isEmpty || p.cleanup.duration > 0 || !p.cleanup.raises.isEmpty || !p.cleanup.addsTasks.isEmpty) {
            node.error("provider '\(name)' has `cleanup:` or `except:` but is not a yield dependency",
                       hint: "add `yield: true`: only generators run code after the handler")
        }
        return p
    }

    /// `wrapped_by: {decorator: traced_wrapper}` (or just the decorator's name). The kinds FastAPI's
    /// `test_dependency_wrapped.py` calls `noop_wrap` (sync) and `noop_wrap_async` (`async: true`; around a
    /// generator it is the test's `gen_wrapper` / `async_gen_wrapper`) are modelled, keeping `__wrapped__`.
    static func wrappedBy(_ node: YNode, provider: String) -> WrappedBy? {
        if let name = node.scalar, !node.isNull, node.pairs == nil {
            guard node.checkName(name, .global, what: "decorator name") else { return nil }
            return WrappedBy(decorator: name, location: node.location)
        }
        var decorator: String?
        var isAsync = false
        var keepsWrapped = true
        var decoratesCall = false
        var ok = true
        for entry in node.mapping("wrapped_by", allowed: ["decorator", "async", "generator", "keeps_wrapped", "decorates"]) {
            let v = entry.value
            switch entry.key {
            case "decorator":
                if let n = v.string("the decorator's name"), v.checkName(n, .global, what: "decorator name") { decorator = n } else { ok = false }
            case "async": isAsync = v.bool("async") ?? false
            case "generator":
                if v.bool("generator") == true {
                    v.error("a generator wrapper (one that yields) is not modelled", rule: "wrapped-by",
                            hint: "the test's noop_wrap_async around a generator is `async: true` on a `yield: true` provider; a wrapper that yields around anything else is not modelled")
                    ok = false
                }
            case "keeps_wrapped": keepsWrapped = v.bool("keeps_wrapped") ?? true
            case "decorates":
                switch v.string("what the decorator is on") {
                case "__call__": decoratesCall = true
                case "instance": decoratesCall = false
                case .some(let other):
                    v.error("`decorates: \(other)` is not modelled", rule: "wrapped-by",
                            hint: "`decorates: __call__` (the callable instance's method) or `decorates: instance` (the default)")
                    ok = false
                case nil: ok = false
                }
            default: break
            }
        }
        guard ok else { return nil }
        guard let decorator else {
            node.error("`wrapped_by` of provider '\(provider)' needs the decorator's name", rule: "wrapped-by",
                       hint: "e.g. `wrapped_by: {decorator: traced_wrapper}`")
            return nil
        }
        if !keepsWrapped, isAsync {
            node.error("an async wrapper without `@functools.wraps` is not modelled", rule: "wrapped-by", hint: "keep `keeps_wrapped: true`, or make the wrapper sync")
            return nil
        }
        return WrappedBy(decorator: decorator, isAsync: isAsync, keepsWrapped: keepsWrapped, decoratesCall: decoratesCall, location: node.location)
    }

    static func cleanup(_ node: YNode) -> Cleanup {
        var c = Cleanup()
        for entry in node.mapping("cleanup", allowed: ["duration", "raises", "adds_tasks"]) {
            switch entry.key {
            case "duration": c.duration = entry.value.duration("the cleanup duration") ?? 0
            case "raises": c.raises = PieceReader.raises(entry.value)
            case "adds_tasks": c.addsTasks = PieceReader.taskCalls(entry.value)
            default: break
            }
        }
        return c
    }

    /// `except: reraise`, `except: swallow`, or a list of `{catch: Type, then: reraise|swallow}` / `{catch: Type, raise: {...}}`.
    static func handlers(_ node: YNode) -> [ExceptHandler] {
        if let word = node.scalar, !node.isNull {
            guard let action = action(word, node) else { return [] }
            return [ExceptHandler(catches: "Exception", action: action, location: node.location)]
        }
        return node.list().compactMap { item in
            let pairs = item.mapping("an except block", allowed: ["catch", "then", "raise", "when"])
            var h = ExceptHandler(location: item.location)
            for entry in pairs {
                switch entry.key {
                case "catch":
                    h.catches = entry.value.string("the exception type to catch") ?? "Exception"
                    entry.value.checkName(h.catches, .caughtException, what: "except type")
                case "then":
                    guard let a = action(entry.value.scalar ?? "", entry.value) else { return nil }
                    h.action = a
                case "raise":
                    guard let r = PieceReader.raise(entry.value) else { return nil }
                    h.action = .raise(r)
                case "when": h.when = entry.value.condition("when")
                default: break
                }
            }
            return h
        }
    }

    static func action(_ word: String, _ node: YNode) -> ExceptHandler.Action? {
        switch word {
        case "reraise", "raise": return .reraise
        case "swallow", "pass": return .swallow
        default:
            node.error("unknown except action '\(word)'", hint: "use reraise or swallow, or `raise: {status: 400, detail: ...}` to convert")
            return nil
        }
    }
}

/// Reads one entry of `tasks:`.
enum TaskReader {
    static func task(name: String, node: YNode, at location: SourceLocation) -> TaskDef {
        var t = TaskDef(name: name, location: location)
        node.checkName(name, .global, what: "task name", at: location)
        if node.isNull { return t }
        for entry in node.mapping("task '\(name)'", allowed: ["async", "duration", "uses", "raises", "params", "sets_context"]) {
            let v = entry.value
            switch entry.key {
            case "async": t.isAsync = v.bool("async") ?? false
            case "duration": t.duration = v.duration("duration") ?? 0
            case "uses": t.uses = v.list().compactMap { $0.string("a provider name") }
            case "raises": t.raises = PieceReader.raises(v)
            case "sets_context": t.contextSets = ContextVarReader.sets(v)
            case "params": t.params = v.list().compactMap { item in
                item.string("a parameter name").flatMap { item.checkName($0, .parameter, what: "task parameter") ? $0 : nil }
            }
            default: break
            }
        }
        return t
    }
}
