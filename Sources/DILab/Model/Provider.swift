/// A dependency: a function, generator, class or callable instance that FastAPI calls through `Depends`.
public struct Provider: Sendable {
    public enum Form: String, Sendable { case function, classType = "class", instance }

    public var name: String
    public var location: SourceLocation
    public var isAsync: Bool
    public var isGenerator: Bool
    public var form: Form
    /// For a callable instance: the class it is an instance of, shown and exported.
    public var instanceOf: String?
    /// For a parametrized factory product: the factory call that made it, e.g. `get_resource_by_type("cache")`.
    public var factory: String?
    /// `returns_task: send_email`: the dependency returns the task function itself, which a handler queues with
    /// `background_tasks.add_task(<its parameter>, ...)` (`adds_tasks: [{task: "{{notifier}}"}]`).
    public var returnsTask: String?
    /// `@lru_cache`: FastAPI still calls it every request, but the body runs once per app lifetime.
    public var lruCache: Bool
    /// A FastAPI security scheme instance (counts as "uses scopes").
    public var securityScheme: SecurityScheme?
    public var params: [Param]
    public var returns: Template?
    public var duration: Int
    public var raises: [RaiseSpec]
    public var addsTasks: [TaskCall]
    public var cleanup: Cleanup
    public var handlers: [ExceptHandler]
    public var doc: String?
    /// The pool this provider takes one unit from while it runs (a yield provider: until its cleanup has run).
    public var acquires: String?
    public var acquiresLocation: SourceLocation?
    /// What it writes to the temporal Response it takes (`sets:`).
    public var sets: ResponseSets?
    /// `request.state.name = value` lines (`request_state:`), for a provider taking `request: Request`.
    public var requestState: [(String, Template)] = []
    /// `var.set(value)` lines (`sets_context:`), run where `request_state:` is written.
    public var contextSets: ContextSets = []
    /// A decorator written with `@functools.wraps`: a sync `def wrapper(*args, **kwargs)` around the function.
    public var wrappedBy: WrappedBy?

    public init(name: String, location: SourceLocation = .unknown, isAsync: Bool = false, isGenerator: Bool = false,
                form: Form = .function, instanceOf: String? = nil, factory: String? = nil, lruCache: Bool = false,
                securityScheme: SecurityScheme? = nil, params: [Param] = [], returns: Template? = nil, duration: Int = 0,
                raises: [RaiseSpec] = [], addsTasks: [TaskCall] = [], cleanup: Cleanup = Cleanup(),
                handlers: [ExceptHandler] = [], doc: String? = nil) {
        self.name = name
        self.location = location
        self.isAsync = isAsync
        self.isGenerator = isGenerator
        self.form = form
        self.instanceOf = instanceOf
        self.factory = factory
        self.lruCache = lruCache
        self.securityScheme = securityScheme
        self.params = params
        self.returns = returns
        self.duration = duration
        self.raises = raises
        self.addsTasks = addsTasks
        self.cleanup = cleanup
        self.handlers = handlers
        self.doc = doc
    }
}

/// `wrapped_by:` — the decorator a provider is wrapped in: `def <decorator>(func)` returning a sync
/// `@functools.wraps(func) def wrapper(*args, **kwargs): return func(*args, **kwargs)`.
/// With `async: true`, `async def wrapper` awaiting an `async def` or running a `def` with `run_in_threadpool`
/// (the test's `noop_wrap_async`), on a non-generator provider only.
public struct WrappedBy: Sendable, Equatable {
    public var decorator: String
    public var isAsync: Bool
    /// `keeps_wrapped: false`: no `@functools.wraps`, so FastAPI sees `(*args, **kwargs)` (the loader then gives
    /// the provider the two query parameters `args` and `kwargs` FastAPI reads from it).
    public var keepsWrapped: Bool
    /// `decorates: __call__`: the decorator is on a callable instance's `__call__` method (`@noop_wrap def
    /// __call__`), not around the instance; FastAPI classifies both alike on every profile (observed).
    public var decoratesCall: Bool = false
    public var location: SourceLocation
    public init(decorator: String, isAsync: Bool = false, keepsWrapped: Bool = true, decoratesCall: Bool = false, location: SourceLocation = .unknown) {
        self.decorator = decorator
        self.isAsync = isAsync
        self.keepsWrapped = keepsWrapped
        self.decoratesCall = decoratesCall
        self.location = location
    }
}

/// A FastAPI security scheme used as a dependency (`HTTPBearer()`, `OAuth2PasswordBearer(...)`, `APIKeyHeader(...)`).
public struct SecurityScheme: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case httpBearer = "http_bearer", oauth2PasswordBearer = "oauth2_password_bearer", apiKeyHeader = "api_key_header"
        /// FastAPI's class name.
        public var className: String {
            switch self {
            case .httpBearer: return "HTTPBearer"
            case .oauth2PasswordBearer: return "OAuth2PasswordBearer"
            case .apiKeyHeader: return "APIKeyHeader"
            }
        }
    }
    public var kind: Kind
    /// Header name for `api_key_header`.
    public var headerName: String
    /// `auto_error=False`: a missing credential gives `None` instead of an error.
    public var autoError: Bool
    public init(kind: Kind, headerName: String = "Authorization", autoError: Bool = true) {
        self.kind = kind
        self.headerName = headerName
        self.autoError = autoError
    }
}

/// What a yield dependency does after `yield` on the success path, and how long it takes.
public struct Cleanup: Sendable {
    public var duration: Int
    public var raises: [RaiseSpec]
    public var addsTasks: [TaskCall]
    public init(duration: Int = 0, raises: [RaiseSpec] = [], addsTasks: [TaskCall] = []) {
        self.duration = duration
        self.raises = raises
        self.addsTasks = addsTasks
    }
}

/// One `except <Type>:` block of a yield dependency.
public struct ExceptHandler: Sendable {
    public enum Action: Sendable { case reraise, swallow, raise(RaiseSpec) }
    public var catches: String
    public var action: Action
    /// Only act when this holds (over the dependency's arguments and `exc`); otherwise the block re-raises.
    public var when: Condition?
    public var location: SourceLocation
    public init(catches: String = "Exception", action: Action = .reraise, when: Condition? = nil, location: SourceLocation = .unknown) {
        self.catches = catches
        self.action = action
        self.when = when
        self.location = location
    }
}

/// An exception to raise: `HTTPException(status, detail)` or another exception type with a message.
public struct RaiseSpec: Sendable {
    public var exception: String
    public var status: Int?
    public var detail: Template?
    public var message: Template?
    public var headers: [(String, String)]
    public var when: Condition?
    public var location: SourceLocation
    /// `WebSocketException(code=..., reason=...)`: the close code and reason.
    public var code: Int?
    public var reason: Template?

    public init(exception: String = "HTTPException", status: Int? = nil, detail: Template? = nil, message: Template? = nil,
                headers: [(String, String)] = [], when: Condition? = nil, location: SourceLocation = .unknown) {
        self.exception = exception
        self.status = status
        self.detail = detail
        self.message = message
        self.headers = headers
        self.when = when
        self.location = location
    }

    public var isHTTPException: Bool { exception == "HTTPException" }
    public var isWebSocketException: Bool { exception == "WebSocketException" }
}
