import DILab

/// What the introspection script reports about a real FastAPI app, decoded from its JSON into typed values.
/// Every string in here comes from the user's app and is written into YAML only through `YAMLText`.
public struct IntrospectedApp: Sendable {
    public var fastapiVersion: String
    public var pythonVersion: String
    public var module: String
    public var hasLifespan: Bool
    public var appDependencies: [DependencyUse]
    public var overrides: [(original: Int, replacement: Int)]
    public var routes: [RouteInfo]
    public var callables: [Int: CallableInfo]
    /// Callable ids in the order the script first met them (deterministic output).
    public var callableOrder: [Int]
    public var unsupported: [(where: String, what: String)]
    public var responses: [ObservedResponse]
    public var calls: [RecordedCall]
    public var events: [RecordedEvent]
    public var tasks: [Int: TaskInfo]
    public var taskOrder: [Int]
    /// Pydantic models met in parameters and response models, nested ones first.
    public var models: [ModelInfo] = []
    public var middleware: [MiddlewareInfo] = []
    public var middlewareRuns: [MiddlewareRun] = []
    public var exceptionHandlers: [ExceptionHandlerInfo] = []
    public var handlerRuns: [HandlerRun] = []
}

public struct RouteInfo: Sendable {
    public enum Kind: String, Sendable { case http, websocket }
    public var kind: Kind
    public var path: String
    public var methods: [String]
    public var handler: Int
    /// The route-level dependencies (app, include_router, router, decorator) merged in FastAPI's order.
    public var dependencies: [DependencyUse]
    public var statusCode: Int?
    public var responseClass: String?
    public var responseModel: ResponseModelInfo? = nil
}

public struct CallableInfo: Sendable {
    public enum Form: String, Sendable { case function, classType = "class", instance, partial, method, scheme, unsupported }
    public var id: Int
    public var pythonName: String
    public var form: Form
    public var isAsync: Bool
    public var isGenerator: Bool
    public var file: String
    public var line: Int
    public var params: [ParamInfo]
    public var instanceOf: String?
    public var factory: String?
    public var lruCache: Bool
    public var wrappedBy: String?
    public var wrapperAsync: Bool
    /// False for a decorator without functools.wraps: FastAPI reads the wrapper's `(*args, **kwargs)`.
    public var keepsWrapped = true
    /// `@noop_wrap def __call__`: the decorator is on a callable instance's method, not around the instance.
    public var decoratesCall = false
    public var scheme: SchemeInfo?
    public var unsupportedReason: String?
}

public struct SchemeInfo: Sendable {
    public var kind: String
    public var autoError: Bool
    public var header: String?
}

public struct DependencyUse: Sendable {
    public var callable: Int
    public var useCache: Bool
    public var scope: String?
    public var scopes: [String]
    public var maxConcurrency: Int?
}

public struct ParamInfo: Sendable {
    public enum Kind: String, Sendable {
        case path, query, header, cookie, body, depends, request, websocket, response
        case httpConnection = "http_connection", backgroundTasks = "background_tasks", securityScopes = "security_scopes"
    }
    public var name: String
    public var kind: Kind
    /// `int`, `str`, ... or `model:Name` / `other:Name` for types dilab has no word for.
    public var type: String
    public var optional: Bool
    /// The default as data; nil when required. `unrepresentableDefault` holds a repr() that is not JSON.
    public var defaultValue: Value?
    public var unrepresentableDefault: String?
    public var alias: String?
    public var constraints: [String]
    public var depends: DependencyUse?
}

public struct TaskInfo: Sendable {
    public var id: Int
    public var pythonName: String
    public var file: String
    public var line: Int
    public var isAsync: Bool
    public var params: [String]
}

public struct ObservedResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var text: String
    /// A websocket connection: `accepted`, `received`, `close`, and the endpoint's `log` on the wire.
    public var webSocket: Value? = nil
}

public struct RecordedException: Sendable, Equatable {
    public var type: String
    public var status: Int?
    public var detail: Value?
    public var message: String?
    public var headers: [(String, String)]
    /// A WebSocketException's close code and reason.
    public var code: Int? = nil
    public var reason: String? = nil
    public var isHTTP: Bool { type == "HTTPException" }
    public static func == (a: RecordedException, b: RecordedException) -> Bool {
        a.type == b.type && a.status == b.status && a.detail == b.detail && a.message == b.message
    }
}

public struct RecordedCall: Sendable {
    public enum Role: String, Sendable { case dependency, handler, task }
    public enum AfterThrow: String, Sendable { case reraise, swallow, convert }
    public var request: Int
    public var callable: Int
    public var role: Role
    public var args: [(String, Value)]
    public var returned: Value?
    public var raised: RecordedException?
    public var thrown: RecordedException?
    public var afterThrow: AfterThrow?
    public var converted: RecordedException?
    public var cleanupRaised: RecordedException?
    public var tasks: [(task: Int, args: [(String, Value)])]
    /// Where this call is in the record (calls of one callable are numbered by it for `{{@call}}`).
    public var index = 0
    /// A handler's StreamingResponse: the chunks its body iterator produced, as text.
    public var chunks: [String]? = nil
}

public struct RecordedEvent: Sendable {
    public var request: Int
    public var kind: String
    public var subject: String
    public var q: String
    public var line: String { q.isEmpty ? "\(kind) \(subject)" : "\(kind) \(subject) \(q)" }
}
