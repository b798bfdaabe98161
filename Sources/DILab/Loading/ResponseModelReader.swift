/// Reads a route's `response_model:` (a model declared under `models:`, or `None`) and its options, written as the
/// decorator's keyword arguments: `response_model_exclude_unset: true`, `response_model_include: [name, id]`.
enum ResponseModelReader {
    static let flags = ["response_model_exclude_unset", "response_model_exclude_defaults", "response_model_exclude_none"]
    static let sets = ["response_model_include", "response_model_exclude"]
    static let keys = ["response_model"] + flags + sets

    static func read(_ key: String, _ v: YNode, keyNode: YNode, into route: inout Route) {
        var spec = route.responseModel ?? ResponseModelSpec(location: keyNode.location)
        switch key {
        case "response_model":
            spec.location = keyNode.location
            if v.isNull || v.scalar == "None" {
                spec.model = nil
            } else if let name = v.string("the response model") {
                let models = v.context.modelNames
                guard models.contains(name) else {
                    v.error("response_model '\(name)' is not a model declared under `models:`", rule: "model",
                            hint: Suggest.closest(to: name, in: models.sorted()).map { "did you mean '\($0)'?" }
                                ?? "declare it: `models: {\(name): {id: int, name: str}}`, or write `response_model: None`")
                    return
                }
                spec.model = name
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
}
