/// Reads a route's `response_model:` (a model declared under `models:`, `list[User]` / `List[User]`, or `None`),
/// its options, written as the decorator's keyword arguments (`response_model_exclude_unset: true`,
/// `response_model_include: [name, id]`), and `return_annotation:` (`def read() -> User:`).
enum ResponseModelReader {
    static let flags = ["response_model_exclude_unset", "response_model_exclude_defaults", "response_model_exclude_none"]
    static let sets = ["response_model_include", "response_model_exclude"]
    static let keys = ["response_model", "return_annotation"] + flags + sets

    static func read(_ key: String, _ v: YNode, keyNode: YNode, into route: inout Route) {
        if key == "return_annotation" {
            if let t = target(v, what: "return annotation") { route.returnAnnotation = t }
            return
        }
        var spec = route.responseModel ?? ResponseModelSpec(location: keyNode.location)
        switch key {
        case "response_model":
            spec.location = keyNode.location
            spec.declared = true
            if v.isNull || v.scalar == "None" {
                spec.target = nil
            } else if let t = target(v, what: "response_model") {
                spec.target = t
            } else {
                return
            }
        case "response_model_include", "response_model_exclude":
            let names = v.list().compactMap { $0.string("a field name") }
            if key == "response_model_include" { spec.include = names } else { spec.exclude = names }
        default:
            let on = v.bool(key) ?? false
            switch key {
            case "response_model_exclude_unset": spec.excludeUnset = on
            case "response_model_exclude_defaults": spec.excludeDefaults = on
            default: spec.excludeNone = on
            }
        }
        route.responseModel = spec
    }

    /// `User`, `list[User]` or `List[User]` of a model declared under `models:`; anything else is an error.
    static func target(_ v: YNode, what: String) -> ResponseTarget? {
        guard let text = v.string("the \(what)") else { return nil }
        let models = v.context.modelNames
        guard let t = ResponseTarget.parse(text), PythonName.isIdentifier(t.model) else {
            v.error("\(what) '\(text)' is not a model, list[Model] or List[Model]", rule: "model",
                    hint: "dilab validates responses against models declared under `models:`; see \(Unmodelled.page)#types")
            return nil
        }
        guard models.contains(t.model) else {
            v.error("\(what) '\(t.model)' is not a model declared under `models:`", rule: "model",
                    hint: Suggest.closest(to: t.model, in: models.sorted()).map { "did you mean '\($0)'?" }
                        ?? "declare it: `models: {\(t.model): {id: int, name: str}}`\(what == "response_model" ? ", or write `response_model: None`" : "")")
            return nil
        }
        return t
    }
}
