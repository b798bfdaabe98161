/// A scenario: a FastAPI app described as data, plus the requests to simulate and what to expect.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var file: String
    public var profile: Profile
    public var profileLocation: SourceLocation?
    public var providers: [Provider] { didSet { providerIndex = Scenario.index(providers.map(\.name)) } }
    public var tasks: [TaskDef] { didSet { taskIndex = Scenario.index(tasks.map(\.name)) } }
    public var app: AppConfig
    public var routers: [Router] { didSet { routerIndex = Scenario.index(routers.map(\.name)) } }
    public var routes: [Route]
    public var overrides: [Override]
    public var requests: [RequestSpec]
    public var expectations: [Expectation]
    /// `Annotated[T, Depends(...)]` aliases by name, each one declaration object.
    public var aliases: [String: DependsSpec] = [:]
    /// Resources with a capacity (`pools: {db_pool: 2}`): a provider that `acquires:` one waits while it is empty.
    public var pools: [Pool] = []
    /// In-memory connection managers shared by websocket endpoints (`rooms: [manager]`).
    public var rooms: [Room] = []
    /// `models:` — Pydantic classes a body or query parameter may be annotated with (see BodyModel.swift).
    public var models: [BodyModel] = []
    /// `@app.middleware("http")` functions and `app.add_middleware(...)` classes, in the order they are added.
    public var middleware: [Middleware] = []
    /// `context_vars:` — module-level `ContextVar`s the callables set and read (see ContextVar.swift).
    public var contextVars: [ContextVarDecl] = []
    /// Diagnostics this scenario expects FastAPI to raise when the app is built (scope errors, cycles).
    public var expectedAppErrors: [String]
    /// The file's text, kept for caret snippets in diagnostics and for `dilab test --update`.
    public var sourceText: String = ""

    /// The longest duration a scenario may write (1 day): a simulated step beyond that is a typo, and the cap
    /// keeps every sum of durations far from `Int` overflow.
    public static let maxDurationMs = 86_400_000
    /// HTTP status codes are three digits, 100–599 (RFC 9110 §15); anything else is refused at load.
    public static let statusCodes = 100...599

    /// FastAPI's `is_body_allowed_for_status_code`: 1xx, 204, 205 and 304 responses carry no body at all.
    public static func bodyAllowed(status: Int) -> Bool {
        !(status < 200 || [204, 205, 304].contains(status))
    }

    public init(name: String = "", description: String = "", file: String = "<input>", profile: Profile = .latest,
                providers: [Provider] = [], tasks: [TaskDef] = [], app: AppConfig = AppConfig(), routers: [Router] = [],
                routes: [Route] = [], overrides: [Override] = [], requests: [RequestSpec] = [],
                expectations: [Expectation] = [], expectedAppErrors: [String] = []) {
        self.name = name
        self.description = description
        self.file = file
        self.profile = profile
        self.providers = providers
        self.tasks = tasks
        self.app = app
        self.routers = routers
        self.routes = routes
        self.overrides = overrides
        self.requests = requests
        self.expectations = expectations
        self.expectedAppErrors = expectedAppErrors
        providerIndex = Scenario.index(providers.map(\.name))
        taskIndex = Scenario.index(tasks.map(\.name))
        routerIndex = Scenario.index(routers.map(\.name))
    }

    // Name → position, kept in step with the arrays: lookups by name happen per use site, so a linear
    // search made 10,000 sibling dependencies quadratic.
    private var providerIndex: [String: Int] = [:]
    private var taskIndex: [String: Int] = [:]
    private var routerIndex: [String: Int] = [:]

    /// The first position of each name, as `first { $0.name == name }` would find it.
    static func index(_ names: [String]) -> [String: Int] {
        var out: [String: Int] = [:]
        out.reserveCapacity(names.count)
        for (i, n) in names.enumerated() where out[n] == nil { out[n] = i }
        return out
    }

    public func provider(named name: String) -> Provider? { providerIndex[name].map { providers[$0] } }
    public func task(named name: String) -> TaskDef? { taskIndex[name].map { tasks[$0] } }
    public func router(named name: String) -> Router? { routerIndex[name].map { routers[$0] } }
}

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

/// A parameter of a provider, a handler or a task's signature.
public struct Param: Sendable {
    public var name: String
    public var kind: Kind
    public var location: SourceLocation

    public enum Kind: Sendable {
        case depends(DependsSpec)
        case request(RequestParam)
        case backgroundTasks
        case securityScopes
        /// `websocket: WebSocket`: the connection itself, filled in only in a websocket endpoint's graph.
        case webSocket
        /// `request: Request`: Starlette's Request (method, url, headers, query and path parameters, cookies).
        case requestObject
        /// `response: Response`: the request's one temporal Response (headers, cookies, status); see TemporalResponse.swift.
        case responseObject
    }

    public init(name: String, kind: Kind, location: SourceLocation = .unknown) {
        self.name = name
        self.kind = kind
        self.location = location
    }

    public var depends: DependsSpec? {
        if case .depends(let d) = kind { return d }
        return nil
    }
}

/// The three ways a scenario writes a dependency parameter.
public enum DependsSpelling: Sendable, Equatable {
    /// `db: Depends(get_db)`: no annotation.
    case bare
    /// `db: Session = Depends(get_db)`.
    case defaulted
    /// `db: Annotated[Session, Depends(get_db)]`.
    case annotated
}

/// `Depends(provider, use_cache=..., scope=...)` or `Security(provider, scopes=[...])`.
public struct DependsSpec: Sendable {
    public var provider: String
    public var useCache: Bool
    public var scope: String?
    public var isSecurity: Bool
    public var scopes: [String]
    public var location: SourceLocation
    /// Where `scope=` was written, for the TypeError older profiles give.
    public var scopeLocation: SourceLocation?
    /// `max_concurrency=N` (0.163+) as written: an int, or the literal FastAPI refuses (`True`, `0`, `"2"`).
    public var maxConcurrency: MaxConcurrency?
    public var maxConcurrencyLocation: SourceLocation?

    /// The `aliases:` entry this use came from (`db: LimitedDB`), if any.
    public var alias: String?
    /// How the parameter was written, so the export writes it the same way; FastAPI reads all three alike.
    public var spelling: DependsSpelling = .bare
    /// The type annotation as written (`Session` in `Session = Depends(get_db)`), when it is one plain name.
    public var annotation: String?
    /// `Depends()` with no callable: FastAPI depends on the annotation's class (`commons: Commons = Depends()`).
    public var shortcut = false

    /// One semaphore per `Depends(...)` object: the text where it was written names it (an alias's own text, so
    /// every parameter typed with the alias shares it).
    public var declaration: String { "\(location.file):\(location.line):\(location.column)" }

    public init(provider: String, useCache: Bool = true, scope: String? = nil, isSecurity: Bool = false,
                scopes: [String] = [], location: SourceLocation = .unknown, scopeLocation: SourceLocation? = nil) {
        self.provider = provider
        self.useCache = useCache
        self.scope = scope
        self.isSecurity = isSecurity
        self.scopes = scopes
        self.location = location
        self.scopeLocation = scopeLocation
    }
}

/// A value read from the request: path, query, header, cookie or body.
public struct RequestParam: Sendable {
    public enum Source: String, Sendable { case path, query, header, cookie, body, inferred }
    public enum ValueType: String, Sendable, CaseIterable { case int, float, str, bool, dict, list, any }
    public var source: Source
    public var type: ValueType
    public var optional: Bool
    public var defaultValue: Value?
    public var alias: String?
    /// `Query(gt=0, max_length=8, pattern="^a")`: pydantic's constraints, in the order written.
    public var constraints: [ParamConstraint] = []
    /// The declared model (`models:`) this parameter is annotated with: validated field by field.
    public var model: String?
    /// An annotation validated as a model field is (`EmailStr`, `list[Item]`): pydantic's checks over `type`'s.
    public var fieldType: FieldType?

    public init(source: Source = .inferred, type: ValueType = .str, optional: Bool = false,
                defaultValue: Value? = nil, alias: String? = nil) {
        self.source = source
        self.type = type
        self.optional = optional
        self.defaultValue = defaultValue
        self.alias = alias
    }

    public var isRequired: Bool { defaultValue == nil && !optional }
}

/// One constraint keyword of `Path`/`Query`/`Header`/`Cookie` (`gt`, `ge`, `lt`, `le`, `multiple_of`, `min_length`,
/// `max_length`, `pattern`, or `regex`, its deprecated spelling) and its value as written: an int, a float or a string.
public struct ParamConstraint: Sendable {
    public var keyword: String
    public var value: Value
    public init(keyword: String, value: Value) {
        self.keyword = keyword
        self.value = value
    }
}

/// A background task function.
public struct TaskDef: Sendable {
    public var name: String
    public var location: SourceLocation
    public var isAsync: Bool
    public var duration: Int
    /// The provider whose resource the task touches; used to flag use after cleanup.
    public var uses: [String]
    public var raises: [RaiseSpec]
    public var params: [String]
    /// `var.set(value)` lines (`sets_context:`), after its pause.
    public var contextSets: ContextSets = []
    public init(name: String, location: SourceLocation = .unknown, isAsync: Bool = false, duration: Int = 0,
                uses: [String] = [], raises: [RaiseSpec] = [], params: [String] = []) {
        self.name = name
        self.location = location
        self.isAsync = isAsync
        self.duration = duration
        self.uses = uses
        self.raises = raises
        self.params = params
    }
}

/// `background_tasks.add_task(task, **args)`.
public struct TaskCall: Sendable {
    public var task: String
    /// `task: "{{notifier}}"`: the task is the function the parameter `notifier` holds (a `returns_task:` dependency);
    /// `task` is then that function's name, resolved when the scenario is loaded.
    public var viaParam: String?
    public var args: [(String, Template)]
    public var when: Condition?
    public var location: SourceLocation
    public init(task: String, args: [(String, Template)] = [], when: Condition? = nil, location: SourceLocation = .unknown) {
        self.task = task
        self.args = args
        self.when = when
        self.location = location
    }
}

/// App-level settings: `FastAPI(dependencies=..., lifespan=...)` and exception handlers.
public struct AppConfig: Sendable {
    public var dependencies: [DependsSpec]
    public var lifespan: Lifespan?
    public var exceptionHandlers: [ExceptionHandlerSpec]
    /// AnyIO's default thread limiter (`current_default_thread_limiter().total_tokens`): 40 unless the app sets it.
    public var threadpoolTokens: Int = AppConfig.defaultThreadpoolTokens
    public var threadpoolLocation: SourceLocation?
    public static let defaultThreadpoolTokens = 40
    /// `uvicorn --workers N`: each worker is its own process with its own rooms (websocket connection managers).
    public var workers: Int = 1
    /// `FastAPI(default_response_class=...)`: the class of every route that names none nearer (nil: JSONResponse).
    public var defaultResponseClass: ResponseClass?
    /// `app.state.<key> = value` right after `app = FastAPI(...)`: read as `{{request.app.state.key}}`.
    public var state: [(String, Value)] = []
    public init(dependencies: [DependsSpec] = [], lifespan: Lifespan? = nil, exceptionHandlers: [ExceptionHandlerSpec] = []) {
        self.dependencies = dependencies
        self.lifespan = lifespan
        self.exceptionHandlers = exceptionHandlers
    }
}

/// `@app.exception_handler(Type)` returning a JSON response.
public struct ExceptionHandlerSpec: Sendable {
    public var exception: String
    public var status: Int
    public var body: Template
    public var location: SourceLocation
    public init(exception: String, status: Int, body: Template, location: SourceLocation = .unknown) {
        self.exception = exception
        self.status = status
        self.body = body
        self.location = location
    }
}

/// A lifespan context manager: steps before and after `yield`.
public struct Lifespan: Sendable {
    public var startup: [LifespanStep]
    public var shutdown: [LifespanStep]
    public init(startup: [LifespanStep] = [], shutdown: [LifespanStep] = []) {
        self.startup = startup
        self.shutdown = shutdown
    }
}

public struct LifespanStep: Sendable {
    public var name: String
    public var duration: Int
    /// A value stored on the app state (`state.<key>`), readable in templates.
    public var sets: [(String, Template)]
    public init(name: String, duration: Int = 0, sets: [(String, Template)] = []) {
        self.name = name
        self.duration = duration
        self.sets = sets
    }
}

/// An `APIRouter`, and how it is included into its parent.
public struct Router: Sendable {
    public var name: String
    public var location: SourceLocation
    public var prefix: String
    public var dependencies: [DependsSpec]
    /// The parent it is included into: `app` or another router's name.
    public var includedIn: String
    public var includePrefix: String
    public var includeDependencies: [DependsSpec]
    public var lifespan: Lifespan?
    /// `APIRouter(default_response_class=...)`.
    public var defaultResponseClass: ResponseClass?
    /// `parent.include_router(router, default_response_class=...)`.
    public var includeDefaultResponseClass: ResponseClass?
    public init(name: String, location: SourceLocation = .unknown, prefix: String = "", dependencies: [DependsSpec] = [],
                includedIn: String = "app", includePrefix: String = "", includeDependencies: [DependsSpec] = [],
                lifespan: Lifespan? = nil) {
        self.name = name
        self.location = location
        self.prefix = prefix
        self.dependencies = dependencies
        self.includedIn = includedIn
        self.includePrefix = includePrefix
        self.includeDependencies = includeDependencies
        self.lifespan = lifespan
    }
}

/// A path operation.
public struct Route: Sendable {
    public var method: String
    public var path: String
    public var handlerName: String
    public var location: SourceLocation
    public var router: String?
    public var isAsync: Bool
    public var params: [Param]
    public var dependencies: [DependsSpec]
    public var status: Int
    public var returns: Template?
    public var raises: [RaiseSpec]
    public var addsTasks: [TaskCall]
    public var duration: Int
    public var stream: StreamSpec?
    /// `JSONResponse(..., background=BackgroundTask(...))`: replaces the injected tasks.
    public var responseBackground: TaskCall?
    /// `wrapped_by:` on the endpoint (`@app.get(...) @noop_wrap def handler`): see `WrappedCallable.endpointProblems`.
    public var wrappedBy: WrappedBy?
    /// A `WEBSOCKET` route's body (`@app.websocket`): nil for an HTTP route.
    public var webSocket: WebSocketHandler?
    /// `response_class=` on the decorator; nil: the nearest router's or the app's default (`CompiledRoute.responseClass`).
    public var responseClass: ResponseClass?
    /// `response_model=` and its `response_model_*` options (ResponseModel.swift); nil: none written.
    public var responseModel: ResponseModelSpec?
    /// `def read() -> User:` (`return_annotation:`): the response model when `response_model=` is not written.
    public var returnAnnotation: ResponseTarget?
    /// Whether `status:` was written: without it a RedirectResponse answers 307 (`status_code=None` in FastAPI).
    public var statusWritten = false
    /// What the handler writes to the temporal Response it takes (`sets:`).
    public var sets: ResponseSets?
    /// `request.state.name = value` lines (`request_state:`), for a handler taking `request: Request`.
    public var requestState: [(String, Template)] = []
    /// `var.set(value)` lines (`sets_context:`), run where `request_state:` is written.
    public var contextSets: ContextSets = []

    public init(method: String, path: String, handlerName: String, location: SourceLocation = .unknown, router: String? = nil,
                isAsync: Bool = true, params: [Param] = [], dependencies: [DependsSpec] = [], status: Int = 200,
                returns: Template? = nil, raises: [RaiseSpec] = [], addsTasks: [TaskCall] = [], duration: Int = 0,
                stream: StreamSpec? = nil, responseBackground: TaskCall? = nil) {
        self.method = method
        self.path = path
        self.handlerName = handlerName
        self.location = location
        self.router = router
        self.isAsync = isAsync
        self.params = params
        self.dependencies = dependencies
        self.status = status
        self.returns = returns
        self.raises = raises
        self.addsTasks = addsTasks
        self.duration = duration
        self.stream = stream
        self.responseBackground = responseBackground
    }
}

/// A `StreamingResponse` body: chunks produced one after another.
public struct StreamSpec: Sendable {
    public var chunks: [Template]
    public var every: Int
    public var uses: [String]
    public init(chunks: [Template], every: Int = 0, uses: [String] = []) {
        self.chunks = chunks
        self.every = every
        self.uses = uses
    }
}

/// `app.dependency_overrides[original] = replacement`.
public struct Override: Sendable {
    public var original: String
    public var replacement: String
    public var location: SourceLocation
    public init(original: String, replacement: String, location: SourceLocation = .unknown) {
        self.original = original
        self.replacement = replacement
        self.location = location
    }
}

/// A request to simulate.
public struct RequestSpec: Sendable, Equatable {
    public var method: String
    public var target: String
    public var headers: [(String, String)]
    public var cookies: [(String, String)]
    public var body: Value?
    /// The body as bytes, when it came over a wire or a command line: decoded by the engine with FastAPI's
    /// content-type rule, and only for routes that read a body (`decodedBody(profile:)`).
    public var rawBody: [UInt8]?
    /// The body could not be decoded (a real HTTP request in serve mode): FastAPI reports it before any dependency runs.
    public var bodyProblem: BodyProblem?
    /// `app.dependency_overrides` replaced from this request on (`{}` is `.clear()`); nil leaves them as they are.
    public var overrides: [String: String]?
    public var location: SourceLocation
    /// `at: 100ms`: when the request arrives on the app's one timeline. Without it a request arrives when the one
    /// before it has finished, and is simulated alone (the scenario has no concurrency).
    public var at: Int?
    /// `disconnect: 50ms`: the client goes away this long after arriving, and the server says so with
    /// `http.disconnect` (uvicorn's way: the app is not cancelled; a stream stops at its next await).
    public var disconnect: Int?
    /// `cancel: 50ms`: the server cancels the app's task this long after arrival (an AnyIO cancel scope).
    public var cancel: Int?
    /// A `websocket:` connection's client: what it sends, waits for and how it leaves.
    public var client: ClientScript?

    public init(method: String, target: String, headers: [(String, String)] = [], cookies: [(String, String)] = [],
                body: Value? = nil, rawBody: [UInt8]? = nil, bodyProblem: BodyProblem? = nil, overrides: [String: String]? = nil,
                location: SourceLocation = .unknown) {
        self.overrides = overrides
        self.rawBody = rawBody
        self.bodyProblem = bodyProblem
        self.method = method
        self.target = target
        self.headers = headers
        self.cookies = cookies
        self.body = body
        self.location = location
    }

    public static func == (a: RequestSpec, b: RequestSpec) -> Bool {
        a.method == b.method && a.target == b.target && a.body == b.body && a.rawBody == b.rawBody
            && a.headers.map { "\($0.0.lowercased()):\($0.1)" } == b.headers.map { "\($0.0.lowercased()):\($0.1)" }
            && a.cookies.map { "\($0.0)=\($0.1)" } == b.cookies.map { "\($0.0)=\($0.1)" }
            && a.client == b.client
    }

    /// `GET /x?q=1`, plus headers, cookies and body when present: how requests are named in output.
    public var line: String { "\(method) \(target)" }

    public var path: String {
        guard target.utf8.contains(UInt8(ascii: "?")) else { return target }   // no query: no split, no array
        return String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    public var query: [(String, String)] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: "&").map { item in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).removingPercentEncodingLenient
            let value = kv.count > 1 ? String(kv[1]).removingPercentEncodingLenient : ""
            return (key, value)
        }
    }
}

/// A resource with a capacity, e.g. a database connection pool of 10.
public struct Pool: Sendable {
    public var name: String
    public var size: Int
    public var location: SourceLocation
    public init(name: String, size: Int, location: SourceLocation = .unknown) {
        self.name = name
        self.size = size
        self.location = location
    }
}

/// `max_concurrency=` as written; FastAPI accepts only a positive `int` (`True` is refused, though a bool is an int).
public enum MaxConcurrency: Sendable, Equatable {
    case limit(Int)
    /// What Python would see, for the `ValueError` at import time.
    case invalid(String)
}

/// Why FastAPI could not read a request body.
public enum BodyProblem: Error, Sendable, Equatable {
    /// Malformed JSON: a 422 with this error object (`json_invalid`).
    case invalidJSON(Value)
    /// Anything else FastAPI answers with `HTTPException(400, "There was an error parsing the body")`.
    case unreadable
}

extension String {
    var removingPercentEncodingLenient: String {
        let plus = replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

import Foundation

/// A golden expectation for one request, optionally pinned to one profile.
public struct Expectation: Sendable {
    public var request: String
    public var profile: Profile?
    public var status: Int?
    public var body: Value?
    public var trace: [String]?
    public var location: SourceLocation
    public var traceLocation: SourceLocation?
    /// Where `body:` was written, so a body mismatch points at it.
    public var bodyLocation: SourceLocation?
    /// Where each expected trace line was written, so a failure can point at the exact line.
    public var traceLineLocations: [SourceLocation] = []
    /// A websocket client's messages, in order, and the close code it saw.
    public var received: [String]?
    public var close: Int?
    /// Response headers to pin (`headers:`): names compared case-insensitively, values exactly; only these names.
    /// A nil value (`X-Id: null`) pins the header's absence.
    public var headers: [(String, String?)]?
    public init(request: String, profile: Profile? = nil, status: Int? = nil, body: Value? = nil, trace: [String]? = nil,
                location: SourceLocation = .unknown, traceLocation: SourceLocation? = nil) {
        self.request = request
        self.profile = profile
        self.status = status
        self.body = body
        self.trace = trace
        self.location = location
        self.traceLocation = traceLocation
    }
}
