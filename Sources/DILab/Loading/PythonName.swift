/// The one rule for scenario names that become Python identifiers in the FastAPI export. A scenario is
/// untrusted input, so a name is checked at load, never escaped later: what loads exports as plain code.
public enum PythonName {
    /// Where a name lands in the export; each place forbids a little more than a bare identifier.
    public enum Role: Sendable, Equatable {
        /// A module-level name: provider, task, handler, router, `instance_of` class, custom exception class.
        case global
        /// A parameter or keyword argument of an exported function (route, provider, task params, task-call args).
        case parameter
        /// An attribute set on a class-provider instance (`returns` keys of a `class: true` provider).
        case attribute
        /// A type after `raise` (`raises: exception`): a built-in that derives from Exception, or a custom class.
        case raisedException
        /// A type after `except` or in `exception_handlers:`: any built-in exception, or a custom class.
        case caughtException
    }

    /// Why `name` cannot play `role` in the export, with a hint; nil when it can.
    public static func problem(_ name: String, as role: Role) -> (message: String, hint: String)? {
        guard isIdentifier(name) else {
            return ("'\(printable(name))' is not a Python identifier",
                    "use ASCII letters, digits and _, not starting with a digit (e.g. get_user)")
        }
        if keywords.contains(name) {
            return ("'\(name)' is a Python keyword", "pick another name, e.g. \(name)_")
        }
        if name.hasPrefix("__") {
            return ("'\(name)' starts with '__', which Python mangles or reserves", "drop the leading underscores")
        }
        switch role {
        case .attribute:
            if name.hasPrefix("_") { return ("'\(name)' starts with '_': templates never read such fields", "drop the leading underscore") }
        case .raisedException, .caughtException:
            if let bases = PyError.builtinChain(name) {
                if role == .raisedException, name != "Exception" && !bases.contains("Exception") || unraisable.contains(name) {
                    return ("\(name) cannot be raised by a scenario: it does not derive from Exception or needs special arguments",
                            "raise Exception, ValueError, RuntimeError, an HTTPException or your own class name")
                }
                return nil
            }
            if fastapiExceptions.contains(name) { return nil }
            if asyncioExceptions.contains(name) {
                return role == .caughtException ? nil : ("\(name) cannot be raised by a scenario: it is a BaseException the server raises when it cancels a request",
                                                         "use `cancel: 50ms` on a request to have the server cancel it")
            }
            return problem(name, as: .global)
        case .global:
            if reserved.contains(name) || builtins.contains(name) || PyError.builtinChain(name) != nil {
                return ("'\(name)' is a name the exported app already uses", "pick another name, e.g. \(name)_\(suffix(name))")
            }
        case .parameter:
            if bodyNames.contains(name) || fastapiExceptions.contains(name) || PyError.builtinChain(name) != nil {
                return ("'\(name)' as a parameter would hide a name the exported function uses", "pick another name, e.g. \(name)_value")
            }
        }
        return nil
    }

    /// ASCII on purpose: Python NFKC-normalises non-ASCII identifiers, so `ᵒs` would mean `os`.
    /// Byte-wise: the ASCII letters are exactly the ASCII scalars Unicode calls alphabetic, and any byte of a
    /// non-ASCII scalar fails, as the scalar did (asking Unicode properties per scalar was 4% of loading).
    public static func isIdentifier(_ name: String) -> Bool {
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
        guard let first = name.utf8.first, isLetter(first) else { return false }
        return name.utf8.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// The name as one line of visible text, for messages: control characters and line breaks as `\u{..}`.
    static func printable(_ name: String) -> String {
        String(name.unicodeScalars.prefix(60).map { s -> String in
            s.properties.generalCategory == .control || s.value == 0x2028 || s.value == 0x2029 ? "\\u{\(String(s.value, radix: 16))}" : String(s)
        }.joined()) + (name.unicodeScalars.count > 60 ? "…" : "")
    }

    static func suffix(_ name: String) -> String { name.first?.isUppercase == true ? "App" : "dep" }

    /// Python's hard keywords. Soft keywords (`match`, `case`, `type`, `_`) are ordinary names outside their statements.
    public static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Exceptions FastAPI defines and the export imports rather than declares.
    public static let fastapiExceptions: Set<String> = ["HTTPException", "RequestValidationError", "FastAPIError", "WebSocketException", "WebSocketDisconnect"]

    /// asyncio's exceptions a scenario may catch (`from asyncio import CancelledError` in the export).
    public static let asyncioExceptions: Set<String> = ["CancelledError"]

    /// Built-in exceptions a `raise` cannot use: they stop the server or need more than a message.
    static let unraisable: Set<String> = [
        "StopIteration", "StopAsyncIteration", "ExceptionGroup", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError",
    ]

    /// Module-level names the export imports or defines itself (header, recorder, driver, app section).
    /// `ExportNamesTests` parses a real export and fails when a name is missing here.
    public static let reserved: Set<String> = [
        // the header's imports
        "asynccontextmanager", "ContextVar", "lru_cache", "functools", "Any", "APIRouter", "BackgroundTasks", "Body", "Cookie", "Depends", "FastAPI",
        "Header", "HTTPException", "Path", "Query", "Request", "Response", "Security", "RequestValidationError", "FastAPIError",
        "JSONResponse", "StreamingResponse", "HTMLResponse", "PlainTextResponse", "RedirectResponse", "APIKeyHeader", "HTTPBearer", "HTTPAuthorizationCredentials",
        "OAuth2PasswordBearer", "SecurityScopes", "BackgroundTask", "StarletteHTTPException",
        // websockets
        "WebSocket", "WebSocketDisconnect", "WebSocketException", "ConnectionManager",
        "ClientDisconnected", "PerWorker", "client_label", "quoted", "json_q", "close_q", "current_worker", "_connection_at",
        // the recorder
        "asyncio", "gc", "inspect", "json", "os", "sys", "threading", "time", "Counter", "ContextVar", "TRACE_MODE", "KEEP_EVENTS", "EVENTS", "CALLS",
        "STATE", "TIME_SCALE", "request_number", "record", "count", "closed", "now_ms", "sleep_ms", "asleep_ms",
        "summary", "traced", "task_failed", "describe", "get", "text", "RequestIds", "traced_scheme", "hole_raising", "_is_state", "MutableHeaders",
        "_request_id", "_last_request", "_closed", "_started", "_in_flight", "_forget", "_fields", "_plain", "_report_app_error", "_fastapi_version",
        // `models:` (ModelWriter): pydantic's names and typing's
        "BaseModel", "Field", "EmailStr", "List", "Optional", "ValidationError",
        // the driver and the app section
        "SLUGS", "_slug", "_innermost", "_lifespan", "_asgi_scope", "_http_receive", "_http_channel", "_request", "_drive", "app", "lifespan", "PROVIDERS", "REQUESTS",
        // concurrency: pools, the threadpool's limiter, CancelledError, the concurrent driver
        "ConnectionPool", "CancelledError", "anyio", "Annotated", "CONCURRENT", "HANG_MS", "_CALLED", "_HUNG", "_SERVED", "_T0",
        "_TIMELINE", "_TIMELINE_LOCK", "_drive_together", "_request_at", "_stamp", "_stamping", "_watch_for_hangs",
        // the sidecar layout (dilab_trace.py, run_trace) and the annotations a dependency parameter keeps
        "dilab_trace", "run_trace", "Callable", "PROVIDER_NAMES", "_LISTENERS", "_HERE", "_defined_by_the_app", "_stamp_served",
    ]

    /// Names the exported function bodies read (besides their parameters, tasks and exception classes):
    /// a parameter of that name would hide them. `ExportNamesTests` checks this against real exports.
    public static let bodyNames: Set<String> = [
        "self", "functools", "record", "count", "sleep_ms", "asleep_ms", "get", "text", "traced", "task_failed", "describe", "summary",
        "HTTPException", "JSONResponse", "StreamingResponse", "BackgroundTask", "STATE", "request_number", "closed",
        "now_ms", "float", "CancelledError", "hole_raising", "len", "_plain", "setattr",
        "WebSocketDisconnect", "WebSocketException", "client_label", "quoted", "json_q", "asynccontextmanager", "asyncio", "inspect",
        // middleware (MiddlewareWriter): the Request a pure ASGI class builds from its scope, and its header helper
        "Request", "MutableHeaders",
    ]

    /// Python built-ins the exported code calls; a module-level name must not hide them.
    public static let builtins: Set<String> = [
        "bool", "dict", "float", "getattr", "hasattr", "setattr", "int", "isinstance", "len", "list", "print", "set", "sorted",
        "str", "super", "tuple", "type", "vars", "all", "enumerate", "max", "round", "sum", "zip", "globals", "any",
    ]
}

extension PythonName {
    /// Names that are each fine alone but clash in the export's one module: a provider and a task of the same
    /// name would replace each other, and a parameter named like a task or exception class hides it in the body.
    static func collisions(in s: Scenario) -> [Diagnostic] {
        var owners: [String: String] = [:]
        var out: [Diagnostic] = []
        func claim(_ name: String, _ kind: String, _ at: SourceLocation) {
            guard let first = owners[name] else { owners[name] = kind; return }
            guard first != kind else { return }
            out.append(Diagnostic(location: at, rule: "name", message: "'\(name)' names both a \(first) and a \(kind); in the exported module one would replace the other",
                                  hint: "rename one of them"))
        }
        var raised: [(String, SourceLocation)] = []
        for p in s.providers {
            raised += (p.raises + p.cleanup.raises).map { ($0.exception, $0.location) }
            for h in p.handlers {
                raised.append((h.catches, h.location))
                if case .raise(let r) = h.action { raised.append((r.exception, r.location)) }
            }
        }
        for r in s.routes where !r.raises.isEmpty { raised += r.raises.map { ($0.exception, $0.location) } }
        for t in s.tasks where !t.raises.isEmpty { raised += t.raises.map { ($0.exception, $0.location) } }
        raised += s.app.exceptionHandlers.map { ($0.exception, $0.location) }
        let custom = raised.filter { PyError.builtinChain($0.0) == nil && !fastapiExceptions.contains($0.0) && !asyncioExceptions.contains($0.0) }
        s.providers.forEach { claim($0.name, "provider", $0.location) }
        s.tasks.forEach { claim($0.name, "task", $0.location) }
        s.routers.forEach { claim($0.name, "router", $0.location) }
        s.routers.filter { $0.lifespan != nil }.forEach { claim($0.name + "_lifespan", "router lifespan", $0.location) }
        custom.forEach { claim($0.0, "exception class", $0.1) }
        s.app.exceptionHandlers.forEach { claim("handle_" + $0.exception.lowercased(), "exception handler", $0.location) }
        s.routes.forEach { claim($0.handlerName, "route handler", $0.location) }
        s.pools.forEach { claim($0.name, "pool", $0.location) }
        s.middleware.forEach { claim($0.name, "middleware", $0.location) }
        s.rooms.forEach { claim($0.name, "room", $0.location) }
        s.aliases.sorted { $0.key < $1.key }.forEach { claim($0.key, "alias", $0.value.location) }
        s.models.forEach { claim($0.name, "model", $0.location) }
        s.contextVars.forEach { claim($0.name, "context variable", $0.location) }
        let hidden = Set(s.tasks.map(\.name) + custom.map(\.0) + s.pools.map(\.name) + s.rooms.map(\.name) + s.contextVars.map(\.name))
        // Nothing to hide (the usual case): no need to gather every parameter of every provider and route.
        guard !hidden.isEmpty else { return out }
        let params = s.providers.flatMap(\.params) + s.routes.flatMap(\.params)
        for p in params where hidden.contains(p.name) {
            out.append(Diagnostic(location: p.location, rule: "name", message: "parameter '\(p.name)' is named like a task, pool, room, context variable or exception class; in the exported function it would hide it",
                                  hint: "rename the parameter"))
        }
        for r in s.routes {
            for (name, at) in WebSocketCheck.boundNames(r.webSocket) where hidden.contains(name) {
                out.append(Diagnostic(location: at, rule: "name", message: "'\(name)' names a message or resource in the endpoint and also a task, pool, room or exception class; in the exported function it would hide it",
                                      hint: "rename it"))
            }
        }
        return out
    }
}

extension YNode {
    /// Reports `name` at `location` (this node's own by default) when it cannot play `role` in the export.
    @discardableResult
    func checkName(_ name: String, _ role: PythonName.Role, what: String, at location: SourceLocation? = nil) -> Bool {
        guard let (message, hint) = PythonName.problem(name, as: role) else { return true }
        error("\(what): \(message)", rule: "name", hint: hint, at: location)
        return false
    }
}

/// The template-path rule: a `{{...}}` or `when:` path reads dict keys, list indexes and dilab's own fields,
/// never a member starting with `_` (`bt.__init__.__globals__`), in the engine and the export alike.
enum TemplatePath {
    /// The first path member starting with `_`, searched without recursion (expressions may nest deeply).
    static func hiddenMember(in expr: Expr) -> String? {
        var stack = [expr]
        while let e = stack.popLast() {
            switch e {
            case .ref(let path): if let bad = path.dropFirst().first(where: { $0.hasPrefix("_") }) { return bad }
            case .member(_, let name) where name.hasPrefix("_"): return name
            case .index(_, .literal(.string(let key))) where key.hasPrefix("_"): return key
            default: break
            }
            stack += e.children
        }
        return nil
    }

    static func hiddenMember(in template: Template) -> String? {
        var stack = [template]
        while let t = stack.popLast() {
            switch t {
            case .value: break
            case .text(let pieces):
                for case .hole(let e, _) in pieces { if let bad = hiddenMember(in: e) { return bad } }
            case .array(let items): stack += items
            case .object(let pairs): stack += pairs.map(\.1)
            }
        }
        return nil
    }
}

extension YNode {
    /// Reports a template or condition path that reaches for a `_` member; true when the path is allowed.
    func checkPath(_ member: String?, what: String) -> Bool {
        guard let member else { return true }
        error("\(what) reads '\(member)': a path may not name a member starting with '_'", rule: "template-path",
              hint: "templates read dict keys, list indexes and fields, e.g. {{user.name}} or {{items.0}}")
        return false
    }
}
