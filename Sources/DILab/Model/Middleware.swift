/// A middleware the app adds, in the order the scenario lists them (the order of the Python statements): the
/// last one added is the outermost, as Starlette builds `user_middleware` inside ServerErrorMiddleware and
/// outside ExceptionMiddleware.
public struct Middleware: Sendable {
    public enum Kind: String, Sendable {
        /// `@app.middleware("http") async def name(request, call_next)`: Starlette's BaseHTTPMiddleware.
        case http
        /// `app.add_middleware(Name)`: a pure ASGI class wrapping `send`.
        case asgi
    }

    public var name: String
    public var kind: Kind
    public var location: SourceLocation
    /// Before `call_next` (BaseHTTP) or before `await self.app(...)` (ASGI).
    public var before = MiddlewareStep()
    /// After `call_next` returned the response (BaseHTTP), or after the inner app returned (ASGI).
    public var after = MiddlewareStep()
    /// ASGI only: headers appended to the `http.response.start` message as it passes.
    public var startHeaders: [(String, Template)] = []
    /// http only: `try: response = await call_next(request)` / `except X as exc: return JSONResponse(...)`, in order.
    public var handlers: [ExceptionHandlerSpec] = []

    public init(name: String, kind: Kind, location: SourceLocation = .unknown) {
        self.name = name
        self.kind = kind
        self.location = location
    }
}

/// Straight-line code in a middleware, in this order: a pause, `request.state` writes, response header writes
/// (after `call_next` only), the first `raises:` whose `when:` holds, an early `respond:` (before only).
public struct MiddlewareStep: Sendable {
    public var duration = 0
    public var requestState: [(String, Template)] = []
    public var headers: [(String, Template)] = []
    public var raises: [RaiseSpec] = []
    public var respond: EarlyResponse?
    /// `var.set(value)` lines (`sets_context:`), after the `request_state` writes.
    public var contextSets: ContextSets = []
    public init() {}

    public var isEmpty: Bool { duration == 0 && requestState.isEmpty && headers.isEmpty && raises.isEmpty && respond == nil && contextSets.isEmpty }
}

/// `return JSONResponse(body, status_code=status)` from a BaseHTTP middleware, without calling `call_next`.
public struct EarlyResponse: Sendable {
    public var status: Int
    public var body: Template
    public var when: Condition?
    public init(status: Int, body: Template, when: Condition? = nil) {
        self.status = status
        self.body = body
        self.when = when
    }
}
