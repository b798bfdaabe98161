/// Reads an http middleware's `except:` list: `- catch: ValueError` with `respond: {status: 503, body: ...}`.
enum MiddlewareCatchReader {
    /// Exceptions that never reach a user middleware: ExceptionMiddleware, below every user middleware, turns
    /// them into a response first (observed on all four profiles).
    static let neverReaching: [String: String] = [
        "HTTPException": "an HTTPException never reaches a middleware's except: ExceptionMiddleware, below it, has made it a response (call_next returns it)",
        "StarletteHTTPException": "an HTTPException never reaches a middleware's except: ExceptionMiddleware, below it, has made it a response (call_next returns it)",
        "RequestValidationError": "a RequestValidationError never reaches a middleware's except: FastAPI's handler, below it, has made it a 422 (call_next returns it)",
        "WebSocketException": "a websocket never passes an http middleware",
    ]

    static func handlers(_ node: YNode) -> [ExceptionHandlerSpec] {
        node.list().compactMap { item in
            var catches: String?
            var status = 500
            var body: Template = .value(.null)
            var at = item.location
            for p in item.mapping("an except block", allowed: ["catch", "respond"]) {
                switch p.key {
                case "catch":
                    guard let name = p.value.string("the exception type"), p.value.checkName(name, .caughtException, what: "exception type") else { continue }
                    at = p.value.location
                    if let why = neverReaching[name] {
                        p.value.error(why, rule: "middleware", hint: "check the status after call_next instead, or catch an exception no handler takes (e.g. ValueError)")
                        continue
                    }
                    guard PyError.builtinChain(name) != nil else {
                        p.value.error("'\(name)' in a middleware's except: only Python's built-in exceptions are modelled there", rule: "middleware",
                                      hint: "catch e.g. Exception, ValueError or RuntimeError")
                        continue
                    }
                    catches = name
                case "respond":
                    for r in p.value.mapping("the response", allowed: ["status", "body"]) {
                        switch r.key {
                        case "status": status = r.value.statusCode("the status") ?? 500
                        case "body": body = r.value.inertTemplate("the body") ?? .value(.null)
                        default: break
                        }
                    }
                    if !Scenario.bodyAllowed(status: status) {
                        p.value.error("a response with status \(status) has no body: not modelled here", rule: "middleware", hint: "use a status from 200 to 599 other than 204, 205 and 304")
                    }
                default: break
                }
            }
            guard let catches else {
                if item["catch"] == nil { item.error("an except block needs `catch: ExceptionType`", rule: "middleware", hint: "e.g. `- {catch: ValueError, respond: {status: 503, body: {detail: unavailable}}}`") }
                return nil
            }
            guard item["respond"] != nil else {
                item.error("an except block of a middleware needs `respond:`", rule: "middleware",
                           hint: "`respond: {status: 503, body: ...}` is `return JSONResponse(body, status_code=503)`; re-raising is what happens without the block")
                return nil
            }
            return ExceptionHandlerSpec(exception: catches, status: status, body: body, location: at)
        }
    }
}
