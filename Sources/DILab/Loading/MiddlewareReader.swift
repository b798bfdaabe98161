/// Reads `middleware:` (a list: `- http: name` or `- asgi: ClassName`, each with `before:`/`after:` steps) and the
/// `request_state:` writes a provider, a route or a middleware step makes.
enum MiddlewareReader {
    static let entryKeys = ["http", "asgi", "before", "after", "headers", "doc", "except"]
    static let beforeKeys = ["duration", "request_state", "raises", "respond", "sets_context"]
    static let httpAfterKeys = ["duration", "request_state", "headers"]
    static let asgiAfterKeys = ["duration"]

    static func middleware(_ node: YNode) -> [Middleware] {
        node.list().compactMap(entry)
    }

    static func entry(_ node: YNode) -> Middleware? {
        let pairs = node.mapping("a middleware", allowed: entryKeys)
        let kinds = pairs.filter { $0.key == "http" || $0.key == "asgi" }
        guard kinds.count == 1, let head = kinds.first else {
            node.error(kinds.isEmpty ? "a middleware needs `http: function_name` or `asgi: ClassName`" : "a middleware is either `http:` or `asgi:`, not both",
                       rule: "middleware", hint: "`- http: add_process_time` (@app.middleware(\"http\")) or `- asgi: TimingMiddleware` (app.add_middleware)")
            return nil
        }
        let kind: Middleware.Kind = head.key == "http" ? .http : .asgi
        guard let name = head.value.string("the middleware's name"),
              head.value.checkName(name, .global, what: kind == .http ? "middleware function" : "middleware class") else { return nil }
        var m = Middleware(name: name, kind: kind, location: head.value.location)
        for p in pairs {
            switch p.key {
            case "before": m.before = step(p.value, allowed: beforeKeys, kind: kind, phase: "before")
            case "after": m.after = step(p.value, allowed: kind == .http ? httpAfterKeys : asgiAfterKeys, kind: kind, phase: "after")
            case "headers":
                guard kind == .asgi else {
                    p.keyNode.error("`headers:` on an http middleware belongs under `after:` (response.headers[...] after call_next)",
                                    rule: "middleware", hint: "write `after: {headers: {X-Name: value}}`")
                    continue
                }
                m.startHeaders = headers(p.value)
            case "except":
                guard kind == .http else {
                    p.keyNode.error("a pure ASGI middleware's try/except around `await self.app(...)` is not modelled", rule: "middleware",
                                    hint: "use an http middleware (`- http: name`) with `except: [{catch: ValueError, respond: {status: 503, body: ...}}]`")
                    continue
                }
                m.handlers = MiddlewareCatchReader.handlers(p.value)
            default: break
            }
        }
        return m
    }

    static func step(_ node: YNode, allowed: [String], kind: Middleware.Kind, phase: String) -> MiddlewareStep {
        var s = MiddlewareStep()
        let what = "a middleware's `\(phase):` step"
        let misplaced: [String: String] = kind == .asgi
            ? ["headers": "a pure ASGI middleware adds headers to http.response.start: write `headers:` beside `before:`",
               "request_state": "after the inner app returns, the request is over; set request_state in `before:`",
               "raises": "dilab models an ASGI middleware's exceptions only before the inner app runs (`before: {raises: ...}`)",
               "respond": "an ASGI middleware that answers itself is not modelled; use an http middleware's `before: {respond: ...}`",
               "sets_context": "a context variable set after the inner app returned is not modelled; set it in `before:`"]
            : ["respond": "`respond:` is a return before call_next: put it under `before:`",
               "raises": "a raise after call_next is not modelled: the app below is still running (its background tasks and cleanup), and how it ends differs by release",
               "sets_context": "a context variable set after call_next is not modelled; set it in `before:`"]
        for p in node.mapping(what, allowed: allowed, misplaced: misplaced) {
            let v = p.value
            switch p.key {
            case "duration": s.duration = v.duration("duration") ?? 0
            case "request_state": s.requestState = requestState(v)
            case "sets_context": s.contextSets = ContextVarReader.sets(v)
            case "headers": s.headers = headers(v)
            case "raises": s.raises = PieceReader.raises(v)
            case "respond":
                guard kind == .http else {
                    p.keyNode.error("an ASGI middleware that answers itself is not modelled", rule: "middleware",
                                    hint: "use an http middleware (`- http: name`) with `before: {respond: {status: 403, body: ...}}`")
                    continue
                }
                s.respond = respond(v)
            default: break
            }
        }
        return s
    }

    /// `respond: {status: 401, body: {detail: ...}, when: ...}`: `return JSONResponse(body, status_code=status)`.
    static func respond(_ node: YNode) -> EarlyResponse? {
        var status = 200
        var body: Template = .value(.null)
        var when: Condition?
        for p in node.mapping("an early response", allowed: ["status", "body", "when"]) {
            switch p.key {
            case "status": status = p.value.statusCode("the status") ?? 200
            case "body": body = p.value.inertTemplate("the body") ?? .value(.null)
            case "when": when = p.value.inertCondition("when")
            default: break
            }
        }
        guard Scenario.bodyAllowed(status: status) else {
            node.error("an early response with status \(status) has no body: not modelled", rule: "middleware",
                       hint: "use a status from 200 to 599 other than 204, 205 and 304")
            return nil
        }
        return EarlyResponse(status: status, body: body, when: when)
    }

    /// `request.state.<name> = value`: each name an attribute Python can spell.
    static func requestState(_ node: YNode) -> [(String, Template)] {
        node.mapping("request_state").compactMap { p in
            guard p.keyNode.checkName(p.key, .parameter, what: "request.state attribute") else { return nil }
            guard !p.key.hasPrefix("_") else {
                // State keeps its own `_state` dict; and no template may read a `_` member (TemplatePath).
                p.keyNode.error("request.state attribute '\(p.key)' starts with '_'", rule: "middleware", hint: "name it without the leading underscore")
                return nil
            }
            return p.value.inertTemplate("a request.state value").map { (p.key, $0) }
        }
    }

    /// Header writes, checked as a temporal Response's are (HTTP tokens; visible ASCII or `{{...}}` holes).
    static func headers(_ node: YNode) -> [(String, Template)] {
        node.mapping("the headers").compactMap { h in
            guard ResponseSets.isToken(h.key) else {
                h.keyNode.error("header name '\(h.key)' is not an HTTP token", rule: "middleware",
                                hint: "use letters, digits and !#$%&'*+-.^_`|~ only, e.g. X-Request-Id")
                return nil
            }
            if let why = ResponseSetsReader.refusedHeaders[h.key.lowercased()] {
                h.keyNode.error("header '\(h.key)' in a middleware is not modelled: \(why)", rule: "middleware", hint: "set another header")
                return nil
            }
            return headerValue(h.value).map { (h.key, $0) }
        }
    }

    /// Visible ASCII with inner spaces around `{{...}}` holes; which holes may appear is MiddlewareCheck's question.
    static func headerValue(_ node: YNode) -> Template? {
        ResponseSetsReader.headerValue(node, rule: "middleware", example: "{{request.state.request_id}}", holes: .inert)
    }
}
