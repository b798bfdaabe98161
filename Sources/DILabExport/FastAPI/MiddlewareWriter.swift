import DILab

/// The scenario's `middleware:` as a FastAPI developer writes it: `@app.middleware("http")` functions and pure
/// ASGI classes added with `app.add_middleware`, in the scenario's order (the last added is the outermost), each
/// recording `middleware.enter` / `middleware.response` / `middleware.exit` where the engine emits them.
/// Written before `app.add_middleware(RequestIds)`, so the recorder's numbering stays outermost.
struct MiddlewareWriter {
    let scenario: Scenario

    func write(into w: inout PythonWriter) {
        for m in scenario.middleware {
            switch m.kind {
            case .http: http(m, into: &w)
            case .asgi: asgi(m, into: &w)
            }
        }
    }

    private var syntax: PythonSyntax { PythonSyntax.function(params: ["request"]) }

    private func bodies(_ m: Middleware) -> Bodies {
        Bodies(syntax: syntax, subject: PythonSyntax.string(m.name), isAsync: true, backgroundTasks: nil)
    }

    private func http(_ m: Middleware, into w: inout PythonWriter) {
        let name = PythonSyntax.string(m.name)
        w.line()
        w.line()
        w.line("@app.middleware(\"http\")")
        w.line("async def \(m.name)(request: Request, call_next):")
        w.indented { w in
            w.line("record(\"middleware.enter\", \(name))")
            steps(m.before, of: m, response: nil, into: &w)
            if let r = m.before.respond {
                let answer = "JSONResponse(\(syntax.template(r.body)), status_code=\(r.status))"
                let lines = { (w: inout PythonWriter) in
                    w.line("record(\"middleware.exit\", \(name), \"\(r.status)\")")
                    w.line("return \(answer)")
                }
                if let when = r.when {
                    w.line("if \(syntax.condition(when)):")
                    w.indented(lines)
                } else {
                    lines(&w)
                    return
                }
            }
            catching(m, into: &w)
            w.line("record(\"middleware.response\", \(name), str(response.status_code))")
            steps(m.after, of: m, response: "response", into: &w)
            w.line("record(\"middleware.exit\", \(name), str(response.status_code))")
            w.line("return response")
        }
    }

    /// `response = await call_next(request)`, inside `try:` when the middleware has `except:` blocks: call_next
    /// re-raises what the app below raised, and each block returns its own JSONResponse.
    private func catching(_ m: Middleware, into w: inout PythonWriter) {
        guard !m.handlers.isEmpty else { return w.line("response = await call_next(request)") }
        let name = PythonSyntax.string(m.name)
        w.line("try:")
        w.indented { $0.line("response = await call_next(request)") }
        for h in m.handlers {
            var inExcept = syntax
            inExcept.roots["exc"] = "describe(exc)"
            var block = w.child()
            block.indented { w in
                w.line("record(\"catch\", \(name), summary(exc) + \(PythonSyntax.string(" → \(h.status)")))")
                w.line("record(\"middleware.exit\", \(name), \"\(h.status)\")")
                w.line("return JSONResponse(\(inExcept.template(h.body)), status_code=\(h.status))")
            }
            let bound = PythonNames.used(in: block.lines.joined(separator: "\n")).contains("exc")
            w.line("except \(h.exception)" + (bound ? " as exc:" : ":"))
            w.append(block)
        }
    }

    private func asgi(_ m: Middleware, into w: inout PythonWriter) {
        let name = PythonSyntax.string(m.name)
        w.line()
        w.line()
        w.line("class \(m.name):")
        w.indented { w in
            // Named `app`: Starlette 0.27's add_middleware passes it as a keyword (`cls(app=app)`).
            w.line("def __init__(self, app):")
            w.indented { $0.line("self.app = app") }
            w.line()
            w.line("async def __call__(self, scope, receive, send):")
            w.indented { w in
                w.line("if scope[\"type\"] != \"http\":")
                w.indented { $0.line("return await self.app(scope, receive, send)") }
                // The rest first: `request = Request(scope)` only where it reads the request (pyflakes: no unused local).
                var rest = w.child()
                rest.line("record(\"middleware.enter\", \(name))")
                steps(m.before, of: m, response: nil, into: &rest)
                rest.line()
                rest.line("async def send_wrapper(message):")
                rest.indented { w in
                    w.line("if message[\"type\"] == \"http.response.start\":")
                    w.indented { w in
                        w.line("record(\"middleware.response\", \(name), str(message[\"status\"]))")
                        if !m.startHeaders.isEmpty {
                            w.line("headers = MutableHeaders(scope=message)")
                            for (header, value) in m.startHeaders {
                                w.line("headers.append(\(PythonSyntax.string(header)), \(syntax.textTemplate(value)))")
                            }
                        }
                    }
                    w.line("await send(message)")
                }
                rest.line()
                rest.line("await self.app(scope, receive, send_wrapper)")
                steps(m.after, of: m, response: nil, into: &rest)
                rest.line("record(\"middleware.exit\", \(name))")
                if PythonNames.used(in: rest.text).contains("request") { w.line("request = Request(scope)") }
                w.append(rest)
            }
        }
        w.line()
        w.line()
        w.line("app.add_middleware(\(m.name))")
    }

    /// A step's code in the engine's order: pause, `request.state` writes, header writes, the first raise that holds.
    private func steps(_ step: MiddlewareStep, of m: Middleware, response: String?, into w: inout PythonWriter) {
        var b = bodies(m)
        b.contextSets = step.contextSets
        b.setContext(into: &w)
        b.pause(step.duration, into: &w)
        for (attr, value) in step.requestState { w.line("request.state.\(attr) = " + syntax.template(value)) }
        if let response {
            for (header, value) in step.headers { w.line("\(response).headers[\(PythonSyntax.string(header))] = " + syntax.textTemplate(value)) }
        }
        b.raises(step.raises, into: &w)
    }
}
