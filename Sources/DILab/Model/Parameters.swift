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
