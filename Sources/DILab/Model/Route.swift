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
