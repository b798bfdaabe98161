/// `serialize_response`: with a `response_model`, FastAPI validates what the handler returned as the model
/// (`loc=("response",)`) and serializes the validated value — right after the handler, where the response class
/// renders (inside the function-scoped exit stack on 0.121+, before any yield cleanup on every profile).
extension RequestRun {
    func serializeResponse(_ body: Value, _ spec: ResponseModelSpec) throws(PyError) -> Value {
        guard let name = spec.model, let model = app.scenario.model(named: name) else { return body }
        var reader = RequestValues(request: request, body: nil, cookies: [], pathValues: [:], profile: profile, embedBody: false)
        reader.models = Dictionary(app.scenario.models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let (value, errors) = reader.validateModel(body, model, loc: [.string("response")])
        guard errors.isEmpty else {
            let e = PyError(type: "ResponseValidationError", message: "\(errors.count) validation error\(errors.count == 1 ? "" : "s")", errors: errors)
            let locs = errors.map(\.validationLoc).joined(separator: ", ")
            emit(.raise, "serialize_response", "the return value does not validate as \(name) (\(locs)): ResponseValidationError, which no handler turns into a response", q: e.summary)
            throw e
        }
        return ResponseShaping.shape(raw: body, value: value, model, spec, models: reader.models, top: true)
    }
}

/// pydantic's `model_dump(include=, exclude=, exclude_unset=, exclude_defaults=, exclude_none=)` over a validated
/// model: `raw` (what was returned) tells which fields were set, `value` holds them validated, in field order.
enum ResponseShaping {
    static func shape(raw: Value, value: Value, _ model: BodyModel, _ spec: ResponseModelSpec, models: [String: BodyModel], top: Bool, depth: Int = 0) -> Value {
        guard case .object(let validated) = value, case .object(let given) = raw, depth < 64 else { return value }
        var out: [(String, Value)] = []
        for field in model.fields {
            if top, let include = spec.include, !include.contains(field.name) { continue }
            if top, let exclude = spec.exclude, exclude.contains(field.name) { continue }
            let wasSet = given.contains { $0.0 == field.name }
            if spec.excludeUnset, !wasSet { continue }
            guard var v = validated.first(where: { $0.0 == field.name })?.1 else { continue }
            if spec.excludeDefaults, let d = field.defaultValue, v == d { continue }
            if spec.excludeNone, case .null = v { continue }
            if let inner = nestedModel(field.type, models), let r = given.last(where: { $0.0 == field.name })?.1 {
                v = shape(raw: r, value: v, inner, spec, models: models, top: false, depth: depth + 1)
            }
            out.append((field.name, v))
        }
        return .object(out)
    }

    static func nestedModel(_ t: FieldType, _ models: [String: BodyModel]) -> BodyModel? {
        switch t {
        case .model(let n): return models[n]
        case .optional(let inner): return nestedModel(inner, models)
        default: return nil
        }
    }
}
