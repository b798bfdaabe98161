/// The rules of FastAPI's dependency injection that dilab reproduces, in dilab's own words, each pointing at the
/// section of `fastapi-semantics.md` with the evidence. Used to explain events (REPL, lessons, test failures).
public struct Rule: Sendable, Equatable {
    public var id: String
    public var title: String
    public var text: String
    /// Where the evidence is: a section of fastapi-semantics.md.
    public var source: String
}

public enum Rules {
    public static let all: [Rule] = [
        Rule(id: "resolution-order", title: "Resolution order",
             text: "Dependencies resolve depth-first and post-order, one at a time, left to right in signature order: every sub-dependency runs before the dependency that uses it. Dependency lists come first: app, then each include_router(dependencies=) before that router's own dependencies, then the decorator's dependencies=[...], then the handler's parameters.",
             source: "fastapi-semantics.md · Core rule 1, p01, p09"),
        Rule(id: "request-cache", title: "Per-request cache",
             text: "Within one request a dependency is called once per cache key; later uses get the cached value. The key is (callable, OAuth scopes if the dependant uses scopes, computed scope) on 0.121+, and (callable, sorted scopes) before. A cache hit still re-solves the sub-dependencies first. The cache starts empty for every request.",
             source: "fastapi-semantics.md · Core rule 2, p02, p10"),
        Rule(id: "use-cache-false", title: "use_cache=False",
             text: "Depends(..., use_cache=False) never reads the cache, so the dependency is called again; but its result is still stored when the key is not there yet, and the first stored value stays.",
             source: "fastapi-semantics.md · p02 (/nocache-first, /nocache-second)"),
        Rule(id: "lru-cache", title: "lru_cache providers",
             text: "FastAPI calls an @lru_cache function on every request; only its body is skipped after the first call, so the value lives as long as the app, not the request.",
             source: "fastapi-semantics.md · p11"),
        Rule(id: "yield-request-scope", title: "Request-scoped cleanup",
             text: "A yield dependency with the default (or scope=\"request\") is cleaned up after the response is sent and after every background task has finished, in reverse setup order (LIFO). On 0.106–0.117 every cleanup ran before the response instead.",
             source: "fastapi-semantics.md · Core rule 3, p03, p06"),
        Rule(id: "yield-function-scope", title: "Function-scoped cleanup",
             text: "A yield dependency declared with scope=\"function\" is cleaned up right after the handler returns and the response is serialised, before the response is sent (so before a streaming body and before background tasks).",
             source: "fastapi-semantics.md · Core rule 3, p03, p07"),
        Rule(id: "exception-path", title: "Exceptions pass through every yield dependency",
             text: "When the handler, a dependency or validation raises, the exception goes through both exit stacks first: each yield dependency's except block sees it and every cleanup runs. Only then do the exception handlers build the error response, which is sent last. A dependency that catches must re-raise (since 0.110).",
             source: "fastapi-semantics.md · Core rule 3, p05"),
        Rule(id: "swallowed-exception", title: "Swallowing an exception",
             text: "A yield dependency that catches an exception and does not re-raise leaves FastAPI without a response: 500, and the server gets FastAPIError (\"Response not awaited\" on 0.118+, \"No response object was returned\" on 0.106–0.117, UnboundLocalError for a function-scoped dependency on 0.121+). On 0.105 swallowing has no effect: the original exception still propagates.",
             source: "fastapi-semantics.md · p05"),
        Rule(id: "raise-after-yield", title: "Raising after yield",
             text: "Code after yield in a request-scoped dependency runs after the response was sent, so an exception there cannot change the status: the client keeps its 2xx and the server gets the error. In function scope (and on 0.106–0.117) it runs before the response and becomes it (500, or the HTTPException's status).",
             source: "fastapi-semantics.md · p05"),
        Rule(id: "scope-error", title: "DependencyScopeError",
             text: "A yield dependency whose effective scope is \"request\" may not declare a sub-dependency with scope=\"function\": FastAPI raises DependencyScopeError when the route is registered. Plain (non-yield) parents are not checked; an override that introduces the violation is only found at request time (500).",
             source: "fastapi-semantics.md · Core rule 4, p04"),
        Rule(id: "validation", title: "Validation errors (422)",
             text: "A dependant's own path, query, header, cookie and body values are checked after its sub-dependencies resolved. A dependency with invalid input is not called, nor are its ancestors; its own sub-dependencies and later siblings still run. All errors are collected, in resolution order, into one 422.",
             source: "fastapi-semantics.md · p14"),
        Rule(id: "background-tasks", title: "Background tasks",
             text: "One BackgroundTasks object per request is shared by the handler and every dependency. Tasks run in the order added, after the last body byte is sent; sync tasks in the threadpool, async ones on the loop. The first task that raises stops the rest; the client already has its response.",
             source: "fastapi-semantics.md · Core rule 5, p06"),
        Rule(id: "late-task", title: "Tasks added during cleanup",
             text: "A task added in a request-scoped dependency's cleanup never runs: the background tasks have already run by then. Added in function-scoped cleanup (or on 0.106–0.117), it runs.",
             source: "fastapi-semantics.md · p06 (/default/task-added-in-cleanup)"),
        Rule(id: "explicit-background", title: "Response(background=...)",
             text: "Returning a Response with its own background= replaces the injected BackgroundTasks: tasks added through the BackgroundTasks parameter are silently dropped.",
             source: "fastapi-semantics.md · p06 (/explicit-response-background)"),
        Rule(id: "threads", title: "Where callables run",
             text: "Sync callables (dependencies, generators' setup and cleanup, handlers, tasks) run in the threadpool; async ones on the event loop. The kind of the route does not matter.",
             source: "fastapi-semantics.md · p13"),
        Rule(id: "streaming", title: "Streaming responses",
             text: "Only request-scoped (default) yield resources stay open while a StreamingResponse body is produced; function-scoped ones (and all of them on 0.106–0.117) are closed before the first chunk.",
             source: "fastapi-semantics.md · p07"),
        Rule(id: "overrides", title: "dependency_overrides",
             text: "An override is looked up and analysed on every request and cached under the original callable's key; its own dependencies and parameters are resolved, and the original use site's use_cache applies.",
             source: "fastapi-semantics.md · p08"),
        Rule(id: "security-scopes", title: "Security scopes",
             text: "Security(dep, scopes=[...]) accumulates scopes parent first. On 0.121+ the scopes are part of the cache key only when the dependant uses scopes (own scopes, a SecurityScopes parameter, a security scheme, or such a sub-dependency); before, always.",
             source: "fastapi-semantics.md · p10"),
        Rule(id: "lifespan", title: "Lifespan",
             text: "Lifespan startup runs before the first request and shutdown after the last; an included APIRouter(lifespan=) runs too, except on 0.105 where it is ignored.",
             source: "fastapi-semantics.md · p12, p16"),
        Rule(id: "cycles", title: "Dependency cycles",
             text: "FastAPI has no cycle check: registering a route whose dependencies form a cycle dies with RecursionError. dilab names the cycle.",
             source: "fastapi-semantics.md · p15"),
        Rule(id: "max-concurrency", title: "Depends(max_concurrency=N)",
             text: "From 0.163, Depends(dep, max_concurrency=N) gives that one Depends(...) object a semaphore of N slots, shared by every route that uses the same object (an app or router dependency, a provider's parameter) and separate for each new Depends(...). The slot is taken after the dependency's own sub-dependencies resolved, just before the call; a cache hit takes none. A plain dependency gives it back when it returns; a yield dependency only after its cleanup, so in request scope through a streaming body and the background tasks. Waiting takes no thread; an error or a cancellation gives the slot back. Waiters are served first come, first served.",
             source: "fastapi-semantics.md · addendum (0.163.0); tests/test_dependency_concurrency.py"),
        Rule(id: "pools", title: "Pools",
             text: "A provider that acquires from a pool (a database connection pool of N, say) waits while all N are in use. A yield provider keeps its unit until its cleanup has run, so a request-scoped session is held through a streaming body and the background tasks; scope=\"function\" gives it back when the handler returns. A sync provider waits for the pool inside its worker thread, so it holds a threadpool token while it waits.",
             source: "dilab's model of a connection pool (SQLAlchemy's QueuePool, asyncpg's Pool); docs/beyond-the-spec.md"),
        Rule(id: "threadpool-capacity", title: "The threadpool's capacity",
             text: "Sync callables run in AnyIO's worker threads, which share one limiter of 40 tokens by default. When every token is taken, the next sync dependency, handler or task waits for one, first come, first served. A sync generator's cleanup runs with a limiter of its own, so it never waits for a token.",
             source: "fastapi/concurrency.py (contextmanager_in_threadpool), AnyIO to_thread"),
        Rule(id: "disconnect", title: "Client disconnect",
             text: "When a client goes away, a server like uvicorn tells the app with http.disconnect and does not cancel it: a plain handler finishes and its response goes nowhere; the background tasks and the cleanup still run. A StreamingResponse listens for the disconnect and stops at its next await; the background tasks still run, then the cleanup.",
             source: "docs/beyond-the-spec.md · Client disconnect and cancellation"),
        Rule(id: "cancellation", title: "Cancellation",
             text: "A cancelled request task gets CancelledError (a BaseException: except Exception does not catch it) at its next await; sync code in a worker thread runs to its end first. The exception passes through every yield dependency; no response and no background task follows. From 0.162.7 an async cleanup is shielded and runs to its end; before, it is cut at its first await.",
             source: "fastapi-semantics.md · addendum (0.162.7); docs/beyond-the-spec.md"),
        Rule(id: "deadlock", title: "Deadlock",
             text: "When every waiting request waits for a slot, pool unit or token that only a waiting request can give back, nothing can move: FastAPI hangs until the client gives up. The classic case is the same max_concurrency=1 declaration needed twice on one path with use_cache=False.",
             source: "fastapi-semantics.md · addendum (0.163.0)"),
        Rule(id: "websocket-lifecycle", title: "A websocket connection's dependencies",
             text: "A websocket endpoint's dependencies are solved once per connection, before the endpoint runs, so before accept(): a yield session is held for the whole connection, however many messages pass. Both exit stacks wrap only the endpoint: function-scoped cleanup, then request-scoped cleanup, when it returns or raises. An uncaught WebSocketDisconnect passes through each yield dependency's except like any exception.",
             source: "fastapi-semantics.md · addendum (WebSocket endpoints); tests/test_ws_dependencies.py"),
        Rule(id: "websocket-denial", title: "Refusing a websocket",
             text: "Closing before accept (a WebSocketException in a dependency, or close()) refuses the handshake: uvicorn answers HTTP 403 and later dependencies do not run. An HTTPException in a websocket dependency becomes an HTTP denial response. After accept, a WebSocketException closes the connection with its code and reason.",
             source: "fastapi-semantics.md · addendum (WebSocket endpoints); docs/beyond-the-spec.md · WebSockets"),
        Rule(id: "websocket-tasks", title: "Background tasks in a websocket endpoint",
             text: "A task added to BackgroundTasks in a websocket endpoint never runs: only an HTTP response runs its background tasks, and a websocket has none.",
             source: "fastapi-semantics.md · addendum (WebSocket endpoints)"),
        Rule(id: "websocket-rooms", title: "In-memory connection managers",
             text: "A ConnectionManager is a list in one process: a broadcast reaches only the websockets in that worker's list, in join order. A websocket left in the list after its client has gone makes the next broadcast raise in the broadcaster's endpoint, and the members after it in the list get nothing.",
             source: "the seed's chat room; docs/beyond-the-spec.md · WebSockets"),
        Rule(id: "routing", title: "Routing errors",
             text: "An unknown path is a 404 {\"detail\":\"Not Found\"}; a known path with another method is a 405 {\"detail\":\"Method Not Allowed\"}. No dependency runs.",
             source: "Starlette routing"),
        Rule(id: "middleware", title: "Middleware",
             text: "Middleware wraps the whole request, the last added outermost. Each layer's code before call_next runs before any dependency. A BaseHTTPMiddleware's code after call_next runs as soon as the response starts, before the client has a byte and before background tasks and request-scoped cleanup (on 0.106–0.117 after that cleanup, which ran earlier). A pure ASGI middleware returns after everything below it. An exception no handler takes, or one a middleware raises, reaches ServerErrorMiddleware's 500 without passing any layer's code after call_next.",
             source: "fastapi-semantics.md · p17; docs/beyond-the-spec.md · Middleware"),
    ]

    public static func named(_ id: String) -> Rule? { all.first { $0.id == id } }

    /// The rule that decides where (or whether) this event happens.
    public static func governing(_ e: TraceEvent, profile: Profile) -> Rule? {
        let id: String
        switch e.kind {
        case .call:
            id = e.data["q"] == "lru_cache-hit" ? "lru-cache" : "resolution-order"
        case .enter, .handler: id = "resolution-order"
        case .cacheHit: id = "request-cache"
        case .exit: id = e.data["scope"] == "function" ? "yield-function-scope" : "yield-request-scope"
        case .catch: id = (e.data["q"] ?? "").hasSuffix("swallowed") ? "swallowed-exception" : "exception-path"
        case .raise: id = e.detail.contains("RequestValidationError") ? "validation" : "exception-path"
        case .validation: id = "validation"
        case .response, .sent:
            // An error response is placed by the exception path; a successful one by when cleanup runs around it.
            id = (Int(e.subject) ?? 200) >= 400 ? "exception-path" : "yield-request-scope"
        case .chunk: id = "streaming"
        case .taskAdd, .taskStart, .taskEnd, .taskFail: id = "background-tasks"
        case .serverError: id = "raise-after-yield"
        case .violation:
            switch e.data["q"] ?? "" {
            case "dependency-scope": id = "scope-error"
            case "task-never-runs": id = "late-task"
            case "dropped-task": id = "explicit-background"
            case "task-skipped": id = "background-tasks"
            case "task-in-websocket": id = "websocket-tasks"
            case "send-after-close", "dead-connection": id = "websocket-rooms"
            default: id = "yield-request-scope"
            }
        case .lifespanStart, .lifespanEnd: id = "lifespan"
        case .appError: id = "scope-error"
        case .request: return nil
        case .wait, .acquire, .release:
            switch e.data["q"] ?? "" {
            case "pool": id = "pools"
            case "threadpool": id = "threadpool-capacity"
            default: id = "max-concurrency"
            }
        case .disconnect: id = "disconnect"
        case .cancel: id = "cancellation"
        case .deadlock: id = "deadlock"
        case .wsAccept, .wsReceive, .wsSend, .clientSend, .clientReceive, .clientClose, .clientDrop: id = "websocket-lifecycle"
        case .wsDeny, .wsClose: id = "websocket-denial"
        case .wsBroadcast, .wsJoin, .wsLeave: id = "websocket-rooms"
        case .middlewareEnter, .middlewareResponse, .middlewareExit: id = "middleware"
        }
        return named(id)
    }
}
