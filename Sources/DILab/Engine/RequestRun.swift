/// One request through the simulated app. The three `Profile.Lifecycle` shapes differ only in where
/// the exit stacks sit relative to the response and the background tasks (see `execute`).
final class RequestRun {
    let engine: Engine
    /// The engine's app, read in place: a stored copy retained and released every field of the app (its
    /// scenario's included) once per request.
    var app: CompiledApp { engine.app }
    let profile: Profile
    let id: Int
    let request: RequestSpec
    let clock: EngineClock
    let overrides: [String: String]
    let observer: ((TraceEvent) -> Void)?

    var trace: RequestTrace
    /// The per-request dependency cache, keyed like FastAPI's (numbered for the matched route once it is known).
    var cache = RequestCache()
    /// `fastapi_function_astack` (0.121+ `scope="function"` generators).
    var functionStack: [StackEntry] = []
    /// The request-level stack (and the only stack before 0.121).
    var requestStack: [StackEntry] = []
    /// The request's one `BackgroundTasks` object, shared by handler and dependencies.
    var tasks: [PendingTask] = []
    var explicitBackground: PendingTask?
    /// The one `Response()` solve_dependencies makes per request, shared by every callable that takes it.
    var temporal = TemporalResponse()
    /// Providers whose cleanup has run: a task or chunk that `uses` one afterwards is flagged.
    var closed: [String] = []
    var responseSent = false
    /// Originals whose override is being solved right now: meeting one again means FastAPI's endless recursion.
    var expandingOverrides: Set<String> = []
    /// The arguments FastAPI solved for a passed-through wrapped provider (`PassedThroughReturn` runs its body later).
    var passedThroughArgs: [String: [String: Value]] = [:]
    /// The event loop and this request's task on it, when requests overlap (nil: the request runs alone).
    var loop: EventLoop?
    var task: EventLoop.Task?
    /// Deadlocked: FastAPI would hang here, so nothing more happens (no event, no cleanup).
    var halted = false
    var finished = false
    /// The client has gone away (`disconnect:`); `streaming` while a streaming body is being sent.
    var clientGone = false
    var streaming = false
    /// Where the response goes when a real client waits for it (serve); nil in a simulation.
    var channel: ResponseChannel?
    /// A websocket connection's two ends; nil for an HTTP request.
    var connection: Connection?
    /// Starlette's Request as templates see it, built at its first use in this request (`requestObject`).
    var requestValue: Value?
    /// `request.state`: the attributes set so far in this request, in the order first set.
    var requestState: [(String, Value)] = []
    /// The request's asyncio tasks' contexts, for `context_vars:` (see RequestRun+Context.swift).
    var contexts = RequestContexts()
    /// The middleware this request passes through, while it does (see RequestRun+Middleware.swift).
    var middleware = MiddlewarePass()
    /// The client port Starlette's `request.client` shows: TestClient's and the verify driver's 50000, or
    /// 50000 + the request's place among requests sent together (`dilab verify`'s concurrent driver).
    var clientPort = 50000
    /// Filled in by the loop when it finds this request stuck: what it waits for and the report to show.
    var deadlockReport: (Limiter, String)?

    struct StackEntry {
        /// The `scope` of a websocket step's `async with` resource: not a dependency, closed at its block's end.
        static let withBlock = "with"
        var dependant: Dependant
        var env: TemplateEnv
        var depth: Int
        var scope: String
        /// The `max_concurrency` slot and the pool unit it holds until its cleanup has run.
        var slot: Limiter? = nil
        var pool: Limiter? = nil
    }

    struct PendingTask {
        var def: TaskDef
        var args: [(String, Value)]
        var addedBy: String
    }

    /// What the handler produced, before it is sent.
    struct PendingResponse {
        var status: Int
        var body: Value
        var stream: StreamSpec?
        var env: TemplateEnv
        /// The body as its response class renders it (nil: JSON of `body`), its headers and content-type.
        var text: String? = nil
        var headers: [(String, String)] = []
        var contentType: String? = ResponseClass.json.contentType
    }

    init(engine: Engine, id: Int, request: RequestSpec, clock: EngineClock, overrides: [String: String], observer: ((TraceEvent) -> Void)?) {
        self.engine = engine
        self.profile = engine.app.profile
        self.id = id
        self.request = request
        self.clock = clock
        self.overrides = overrides
        self.observer = observer
        // The trace names the request; it does not keep the body's bytes (a retained trace stays small).
        var named = request
        named.rawBody = nil
        self.trace = RequestTrace(id: id, request: named, profile: engine.app.profile)
        trace.events.reserveCapacity(16)   // a typical request's events without regrowing the array four times
        self.contexts.declared = engine.app.scenario.contextVars
    }

    // MARK: events

    func emit(_ kind: TraceEvent.Kind, _ subject: String, _ detail: String = "", q: String = "", depth: Int = 0,
              thread: TraceEvent.Thread? = nil, data: [String: String] = [:]) {
        var data = data
        if data.isEmpty { return emit(kind, subject, .note(detail, q: q), depth: depth, thread: thread) }
        if !q.isEmpty { data["q"] = q }
        emit(kind, subject, .plain(detail: detail, data: data), depth: depth, thread: thread)
    }

    /// Records an event as facts; its detail and data are rendered only if someone reads them.
    func emit(_ kind: TraceEvent.Kind, _ subject: String, _ payload: EventPayload, depth: Int = 0, thread: TraceEvent.Thread? = nil) {
        if halted { return }
        let e = TraceEvent(t: clock.now, request: id, kind: kind, subject: subject, payload: payload, depth: depth, thread: thread)
        if let observer {
            trace.events.append(e)
            observer(e)
        } else {
            trace.events.append(consume e)   // the common case: the one copy is the trace's
        }
    }

    func thread(async isAsync: Bool) -> TraceEvent.Thread { isAsync ? .loop : .threadpool }

    // MARK: the request lifecycle

    func execute() -> RequestTrace {
        defer { finished = true }
        emit(.request, request.line, .request(headers: request.headers))
        if !request.isWebSocket, !app.scenario.middleware.isEmpty {
            throughMiddleware(app.scenario.middleware) { routeRequest() }
        } else {
            routeRequest()
        }
        return trace
    }

    /// Starlette's router and the route's app: what the innermost middleware's `call_next` reaches.
    func routeRequest() {
        switch RouteMatcher.matchIndex(app.routes, method: request.method, path: request.path) {
        case .notFound where request.isWebSocket:
            // Starlette's router answers an unknown websocket path with websocket.close before accept.
            connection?.run = self
            close("router", code: 1000, reason: "", by: "no websocket route matches")
            return
        case .notFound:
            respond(status: 404, body: .object([("detail", .string("Not Found"))]))
            return
        case .redirect(let path):
            let query = request.target.split(separator: "?", maxSplits: 1).dropFirst().first.map { "?\($0)" } ?? ""
            let host = request.headers.last { $0.0.lowercased() == "host" }?.1 ?? "testserver"
            emit(.violation, request.path, "no route; Starlette redirects to \(path) (redirect_slashes)", q: "redirect-slashes")
            respond(status: 307, body: .string(""), text: "", headers: [("location", "http://\(host)\(path)\(query)")])
            return
        case .methodNotAllowed(let allowed):
            respond(status: 405, body: .object([("detail", .string("Method Not Allowed"))]), headers: [("allow", allowed.joined(separator: ", "))])
            return
        case .found(let index, let pathValues):
            // Borrowed from the engine's box (`withExtendedLifetime` lets `box.value` be passed on in place).
            let box = engine.routeBoxes[index]
            withExtendedLifetime(box) { run(box.value, pathValues) }
        }
    }

    /// The matched route, through the exit stacks of the profile's lifecycle.
    func run(_ route: CompiledRoute, _ pathValues: PathValues) {
        trace.route = route.traceName
        if route.isWebSocket { runWebSocket(route, pathValues); return }
        switch profile.lifecycle {
        case .modern: runModern(route, pathValues)
        case .insideHandler: runInsideHandler(route, pathValues)
        case .middleware: runMiddleware(route, pathValues)
        }
    }

    /// 0.118+: `request_stack { function_stack { response = f(request) }; response(send) + background }`,
    /// with exception handlers outside both stacks.
    func runModern(_ route: CompiledRoute, _ pathValues: PathValues) {
        var response: PendingResponse?
        var pending: PyError?
        do {
            response = try solveAndHandle(route, pathValues, raiseValidation: true).response
        } catch let e {
            pending = e
        }
        if !functionStack.isEmpty { pending = unwind(&functionStack, pending) }
        if pending == nil {
            if let response {
                pending = send(response) ?? runBackground()
            } else {
                // A function-scoped dependency swallowed the exception: `await response(...)` has no response.
                pending = PyError(type: "UnboundLocalError", message: PyError.unbound)
                emit(.raise, "request_response", "fastapi/routing.py: await response(...) — no response was produced", q: pending!.summary)
            }
        }
        pending = unwind(&requestStack, pending)
        if pending == nil, !responseSent {
            pending = PyError(type: "FastAPIError", message: PyError.notAwaited)
        }
        finish(pending)
    }

    /// 0.106–0.117: one exit stack inside the route handler; every cleanup runs before the response is sent,
    /// and validation errors are raised after the stack has closed (dependencies never see them).
    func runInsideHandler(_ route: CompiledRoute, _ pathValues: PathValues) {
        var response: PendingResponse?
        var validation: [Value] = []
        var pending: PyError?
        do {
            (response, validation) = try solveAndHandle(route, pathValues, raiseValidation: false)
        } catch let e {
            pending = e
        }
        pending = unwind(&requestStack, pending)
        if pending == nil, !validation.isEmpty {
            pending = PyError(type: "RequestValidationError", errors: validation)
        }
        if pending == nil, response == nil {
            pending = PyError(type: "FastAPIError", message: PyError.noResponse)
        }
        if let pending {
            finish(pending)
        } else if let response {
            finish(send(response) ?? runBackground())
        }
    }

    /// 0.105: `AsyncExitStackMiddleware` wraps the whole app, response and background included; exception
    /// handlers sit outside it, and an exception a dependency swallowed is re-raised anyway.
    func runMiddleware(_ route: CompiledRoute, _ pathValues: PathValues) {
        var pending: PyError?
        do throws(PyError) {
            if let response = try solveAndHandle(route, pathValues, raiseValidation: true).response {
                if let e = send(response) ?? runBackground() { throw e }
            }
        } catch let e {
            pending = e
        }
        let original = pending
        pending = unwind(&requestStack, pending)
        if pending == nil, let original {
            emit(.raise, "AsyncExitStackMiddleware", "re-raises the exception the dependency swallowed", q: original.summary)
            pending = original
        }
        finish(pending)
    }
}

import Foundation
