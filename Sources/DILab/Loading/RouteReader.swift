/// Reads `app:`, `routers:` and `routes:`.
enum RouteReader {
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    static let routeKeys = ["route", "handler", "router", "async", "params", "dependencies", "status", "returns",
                            "raises", "adds_tasks", "duration", "stream", "response_background", "response_class", "doc", "steps", "on_disconnect", "sets", "request_state", "sets_context", "wrapped_by"] + ResponseModelReader.keys

    static func app(_ node: YNode) -> AppConfig {
        var app = AppConfig()
        for entry in node.mapping("app", allowed: ["dependencies", "lifespan", "exception_handlers", "threadpool_tokens", "workers", "default_response_class", "state"]) {
            switch entry.key {
            case "default_response_class": app.defaultResponseClass = responseClass(entry.value, "default_response_class")
            case "state":
                app.state = entry.value.mapping("state").compactMap { s in
                    s.keyNode.checkName(s.key, .parameter, what: "an app.state name") ? (s.key, s.value.value) : nil
                }
            case "workers":
                if let n = entry.value.int("workers") {
                    if (1...64).contains(n) { app.workers = n } else { entry.value.error("workers must be 1 to 64", hint: "uvicorn --workers 2 is `workers: 2`") }
                }
            case "dependencies": app.dependencies = PieceReader.dependencies(entry.value)
            case "lifespan": app.lifespan = lifespan(entry.value)
            case "threadpool_tokens":
                if let n = entry.value.int("threadpool_tokens") {
                    if n >= 1 { app.threadpoolTokens = n; app.threadpoolLocation = entry.value.location } else {
                        entry.value.error("the threadpool needs at least 1 token", hint: "AnyIO's default is 40")
                    }
                }
            case "exception_handlers":
                app.exceptionHandlers = entry.value.mapping("exception_handlers").compactMap { h in
                    guard h.keyNode.checkName(h.key, .caughtException, what: "exception handler type") else { return nil }
                    var spec = ExceptionHandlerSpec(exception: h.key, status: 500, body: .value(.null), location: h.keyNode.location)
                    for e in h.value.mapping("an exception handler", allowed: ["status", "body"]) {
                        switch e.key {
                        case "status": spec.status = e.value.statusCode("the status") ?? 500
                        case "body": spec.body = e.value.inertTemplate("the body") ?? .value(.null)
                        default: break
                        }
                    }
                    return spec
                }
            default: break
            }
        }
        return app
    }

    static func lifespan(_ node: YNode) -> Lifespan {
        var l = Lifespan()
        for entry in node.mapping("lifespan", allowed: ["startup", "shutdown"]) {
            let steps = entry.value.list().compactMap(step)
            if entry.key == "startup" { l.startup = steps } else { l.shutdown = steps }
        }
        return l
    }

    static func step(_ node: YNode) -> LifespanStep? {
        if let s = node.scalar, !node.isNull { return LifespanStep(name: s) }
        var step = LifespanStep(name: "")
        for entry in node.mapping("a lifespan step", allowed: ["step", "duration", "sets"]) {
            switch entry.key {
            case "step": step.name = entry.value.string("the step") ?? ""
            case "duration": step.duration = entry.value.duration("duration") ?? 0
            case "sets": step.sets = entry.value.mapping("sets").compactMap { s in s.value.inertTemplate("a state value").map { (s.key, $0) } }
            default: break
            }
        }
        return step
    }

    static func router(name: String, node: YNode, at location: SourceLocation) -> Router {
        var r = Router(name: name, location: location)
        node.checkName(name, .global, what: "router name", at: location)
        for entry in node.mapping("router '\(name)'", allowed: ["prefix", "dependencies", "include", "lifespan", "default_response_class"]) {
            switch entry.key {
            case "default_response_class": r.defaultResponseClass = responseClass(entry.value, "default_response_class")
            case "prefix": r.prefix = entry.value.string("the prefix") ?? ""
            case "dependencies": r.dependencies = PieceReader.dependencies(entry.value)
            case "lifespan": r.lifespan = lifespan(entry.value)
            case "include":
                for inc in entry.value.mapping("include", allowed: ["in", "prefix", "dependencies", "default_response_class"]) {
                    switch inc.key {
                    case "default_response_class": r.includeDefaultResponseClass = responseClass(inc.value, "default_response_class")
                    case "in":
                        r.includedIn = inc.value.string("the parent (app or a router)") ?? "app"
                        if r.includedIn != "app" { inc.value.checkName(r.includedIn, .global, what: "include in") }
                    case "prefix": r.includePrefix = inc.value.string("the include prefix") ?? ""
                    case "dependencies": r.includeDependencies = PieceReader.dependencies(inc.value)
                    default: break
                    }
                }
            default: break
            }
        }
        return r
    }

    /// `- GET /users/{id}: {...}` or `- route: GET /users/{id}` with the settings beside it.
    static func route(_ node: YNode) -> Route? {
        var pairs = node.mapping("a route")
        var head: (String, SourceLocation)?
        if let r = pairs.first(where: { $0.key == "route" }) {
            head = (r.value.scalar ?? "", r.value.location)
        } else if pairs.count == 1, let only = pairs.first, RouteReader.containsSlash(only.key) {
            head = (only.key, only.keyNode.location)
            pairs = only.value.isNull ? [] : only.value.mapping("route '\(only.key)'")
        }
        guard let (line, location) = head else {
            node.error("a route starts with its method and path", hint: "e.g. `- GET /users/{user_id}:` followed by its settings")
            return nil
        }
        let parts = splitAtSpaces(line)
        guard parts.count == 2, methods.contains(parts[0].uppercased()) || parts[0].uppercased() == RequestSpec.webSocketMethod,
              parts[1].hasPrefix("/") else {
            node.error("bad route '\(line)'", hint: "write the method and the path: GET /items/{item_id} (or WEBSOCKET /ws)", at: location)
            return nil
        }
        let isWebSocket = parts[0].uppercased() == RequestSpec.webSocketMethod
        var route = Route(method: parts[0].uppercased(), path: parts[1], handlerName: defaultHandlerName(parts[0], parts[1]), location: location)
        if isWebSocket { route.webSocket = WebSocketHandler() }
        for entry in pairs where entry.key != "route" {
            let v = entry.value
            if isWebSocket, WebSocketReader.httpOnlyKeys.contains(entry.key) || entry.key == "response_class" {
                entry.keyNode.error("a websocket endpoint has no `\(entry.key)`: it sends messages, not a response",
                                    hint: "write what it does as `steps:` (send, raise, adds_tasks, sleep; docs/websockets.md)")
                continue
            }
            if !isWebSocket, entry.key == "steps" || entry.key == "on_disconnect" {
                entry.keyNode.error("`\(entry.key)` belongs to a WEBSOCKET route", hint: "an HTTP route describes its work with returns:, raises:, duration:")
                continue
            }
            switch entry.key {
            case "steps": route.webSocket?.steps = WebSocketReader.steps(v)
            case "on_disconnect":
                route.webSocket?.onDisconnect = WebSocketReader.steps(v)
                route.webSocket?.onDisconnectLocation = entry.keyNode.location
            case "handler":
                route.handlerName = v.string("the handler name") ?? route.handlerName
                v.checkName(route.handlerName, .global, what: "handler name")
            case "router":
                route.router = v.string("the router name")
                if let r = route.router { v.checkName(r, .global, what: "router") }
            case "async": route.isAsync = v.bool("async") ?? true
            case "params": route.params = PieceReader.params(v)
            case "dependencies": route.dependencies = PieceReader.dependencies(v)
            case "status":
                route.status = v.statusCode("the status code") ?? 200
                route.statusWritten = true
            case "response_class": route.responseClass = responseClass(v, "response_class")
            case "returns": route.returns = v.template("returns")
            case "raises": route.raises = PieceReader.raises(v)
            case "adds_tasks": route.addsTasks = PieceReader.taskCalls(v)
            case "duration": route.duration = v.duration("duration") ?? 0
            case "stream": route.stream = stream(v)
            case "response_background": route.responseBackground = PieceReader.taskCall(v)
            case "doc": break
            case "sets":
                if isWebSocket {
                    entry.keyNode.error("`sets:` belongs to an HTTP route", rule: "response-param",
                                        hint: "a websocket endpoint sends no HTTP response for a temporal Response to reach")
                } else {
                    route.sets = ResponseSetsReader.sets(v, owner: "route '\(line)'")
                }
            case _ where ResponseModelReader.keys.contains(entry.key):
                ResponseModelReader.read(entry.key, v, keyNode: entry.keyNode, into: &route)
            case "request_state": route.requestState = MiddlewareReader.requestState(v)
            case "sets_context": route.contextSets = ContextVarReader.sets(v)
            case "wrapped_by": route.wrappedBy = ProviderReader.wrappedBy(v, provider: route.handlerName)
            default:
                entry.keyNode.error("unknown key '\(entry.key)' in route '\(line)'", hint: Suggest.hint(for: entry.key, among: routeKeys, kind: "keys"))
            }
        }
        ResponseSetsReader.check(route.sets, params: route.params, owner: "route '\(line)'", node: node)
        if !pairs.contains(where: { $0.key == "handler" }) {
            node.checkName(route.handlerName, .global, what: "handler name (from the path; set `handler:`)", at: location)
        }
        return route
    }

    /// `response_class: HTMLResponse`: one of the classes dilab renders; FastAPI's others are refused by name.
    static func responseClass(_ node: YNode, _ key: String) -> ResponseClass? {
        guard let raw = node.string("the \(key)") else { return nil }
        if let c = ResponseClass(rawValue: raw) { return c }
        let known = ResponseClass.allCases.map(\.rawValue)
        if let why = ResponseClass.refused[raw] {
            node.error("\(key) \(raw) is not modelled: \(why)", rule: "response-class", hint: "use one of: " + known.joined(separator: ", "))
        } else {
            node.error("unknown response class '\(raw)'", rule: "response-class", hint: Suggest.hint(for: raw, among: known, kind: "response classes"))
        }
        return nil
    }

    static func stream(_ node: YNode) -> StreamSpec? {
        if node.items != nil { return StreamSpec(chunks: node.list().compactMap { $0.inertTemplate("a chunk") }) }
        var spec = StreamSpec(chunks: [])
        for entry in node.mapping("stream", allowed: ["chunks", "every", "uses"]) {
            switch entry.key {
            case "chunks": spec.chunks = entry.value.list().compactMap { $0.inertTemplate("a chunk") }
            case "every": spec.every = entry.value.duration("every") ?? 0
            case "uses": spec.uses = entry.value.list().compactMap { $0.string("a provider name") }
            default: break
            }
        }
        return spec
    }

    /// `GET /users/{user_id}` → `get_users_user_id`, as a Python function name (ASCII words only).
    static func defaultHandlerName(_ method: String, _ path: String) -> String {
        if ParamParser.isPlainASCII(method), ParamParser.isPlainASCII(path) { return asciiHandlerName(method, path) }
        let words = path.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).map { $0.lowercased() }
        return ([method.lowercased()] + words).joined(separator: "_")
    }

    /// `line.split(separator: " ")`, on the bytes when the line is plain ASCII (a byte is a Character there).
    static func splitAtSpaces(_ line: String) -> [String] {
        guard ParamParser.isPlainASCII(line) else { return line.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        return line.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `key.contains("/")`, on the bytes when the key is plain ASCII (Foundation's search was 1% of loading routes).
    static func containsSlash(_ key: String) -> Bool {
        ParamParser.isPlainASCII(key) ? key.utf8.contains(UInt8(ascii: "/")) : key.contains("/")
    }

    /// The same on bytes, for plain-ASCII text (a byte is a Character there): splitting by Character was most of it.
    static func asciiHandlerName(_ method: String, _ path: String) -> String {
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
        func isWordByte(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        var out = method.utf8.map(lower)
        var inWord = false
        for b in path.utf8 {
            if isWordByte(b) {
                if !inWord { out.append(UInt8(ascii: "_")); inWord = true }
                out.append(lower(b))
            } else {
                inWord = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Reads `requests:` and `expect:`.
enum RequestReader {
    static func request(_ node: YNode, index: Int = 0) -> RequestSpec? {
        if let line = node.scalar, !node.isNull { return parseLine(line, node) }
        if node["websocket"] != nil { return WebSocketReader.connection(node, index: index) }
        let pairs = node.mapping("a request", allowed: ["request", "headers", "cookies", "body", "dependency_overrides", "at", "disconnect", "cancel"])
        guard let line = pairs.first(where: { $0.key == "request" })?.value.scalar, var spec = parseLine(line, node) else {
            node.error("a request needs `request: METHOD /path`")
            return nil
        }
        for entry in pairs {
            switch entry.key {
            case "headers": spec.headers = entry.value.mapping("headers").map { ($0.key, $0.value.value.text) }
            case "cookies": spec.cookies = entry.value.mapping("cookies").map { ($0.key, $0.value.value.text) }
            case "body": spec.body = entry.value.value
            case "at": spec.at = entry.value.duration("the arrival time")
            case "disconnect": spec.disconnect = entry.value.duration("the time until the client disconnects")
            case "cancel": spec.cancel = entry.value.duration("the time until the server cancels the request")
            case "dependency_overrides":
                spec.overrides = Dictionary(entry.value.mapping("dependency_overrides").compactMap { p in
                    p.value.string("the replacement provider").map { (p.key, $0) }
                }, uniquingKeysWith: { $1 })
            default: break
            }
        }
        return spec
    }

    static func parseLine(_ line: String, _ node: YNode) -> RequestSpec? {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.first?.uppercased() == RequestSpec.webSocketMethod {
            node.error("a websocket connection is written `- websocket: \(parts.count > 1 ? parts[1] : "/ws")` with a `script:`",
                       hint: "see docs/websockets.md: the client's sends, receives and close")
            return nil
        }
        guard parts.count == 2, RouteReader.methods.contains(parts[0].uppercased()), parts[1].hasPrefix("/") else {
            node.error("bad request '\(line)'", hint: "write the method and the target: GET /items/7?q=x")
            return nil
        }
        return RequestSpec(method: parts[0].uppercased(), target: parts[1].trimmingCharacters(in: .whitespaces), location: node.location)
    }

    static func expectation(_ node: YNode) -> Expectation? {
        let pairs = node.mapping("an expectation", allowed: ["request", "fastapi", "status", "body", "headers", "trace", "received", "close"])
        guard let r = pairs.first(where: { $0.key == "request" }), let line = r.value.string("the request") else {
            node.error("an expectation needs `request:`")
            return nil
        }
        var e = Expectation(request: line, location: node.location)
        for entry in pairs {
            switch entry.key {
            case "fastapi":
                let raw = entry.value.scalar ?? ""
                if let p = Profile(name: raw) { e.profile = p } else {
                    entry.value.error("unknown FastAPI profile '\(raw)'", rule: "profile", hint: "use one of: " + Profile.allCases.map(\.rawValue).joined(separator: ", "))
                }
            case "status": e.status = entry.value.statusCode("the status")
            case "received": e.received = entry.value.list().map { $0.value.text }
            case "close": e.close = entry.value.int("the close code")
            case "headers": e.headers = entry.value.mapping("the expected headers").map { ($0.key, $0.value.isNull ? nil : $0.value.value.text) }
            case "body":
                e.body = entry.value.value
                e.bodyLocation = entry.value.location
            case "trace":
                let lines = entry.value.list()
                e.trace = lines.compactMap { $0.string("a trace line") }
                e.traceLineLocations = lines.map(\.location)
                e.traceLocation = entry.value.location
            default: break
            }
        }
        return e
    }
}

import Foundation
