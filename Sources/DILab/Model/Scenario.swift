/// A scenario: a FastAPI app described as data, plus the requests to simulate and what to expect.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var file: String
    public var profile: Profile
    public var profileLocation: SourceLocation?
    /// Every write rebuilds the name index: a loop changing providers one by one goes through `updateProviders`.
    public var providers: [Provider] {
        get { providerList }
        set { providerList = newValue; providerIndex = Scenario.index(newValue.map(\.name)) }
    }
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
        self.providerList = providers
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
    private var providerList: [Provider]
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

    /// Changes the providers in place with one index rebuild at the end, however many `change` writes.
    public mutating func updateProviders(_ change: (inout [Provider]) throws -> Void) rethrows {
        try change(&providerList)
        providerIndex = Scenario.index(providerList.map(\.name))
    }

    public func provider(named name: String) -> Provider? { providerIndex[name].map { providers[$0] } }
    public func task(named name: String) -> TaskDef? { taskIndex[name].map { tasks[$0] } }
    public func router(named name: String) -> Router? { routerIndex[name].map { routers[$0] } }
}
