import DILab

/// A pydantic model as introspection read it: each field in dilab's spelling (`list[Tag]`, `Owner | None`), its
/// default as a Python literal, or `Field(...)` with its constraints. `unsupported` says why the model (and every
/// parameter or `response_model` using it) stays a `dict`.
public struct ModelInfo: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var type: String
        public var defaultLiteral: String?
        public var fieldCall: String?
    }
    public var name: String
    public var file: String
    public var line: Int
    public var fields: [Field]
    public var unsupported: String?
    /// `model_config = {"extra": "forbid"}`, written `model_config: {extra: forbid}`.
    public var forbidsExtra = false
}

/// The `response_model` of a route and its options, as FastAPI holds them on the route.
public struct ResponseModelInfo: Sendable {
    public var model: String?
    /// `list[User]`: a list of the model.
    public var isList = false
    public var excludeUnset = false, excludeDefaults = false, excludeNone = false
    public var include: [String]?
    public var exclude: [String]?
    public var unsupported: String?
}

extension IntrospectionDecoding {
    static func models(_ root: Value) -> [ModelInfo] {
        (root["models"]?.list ?? []).compactMap { m in
            guard let name = m["name"]?.stringValue else { return nil }
            let fields = (m["fields"]?.list ?? []).compactMap { f -> ModelInfo.Field? in
                guard let n = f["name"]?.stringValue, let t = f["type"]?.stringValue else { return nil }
                return ModelInfo.Field(name: n, type: t, defaultLiteral: f["default"]?.stringValue, fieldCall: f["field"]?.stringValue)
            }
            return ModelInfo(name: name, file: m["file"]?.stringValue ?? "", line: m["line"]?.intValue ?? 0, fields: fields,
                             unsupported: m["unsupported"]?.stringValue, forbidsExtra: m["extra_forbid"] == .bool(true))
        }
    }

    static func responseModel(_ v: Value) -> ResponseModelInfo? {
        let model = v["response_model"]?.stringValue, unsupported = v["response_model_unsupported"]?.stringValue
        guard model != nil || unsupported != nil else { return nil }
        func names(_ k: String) -> [String]? { v[k]?.list.map { $0.compactMap(\.stringValue) } }
        return ResponseModelInfo(model: model, isList: v["response_model_list"] == .bool(true), excludeUnset: v["response_model_exclude_unset"] == .bool(true),
                                 excludeDefaults: v["response_model_exclude_defaults"] == .bool(true),
                                 excludeNone: v["response_model_exclude_none"] == .bool(true),
                                 include: names("response_model_include"), exclude: names("response_model_exclude"),
                                 unsupported: unsupported)
    }
}

extension ScenarioWriter {
    /// The models that can be written: supported ones (introspection already marked a model whose nested model
    /// is unsupported), whose names and field names dilab's `models:` accepts.
    var writableModels: [ModelInfo] {
        app.models.filter { m in
            m.unsupported == nil && PythonName.isIdentifier(m.name) && !m.fields.isEmpty
                && m.fields.allSatisfy { PythonName.isIdentifier($0.name) && !$0.name.hasPrefix("_") && !$0.name.hasPrefix("model_") }
        }
    }

    func isWritableModel(_ name: String) -> Bool { writableModels.contains { $0.name == name } }

    /// `models:`, one line per field as the class body writes it, with each class's `file:line`.
    mutating func writeModels() {
        for m in app.models where !isWritableModel(m.name) {
            unsupported("model \(m.name): \(m.unsupported ?? (m.fields.isEmpty ? "no fields" : "a name dilab's models: cannot hold")); read as a dict")
        }
        let models = writableModels
        guard !models.isEmpty else { return }
        line("")
        line("models:")
        for m in models {
            line("  " + YAMLText.key(m.name) + ":  " + YAMLText.comment(m.file.isEmpty ? "(no source)" : "\(m.file):\(m.line)"))
            if m.forbidsExtra { line("    model_config: {extra: forbid}") }
            for f in m.fields {
                var text = f.type
                if let call = f.fieldCall { text += " = " + call } else if let d = f.defaultLiteral { text += " = " + d }
                line("    " + YAMLText.key(f.name) + ": " + YAMLText.quoted(text))
            }
        }
    }

    /// `response_model:` and its options for a route, or the reason it is not imported.
    mutating func writeResponseModel(_ rm: ResponseModelInfo?, route: String, indent: String) {
        guard let rm else { return }
        guard let model = rm.model, isWritableModel(model) else {
            unsupported("\(route): " + (rm.unsupported ?? "response_model \(rm.model ?? "?") is not imported"), indent: indent)
            return
        }
        line(indent + "response_model: " + (rm.isList ? YAMLText.quoted("list[\(model)]") : YAMLText.key(model)))
        if rm.excludeUnset { line(indent + "response_model_exclude_unset: true") }
        if rm.excludeDefaults { line(indent + "response_model_exclude_defaults: true") }
        if rm.excludeNone { line(indent + "response_model_exclude_none: true") }
        if let i = rm.include { line(indent + "response_model_include: " + YAMLText.flow(.array(i.map(Value.string)))) }
        if let e = rm.exclude { line(indent + "response_model_exclude: " + YAMLText.flow(.array(e.map(Value.string)))) }
    }
}

extension ScenarioWriter {
    /// A body `list[Item]` or `list[EmailStr]` (type `list:model:Item`, `list:EmailStr`), validated item by item;
    /// nil when it cannot be written so (then it is a plain list).
    func listParamText(_ p: ParamInfo, element: String) -> String? {
        guard p.kind == .body, p.alias == nil, p.constraints.isEmpty, p.defaultValue == nil, p.unrepresentableDefault == nil, !p.optional else { return nil }
        if element == "EmailStr" { return YAMLText.quoted("list[EmailStr]") }
        guard element.hasPrefix("model:"), isWritableModel(String(element.dropFirst(6))) else { return nil }
        return YAMLText.quoted("list[\(element.dropFirst(6))]")
    }

    /// A parameter annotated with a declared model, in the signature form the loader reads: a body (`Item`,
    /// `Item | None = None`) or a query, header or cookie model (`Annotated[Filter, Query()]`, `Annotated[CommonHeaders,
    /// Header()]`, 0.115+). Nil: write it as a dict.
    mutating func modelParamText(_ p: ParamInfo, model: String, owner: String) -> String? {
        guard isWritableModel(model), p.alias == nil, p.constraints.isEmpty else { return nil }
        let annotation = p.optional ? model + " | None" : model
        switch p.kind {
        case .body:
            guard p.unrepresentableDefault == nil else { return nil }
            if let d = p.defaultValue {
                guard d == .null else { return nil }
                return YAMLText.quoted(annotation + " = None")
            }
            return YAMLText.quoted(annotation)
        case .query, .header, .cookie:
            guard p.defaultValue == nil, p.unrepresentableDefault == nil, !p.optional else { return nil }
            let marker = p.kind == .query ? "Query" : p.kind == .header ? "Header" : "Cookie"
            return YAMLText.quoted("Annotated[\(model), \(marker)()]")
        default:
            return nil
        }
    }
}
