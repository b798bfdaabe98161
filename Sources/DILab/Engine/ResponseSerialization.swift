/// `serialize_response`: with a `response_model`, FastAPI validates what the handler returned as the model
/// (`loc=("response",)`) and serializes the validated value — right after the handler, where the response class
/// renders (inside the function-scoped exit stack on 0.121+, before any yield cleanup on every profile).
extension RequestRun {
    func serializeResponse(_ body: Value, _ spec: ResponseModelSpec) throws(PyError) -> Value {
        guard let target = spec.target, let model = app.scenario.model(named: target.model) else { return body }
        var reader = RequestValues(request: request, body: nil, cookies: [], pathValues: [:], profile: profile, embedBody: false)
        reader.models = engine.modelsByName
        let type: FieldType = target.isList ? .list(.model(model.name)) : .model(model.name)
        let (value, errors) = reader.validateField(body, type, constraints: [], loc: [.string("response")], depth: 0)
        guard errors.isEmpty else {
            let e = PyError(type: "ResponseValidationError", message: "\(errors.count) validation error\(errors.count == 1 ? "" : "s")", errors: errors)
            let locs = errors.map(\.validationLoc).joined(separator: ", ")
            emit(.raise, "serialize_response", "the return value does not validate as \(target.python) (\(locs)): ResponseValidationError, which no handler turns into a response", q: e.summary)
            throw e
        }
        return ResponseShaping.shape(raw: body, value: value, type, spec, models: reader.models, top: true, depth: 0)
    }
}

/// pydantic's `model_dump(include=, exclude=, exclude_unset=, exclude_defaults=, exclude_none=)` over a validated
/// model: `raw` (what was returned) tells which fields were set, `value` holds them validated, in field order.
enum ResponseShaping {
    static func shape(raw: Value, value: Value, _ model: BodyModel, _ spec: ResponseModelSpec, models: [String: BodyModel], top: Bool, depth: Int) -> Value {
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
            if let r = given.last(where: { $0.0 == field.name })?.1 {
                v = shape(raw: r, value: v, field.type, spec, models: models, top: false, depth: depth + 1)
            }
            out.append((field.name, v))
        }
        return .object(out)
    }

    /// A value of a field type: a model shaped as above, each item of a list (`list[User]`, `owners: List[Owner]`).
    static func shape(raw: Value, value: Value, _ type: FieldType, _ spec: ResponseModelSpec, models: [String: BodyModel], top: Bool, depth: Int) -> Value {
        guard depth < 64 else { return value }
        switch type {
        case .model(let n):
            guard let m = models[n] else { return value }
            return shape(raw: raw, value: value, m, spec, models: models, top: top, depth: depth)
        case .optional(let inner): return shape(raw: raw, value: value, inner, spec, models: models, top: top, depth: depth)
        case .list(let inner):
            guard case .array(let given) = raw, case .array(let items) = value, given.count == items.count else { return value }
            // include/exclude name the top model's fields; a list's items are each such a model.
            return .array(zip(given, items).map { shape(raw: $0, value: $1, inner, spec, models: models, top: top, depth: depth + 1) })
        default: return value
        }
    }
}
