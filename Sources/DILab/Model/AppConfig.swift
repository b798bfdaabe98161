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

/// An exception class answered with a JSON response: `@app.exception_handler(Type)`, or an `except Type:` around a
/// BaseHTTPMiddleware's `call_next`, which sees an exception the app below raised and no exception handler took
/// (observed on all four profiles; docs/beyond-the-spec.md, "A middleware that catches the exception from
/// call_next").
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
