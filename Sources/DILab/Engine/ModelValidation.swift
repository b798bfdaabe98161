/// A parameter annotated with a declared model (`models:`), validated as FastAPI does: `validate_python` in lax
/// mode over the decoded JSON body (or the query parameters), field by field in declaration order, every error
/// collected with its full `loc` (`["body","recipients",2]`).
extension RequestValues {
    /// An error object with a `loc` that may hold list indexes; `url` only for pydantic-core's own error types
    /// (a `PydanticCustomError`, such as EmailStr's `value_error`, has none on any profile).
    func error(_ type: String, at loc: [Value], msg: String, input: Value, ctx: Value? = nil, url: Bool = true) -> Value {
        var pairs: [(String, Value)] = [("type", .string(type)), ("loc", .array(loc)), ("msg", .string(msg)), ("input", input)]
        if let ctx { pairs.append(("ctx", ctx)) }
        if url, profile.validationErrorsHaveURL { pairs.append(("url", .string("https://errors.pydantic.dev/\(RequestValues.pydanticDocsVersion)/v/\(type)"))) }
        return .object(pairs)
    }

    /// The model's value as the handler sees it (every field, defaults filled in, in declaration order), or its errors.
    func validateModel(_ raw: Value, _ model: BodyModel, loc: [Value], depth: Int = 0) -> (Value, [Value]) {
        guard case .object(let pairs) = raw else {
            return (.null, [error("model_attributes_type", at: loc, msg: "Input should be a valid dictionary or object to extract fields from", input: raw)])
        }
        var out: [(String, Value)] = []
        var errors: [Value] = []
        for field in model.fields {
            let at = loc + [.string(field.name)]
            // json.loads keeps the last of a repeated key.
            if let given = pairs.last(where: { $0.0 == field.name })?.1 {
                let (v, e) = validateField(given, field.type, constraints: field.constraints, loc: at, depth: depth)
                errors += e
                out.append((field.name, v))
            } else if let d = field.defaultValue {
                out.append((field.name, d))  // pydantic does not validate a default
            } else {
                errors.append(error("missing", at: at, msg: "Field required", input: raw))
            }
        }
        if model.forbidsExtra {
            var seen: Set<String> = []
            for (key, value) in pairs where !model.fields.contains(where: { $0.name == key }) && seen.insert(key).inserted {
                let last = pairs.last { $0.0 == key }?.1 ?? value
                errors.append(error("extra_forbidden", at: loc + [.string(key)], msg: "Extra inputs are not permitted", input: last))
            }
        }
        return errors.isEmpty ? (.object(out), []) : (.null, errors)
    }

    func validateField(_ raw: Value, _ type: FieldType, constraints: [ParamConstraint], loc: [Value], depth: Int) -> (Value, [Value]) {
        switch type {
        case .optional(let inner):
            if case .null = raw { return (.null, []) }
            return validateField(raw, inner, constraints: constraints, loc: loc, depth: depth)
        case .list(let inner):
            guard case .array(let items) = raw else { return (.null, [error("list_type", at: loc, msg: "Input should be a valid list", input: raw)]) }
            var values: [Value] = []
            var errors: [Value] = []
            for (i, item) in items.enumerated() {
                let (v, e) = validateField(item, inner, constraints: [], loc: loc + [.int(i)], depth: depth)
                values.append(v)
                errors += e
            }
            return errors.isEmpty ? (.array(values), []) : (.null, errors)
        case .model(let name):
            // The loader refuses recursive models, so depth is at most the number of models; the guard is belt and braces.
            guard let m = models[name], depth < 64 else { return (raw, []) }
            return validateModel(raw, m, loc: loc, depth: depth + 1)
        case .email:
            guard case .string(let s) = raw else { return (.null, [error("string_type", at: loc, msg: "Input should be a valid string", input: raw)]) }
            switch EmailAddress.validate(s) {
            case .valid(let normalized): return (.string(normalized), [])
            case .invalid(let reason):
                return (.null, [error("value_error", at: loc, msg: "value is not a valid email address: \(reason)", input: raw,
                                      ctx: .object([("reason", .string(reason))]), url: false)])
            }
        case .scalar(let t):
            let (v, e) = lax(raw, t, loc: loc)
            if let e { return (.null, [e]) }
            if !constraints.isEmpty, let failure = ConstraintCheck.firstFailure(v, constraints, type: t) {
                return (.null, [error(failure.type, at: loc, msg: failure.msg, input: raw, ctx: failure.ctx)])
            }
            return (v, [])
        }
    }

    /// pydantic-core's lax `validate_python` for one scalar: what a JSON value (or a query string) becomes.
    func lax(_ raw: Value, _ type: RequestParam.ValueType, loc: [Value]) -> (Value, Value?) {
        func fail(_ t: String, _ msg: String) -> (Value, Value?) { (.null, error(t, at: loc, msg: msg, input: raw)) }
        switch (type, raw) {
        case (.any, _): return (raw, nil)
        case (.str, .string): return (raw, nil)
        case (.str, _): return fail("string_type", "Input should be a valid string")
        case (.int, .int): return (raw, nil)
        case (.int, .bool(let b)): return (.int(b ? 1 : 0), nil)
        case (.int, .double(let d)):
            if !d.isFinite { return fail("finite_number", "Input should be a finite number") }
            if d == d.rounded() {
                // pydantic-core converts a whole float to an i64; 1e30 does not fit.
                guard d >= -9223372036854775808.0, d < 9223372036854775808.0 else {
                    return fail("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size")
                }
                return (.int(Int(d)), nil)
            }
            return fail("int_from_float", "Input should be a valid integer, got a number with a fractional part")
        case (.int, .string(let s)):
            if let i = LaxNumber.int(s) { return (.int(i), nil) }
            return fail("int_parsing", "Input should be a valid integer, unable to parse string as an integer")
        case (.int, _): return fail("int_type", "Input should be a valid integer")
        case (.float, .int(let i)): return (.double(Double(i)), nil)
        case (.float, .double): return (raw, nil)
        case (.float, .bool(let b)): return (.double(b ? 1 : 0), nil)
        case (.float, .string(let s)):
            if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return (.double(d), nil) }
            return fail("float_parsing", "Input should be a valid number, unable to parse string as a number")
        case (.float, _): return fail("float_type", "Input should be a valid number")
        case (.bool, .bool): return (raw, nil)
        case (.bool, .int(let i)) where i == 0 || i == 1: return (.bool(i == 1), nil)
        case (.bool, .double(let d)) where d == 0 || d == 1: return (.bool(d == 1), nil)
        case (.bool, .int): return fail("bool_parsing", "Input should be a valid boolean, unable to interpret input")
        case (.bool, .string(let s)):
            switch s.lowercased() {
            case "0", "off", "f", "false", "n", "no": return (.bool(false), nil)
            case "1", "on", "t", "true", "y", "yes": return (.bool(true), nil)
            default: return fail("bool_parsing", "Input should be a valid boolean, unable to interpret input")
            }
        case (.bool, _): return fail("bool_type", "Input should be a valid boolean")
        case (.dict, .object): return (raw, nil)
        case (.dict, _): return fail("dict_type", "Input should be a valid dictionary")
        case (.list, .array): return (raw, nil)
        case (.list, _): return fail("list_type", "Input should be a valid list")
        }
    }

    /// `Annotated[FilterParams, Query()]` (0.115+): the query parameters as one dict — each field's value in field
    /// order (every value for a list field, else the last; on 0.115/0.120 a missing field's non-None default), then
    /// the names no field reads (a repeated one as a list on latest, its last value before).
    func queryModelInput(_ model: BodyModel) -> Value {
        var pairs: [(String, Value)] = []
        for f in model.fields {
            let values = request.query.filter { $0.0 == f.name }.map { Value.string($0.1) }
            let given: Value? = f.type.isSequence ? (values.isEmpty ? nil : .array(values)) : values.last
            if let given { pairs.append((f.name, given)) } else if let d = missingDefault(f) { pairs.append((f.name, d)) }
        }
        let rest = request.query.filter { pair in !model.fields.contains { $0.name == pair.0 } }
        pairs += extras(rest, grouped: profile.queryModelKeepsRepeatedExtras)
        return .object(pairs)
    }
}

extension Profile {
    /// A query model's input dict: 0.165 keeps every value of a repeated name no field reads (as a list); 0.115 and
    /// 0.120 keep its last value (seen in a `missing` error's `input`).
    var queryModelKeepsRepeatedExtras: Bool { self == .latest }
    /// `Annotated[Model, Query()]` exists from 0.115; 0.105 asserts "can only be a request body, using Body()".
    public var supportsQueryModels: Bool { self != .v0_105 }
}

/// Python's `int(str)` as pydantic-core applies it in lax mode: surrounding whitespace, a sign, `_` between digits,
/// and a fractional part of zeros (`"1.0"`) are accepted.
enum LaxNumber {
    static func int(_ text: String) -> Int? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        if let dot = s.firstIndex(of: ".") {
            let frac = s[s.index(after: dot)...]
            guard frac.allSatisfy({ $0 == "0" }) else { return nil }
            s = s[..<dot]
        }
        var sign = ""
        if let f = s.first, f == "+" || f == "-" { sign = f == "-" ? "-" : ""; s = s.dropFirst() }
        guard let first = s.first, first.isASCII, first.isNumber, s.last != "_", !s.contains("__") else { return nil }
        let digits = s.filter { $0 != "_" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(sign + digits)
    }
}
