/// Where a declared model may annotate a parameter: a body everywhere, a query, header or cookie model from FastAPI 0.115.
enum ModelParamCheck {
    static func problem(_ param: Param, model: String, source: RequestParam.Source, profile: Profile, siblings: [Param] = []) -> Diagnostic? {
        switch source {
        case .body, .inferred: return nil
        case .query, .header, .cookie:
            if source != .query, let other = siblings.first(where: { $0.name != param.name && ModelParamCheck.source(of: $0) == source }) {
                // 0.115/0.120 read a header or cookie model only when it is the callable's one parameter of its kind.
                return Diagnostic(location: param.location, rule: "model",
                                  message: "'\(param.name)': a \(source.rawValue) model beside another \(source.rawValue) parameter ('\(other.name)') is not modelled by dilab",
                                  hint: "declare '\(other.name)' as a field of \(model), or read it in another dependency")
            }
            guard !profile.supportsQueryModels else { return nil }
            // fastapi/dependencies/utils.py (0.105) `analyze_param`: a BaseModel default of Query() is refused.
            let marker = source.rawValue.prefix(1).uppercased() + source.rawValue.dropFirst()
            return Diagnostic(location: param.location, origin: .fastapi, rule: "\(source.rawValue)-model",
                              message: "AssertionError: Param: \(param.name) can only be a request body, using Body()",
                              hint: "\(source.rawValue) parameter models (Annotated[\(model), \(marker)()]) exist from FastAPI 0.115")
        case .path:
            return Diagnostic(location: param.location, rule: "model",
                              message: "'\(param.name)': a path parameter annotated with the model \(model) is not modelled by dilab (only body, query, header and cookie models are)",
                              hint: "read the fields as separate parameters, or make it a body: `\(param.name): \(model)`")
        }
    }
}

extension ModelParamCheck {
    static func source(of p: Param) -> RequestParam.Source? {
        if case .request(let rp) = p.kind { return rp.source }
        return nil
    }
}
