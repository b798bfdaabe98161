/// Reads `sets: {headers: {...}, cookies: {...}, status: 201}` on a provider or a route that takes `response: Response`.
enum ResponseSetsReader {
    /// Names FastAPI's response already carries, or that `sets:` spells another way: refused, not modelled.
    static let refusedHeaders: [String: String] = [
        "content-type": "the response class sets it too, and FastAPI would then send two",
        "content-length": "the response class sets it too, and FastAPI would then send two",
        "set-cookie": "write it under `cookies:` (response.set_cookie)",
    ]

    static func sets(_ node: YNode, owner: String) -> ResponseSets? {
        var s = ResponseSets(location: node.location)
        var ok = true
        for entry in node.mapping("sets", allowed: ["headers", "cookies", "status"]) {
            let v = entry.value
            switch entry.key {
            case "headers":
                for h in v.mapping("the headers") {
                    guard ResponseSets.isToken(h.key) else {
                        h.keyNode.error("header name '\(h.key)' is not an HTTP token", rule: "response-param",
                                        hint: "use letters, digits and !#$%&'*+-.^_`|~ only, e.g. X-Request-Id")
                        ok = false; continue
                    }
                    if let why = refusedHeaders[h.key.lowercased()] {
                        h.keyNode.error("header '\(h.key)' in sets: is not modelled: \(why)", rule: "response-param",
                                        hint: "set another header")
                        ok = false; continue
                    }
                    guard let t = headerValue(h.value) else { ok = false; continue }
                    s.headers.append((h.key, t))
                }
            case "cookies":
                for c in v.mapping("the cookies") {
                    let value = c.value.scalar ?? ""
                    guard ResponseSets.isCookieText(c.key), c.value.pairs == nil, c.value.items == nil, ResponseSets.isCookieText(value) else {
                        c.keyNode.error("cookie '\(c.key)' needs a name and a non-empty literal value that http.cookies leaves unquoted",
                                        rule: "response-param", hint: "use letters, digits and !#$%&'*+-.^_`|~: only (no spaces, quotes, commas or ;)")
                        ok = false; continue
                    }
                    s.cookies.append((c.key, value))
                }
            case "status":
                guard let code = v.statusCode("the status") else { ok = false; continue }
                guard Scenario.bodyAllowed(status: code), code >= 200 else {
                    v.error("status \(code) in sets: is not modelled (FastAPI empties the body and drops content-length)", rule: "response-param",
                            hint: "use a status from 200 to 599 other than 204, 205 and 304, or the route's `status:`")
                    ok = false; continue
                }
                s.status = code
            default: break
            }
        }
        return ok ? s : nil
    }

    /// A header value: visible ASCII with inner spaces, optionally with `{{call}}` holes (an int); nothing else,
    /// so every value dilab sends, exports and compares is one Starlette and every server pass through unchanged.
    static func headerValue(_ node: YNode) -> Template? {
        headerValue(node, rule: "response-param", example: "req-{{call}}", holes: .callOnly)
    }

    /// Which `{{...}}` holes a header value may hold.
    enum HeaderHoles {
        /// Only `{{call}}`: a value read from the request could hold what no header may.
        case callOnly
        /// Any hole that cannot raise (middleware: which ones may appear is MiddlewareCheck's question).
        case inert
    }

    /// The one header-value check behind `sets: {headers: ...}` and middleware headers.
    static func headerValue(_ node: YNode, rule: String, example: String, holes: HeaderHoles) -> Template? {
        guard node.pairs == nil, node.items == nil, !node.isNull,
              let t = holes == .inert ? node.inertTemplate("a header value") : node.template("a header value") else {
            node.error("expected a header value (text)", rule: rule, hint: "write X-Request-Id: \"\(example)\"")
            return nil
        }
        var literal = ""
        switch t {
        case .value(let v): literal = v.text
        case .text(let pieces):
            for p in pieces {
                switch p {
                case .literal(let text): literal += text
                case .hole(let e, _):
                    if holes == .callOnly {
                        guard case .ref(let path) = e, path.count == 1, Builtin.named(path[0]) == .call else {
                            node.error("a header value may only hold {{call}}", rule: rule,
                                       hint: "a value read from the request could hold what no header may; write literal text or {{call}}")
                            return nil
                        }
                    }
                    literal += "1"
                }
            }
        default: break
        }
        guard !literal.isEmpty, ResponseSets.isHeaderText(literal) else {
            node.error("a header value must be visible ASCII text, with spaces only inside", rule: rule,
                       hint: "drop control characters, non-ASCII text and leading or trailing spaces")
            return nil
        }
        return t
    }

    /// `sets:` is `response.headers[...] = ...` in Python: only valid on a callable that takes `response: Response`.
    static func check(_ sets: ResponseSets?, params: [Param], owner: String, node: YNode, lruCache: Bool = false) {
        if lruCache, let p = params.first(where: { if case .responseObject = $0.kind { return true }; return false }) {
            // Each request's Response is a new object, so lru_cache would miss every time: not what the key says.
            node.error("\(owner) is `lru_cache` but takes a Response parameter (a new object each request: every call misses)",
                       rule: "response-param", hint: "drop lru_cache, or the `\(p.name): Response` parameter", at: p.location)
        }
        guard let sets else { return }
        if params.contains(where: { $0.name == "call" }), sets.headers.contains(where: { $0.1.roots.contains { Builtin.named($0) == .call } }) {
            node.error("\(owner) has a parameter named `call`, so {{call}} in `sets:` would read it", rule: "response-param",
                       hint: "write {{@call}}, or rename the parameter", at: sets.location)
        }
        guard !params.contains(where: { if case .responseObject = $0.kind { return true }; return false }) else { return }
        node.error("\(owner) has `sets:` but no Response parameter", rule: "response-param", hint: "add `response: Response` to its params",
                   at: sets.location)
    }
}
