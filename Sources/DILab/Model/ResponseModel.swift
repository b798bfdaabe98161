/// `@app.get(..., response_model=User, response_model_exclude_unset=True, ...)`: the handler's return value is
/// validated as the model and serialized through it (extra keys dropped, defaults filled in) before any yield
/// dependency's cleanup; a value that fails is FastAPI's ResponseValidationError, a 500.
public struct ResponseModelSpec: Sendable {
    /// The declared model; nil for `response_model=None` (no validation, the return value as is).
    public var model: String?
    public var excludeUnset = false
    public var excludeDefaults = false
    public var excludeNone = false
    /// `response_model_include={...}` / `response_model_exclude={...}`: top-level field names.
    public var include: [String]?
    public var exclude: [String]?
    public var location: SourceLocation
    public init(model: String? = nil, location: SourceLocation = .unknown) {
        self.model = model
        self.location = location
    }
}
