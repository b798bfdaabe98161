/// Where a declared model may annotate a parameter: a body everywhere, a query model from FastAPI 0.115.
enum ModelParamCheck {
    static func problem(_ param: Param, model: String, source: RequestParam.Source, profile: Profile) -> Diagnostic? {
        switch source {
        case .body, .inferred: return nil
        case .query:
            guard !profile.supportsQueryModels else { return nil }
            // fastapi/dependencies/utils.py (0.105) `analyze_param`: a BaseModel default of Query() is refused.
            return Diagnostic(location: param.location, origin: .fastapi, rule: "query-model",
                              message: "AssertionError: Param: \(param.name) can only be a request body, using Body()",
                              hint: "query parameter models (Annotated[\(model), Query()]) exist from FastAPI 0.115")
        case .path, .header, .cookie:
            return Diagnostic(location: param.location, rule: "model",
                              message: "'\(param.name)': a \(source.rawValue) parameter annotated with the model \(model) is not modelled by dilab (only body and query models are)",
                              hint: "read the fields as separate parameters, or make it a body: `\(param.name): \(model)`")
        }
    }
}
