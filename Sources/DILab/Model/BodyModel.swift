/// `models:` — a Pydantic `class X(BaseModel)` declared as data: its fields in declaration order (the order pydantic
/// validates them and reports their errors in).
public struct BodyModel: Sendable {
    public var name: String
    public var fields: [ModelField]
    /// `model_config = {"extra": "forbid"}`: a key no field reads is an `extra_forbidden` error, not dropped.
    public var forbidsExtra = false
    public var location: SourceLocation
    public init(name: String, fields: [ModelField], location: SourceLocation = .unknown) {
        self.name = name
        self.fields = fields
        self.location = location
    }
}

/// One annotated field: `price: float = Field(gt=0)`, `tags: list[str] = []`, `owner: Owner | None = None`.
public struct ModelField: Sendable {
    public var name: String
    public var type: FieldType
    /// The default as written (`= 3`, `Field(default=3)`, `Field(3)`); nil: the field is required.
    public var defaultValue: Value?
    /// `Field(gt=0, max_length=8, ...)`: the same keywords and checks as `Query(...)`, on this field's own value.
    public var constraints: [ParamConstraint]
    public var location: SourceLocation
    public init(name: String, type: FieldType, defaultValue: Value? = nil, constraints: [ParamConstraint] = [],
                location: SourceLocation = .unknown) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.constraints = constraints
        self.location = location
    }
}

/// A field's annotation: the scalar types, `EmailStr`, `list[T]` / `List[T]`, `T | None` / `Optional[T]`, and a
/// declared model by name.
public indirect enum FieldType: Sendable, Equatable {
    case scalar(RequestParam.ValueType)
    case email
    case list(FieldType)
    case optional(FieldType)
    case model(String)

    /// The annotation as a FastAPI developer writes it (`List[EmailStr]`, `Optional[Owner]`).
    public var python: String {
        switch self {
        case .scalar(let t): return t == .any ? "Any" : t.rawValue
        case .email: return "EmailStr"
        case .list(let inner): return "List[\(inner.python)]"
        case .optional(let inner): return "Optional[\(inner.python)]"
        case .model(let name): return name
        }
    }

    /// The type constraints apply to (`Optional[int]`'s int), if it is a scalar.
    public var constrained: RequestParam.ValueType? {
        switch self {
        case .scalar(let t): return t
        case .email: return .str
        case .optional(let inner): return inner.constrained
        default: return nil
        }
    }

    /// Models this type names, directly or inside list/optional.
    public var modelNames: [String] {
        switch self {
        case .model(let n): return [n]
        case .list(let inner), .optional(let inner): return inner.modelNames
        default: return []
        }
    }

    public var usesEmail: Bool {
        switch self {
        case .email: return true
        case .list(let inner), .optional(let inner): return inner.usesEmail
        default: return false
        }
    }
}

extension Scenario {
    public func model(named name: String) -> BodyModel? { models.first { $0.name == name } }
}
