/// Reads and validates request parameters the way FastAPI (pydantic v2, lax mode) does,
/// producing error objects in FastAPI's exact 422 shape.
struct RequestValues {
    let request: RequestSpec
    /// The decoded body (`RequestSpec.decodedBody`), read by body fields.
    let body: Value?
    /// The request's cookie jar (`RequestSpec.cookieJar`), parsed once per request.
    let cookies: [(String, String)]
    let pathValues: PathValues
    let profile: Profile
    /// Whether body parameters are embedded under their names (`_should_embed_body_fields`).
    let embedBody: Bool
    /// The scenario's `models:` by name, for parameters annotated with one.
    var models: [String: BodyModel] = [:]

    /// Pydantic version shown in the `url` of 0.105's error objects.
    static let pydanticDocsVersion = "2.14"

    func error(_ type: String, loc: [String], msg: String, input: Value, ctx: Value? = nil) -> Value {
        var pairs: [(String, Value)] = [("type", .string(type)), ("loc", .array(loc.map(Value.string))), ("msg", .string(msg)), ("input", input)]
        if let ctx { pairs.append(("ctx", ctx)) }
        if profile.validationErrorsHaveURL { pairs.append(("url", .string("https://errors.pydantic.dev/\(RequestValues.pydanticDocsVersion)/v/\(type)"))) }
        return .object(pairs)
    }

    /// FastAPI's order: path, query, header, cookie, then body.
    func read(_ params: [ResolvedParam]) -> (values: [(String, Value)], errors: [Value]) {
        if params.isEmpty { return ([], []) }
        var values: [(String, Value)] = []
        var errors: [Value] = []
        // One pass when every parameter comes from one source (the common case), else one per source in order;
        // a parameter is copied out only when its turn comes.
        let first = params[0].source
        let sources: [RequestParam.Source]
        if let k = RequestValues.readingOrder.firstIndex(of: first), params.allSatisfy({ $0.source == first }) {
            sources = RequestValues.alone[k]
        } else {
            sources = RequestValues.readingOrder
        }
        for source in sources {
            for i in params.indices where params[i].source == source {
                let p = params[i]
                if let typed = p.spec.fieldType {
                    let (v, e) = readTyped(p, typed)
                    if e.isEmpty { values.append((p.name, v)) } else { errors += e }
                    continue
                }
                if let name = p.spec.model, let model = models[name] {
                    let (v, e) = readModel(p, model)
                    if e.isEmpty { values.append((p.name, v)) } else { errors += e }
                    continue
                }
                let (v, e) = read(p)
                if let e { errors.append(e) } else { values.append((p.name, v)) }
            }
        }
        return (values, errors)
    }

    /// A model-annotated parameter: a query model reads every query parameter; a body model is read as any body
    /// (missing, default, optional alike), then validated field by field.
    func readModel(_ p: ResolvedParam, _ model: BodyModel) -> (Value, [Value]) {
        if p.source == .query { return validateModel(queryModelInput(model), model, loc: [.string("query")]) }
        if p.source == .header { return headerModel(model) }
        if p.source == .cookie { return cookieModel(model) }
        let loc: [Value] = embedBody ? [.string("body"), .string(p.key)] : [.string("body")]
        var plain = p
        plain.spec.model = nil
        plain.spec.type = .any  // the model checks the shape: a non-object is model_attributes_type, not dict_type
        let (raw, e) = read(plain)
        if let e { return (.null, [e]) }
        // A missing optional body (None, or its default) is not validated.
        if case .null = raw, p.spec.optional { return (.null, []) }
        if p.source == .body, !isPresent(p) { return (raw, []) }
        return validateModel(raw, model, loc: loc)
    }

    /// Whether the request carries this body parameter (else `read` gave its default).
    func isPresent(_ p: ResolvedParam) -> Bool {
        let nullCounts = profile.validatesBodyNull
        if embedBody { if case .object? = body { return body?[p.key] != nil && (nullCounts || body?[p.key] != .null) } else { return false } }
        return body != nil && (nullCounts || body != .null)
    }

    /// Headers the app receives without the request naming them (see `appHeaders()`).
    static let serverAddedHeaders: Set<String> = ["host", "cookie", "content-type", "content-length"]

    /// `request_params_to_args`' order: path, query, header, cookie, then the body.
    static let readingOrder: [RequestParam.Source] = [.path, .query, .header, .cookie, .body]
    /// Each of `readingOrder` on its own (a list of one source, made once).
    static let alone: [[RequestParam.Source]] = readingOrder.map { [$0] }

    func read(_ p: ResolvedParam) -> (Value, Value?) {
        let loc = p.source == .body ? (embedBody ? ["body", p.key] : ["body"]) : [p.source.rawValue, p.key]
        let raw: Value?
        switch p.source {
        case .path: raw = pathValues[p.key].map(Value.string)
        case .query: raw = request.query.last { $0.0 == p.key }.map { .string($0.1) }
        case .header:
            if let given = request.headers.last(where: { $0.0.equalsIgnoringCase(p.key) }) {
                raw = .string(given.1)
            } else if case let key = p.key.lowercased(), Self.serverAddedHeaders.contains(key) {
                // `host: str = Header()` reads the server's `testserver`, as TestClient and verify's driver send it.
                raw = appHeaders().last { $0.0 == key }.map { .string($0.1) }
            } else {
                raw = nil
            }
        case .cookie: raw = cookies.last { $0.0 == p.key }.map { .string($0.1) }
        case .body:
            if embedBody {
                switch body {
                case .object?: raw = body?[p.key]
                case nil: raw = nil
                case .null? where !profile.validatesBodyNull: raw = nil
                // `received_body.get(alias)` on a list, a scalar (or, on the latest profile, null) raises AttributeError: every
                // embedded field is missing, defaults or not.
                default: return (.null, error("missing", loc: loc, msg: "Field required", input: .null))
                }
            } else {
                raw = body
            }
        case .inferred: raw = nil
        }
        // The latest profile validates a JSON null sent for a body (`{"a": null}`, or a body of `null`); older ones read it as absent.
        if raw == .null, p.source == .body, profile.validatesBodyNull, p.spec.optional { return (.null, nil) }
        guard let raw, raw != .null || p.source != .body || profile.validatesBodyNull else {
            if let d = p.spec.defaultValue {
                // 0.106–0.120 hand a missing parameter's default to the field's validator (`_get_multidict_value`
                // returns it in place of None), so a default is converted and checked against its constraints.
                if profile.validatesParameterDefaults, d != .null, p.source != .body {
                    return validated(d, p.spec, loc: loc, fromDefault: true)
                }
                return (d, nil)
            }
            if p.spec.optional { return (.null, nil) }
            return (.null, error("missing", loc: loc, msg: "Field required", input: .null))
        }
        return validated(raw, p.spec, loc: loc, fromDefault: false)
    }

    /// Converts to the parameter's type, then checks its constraints (pydantic reports only a value's first failure).
    func validated(_ raw: Value, _ spec: RequestParam, loc: [String], fromDefault: Bool) -> (Value, Value?) {
        // A JSON body value is any JSON type: pydantic's lax rules for each (1.5 is int_from_float, true an int).
        let (v, e) = loc.first == "body" && !fromDefault ? lax(raw, spec.type, loc: loc.map(Value.string))
            : convert(raw, to: spec.type, loc: loc, strictString: fromDefault)
        guard e == nil, !spec.constraints.isEmpty else { return (v, e) }
        if let failure = ConstraintCheck.firstFailure(v, spec.constraints, type: spec.type) {
            return (.null, error(failure.type, loc: loc, msg: failure.msg, input: raw, ctx: failure.ctx))
        }
        return (v, nil)
    }

    func convert(_ raw: Value, to type: RequestParam.ValueType, loc: [String], strictString: Bool = false) -> (Value, Value?) {
        switch type {
        case .str:
            if case .string = raw { return (raw, nil) }
            if loc.first == "body" || strictString { return (.null, error("string_type", loc: loc, msg: "Input should be a valid string", input: raw)) }
            return (.string(raw.text), nil)
        case .int:
            switch raw {
            case .int: return (raw, nil)
            case .double(let d) where d == d.rounded(): return (.int(Int(d)), nil)
            case .string(let s):
                if let i = PydanticInt.parse(s) { return (.int(i), nil) }
                return (.null, error("int_parsing", loc: loc, msg: "Input should be a valid integer, unable to parse string as an integer", input: raw))
            default: return (.null, error("int_type", loc: loc, msg: "Input should be a valid integer", input: raw))
            }
        case .float:
            switch raw {
            case .int(let i): return (.double(Double(i)), nil)
            case .double: return (raw, nil)
            case .string(let s):
                if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return (.double(d), nil) }
                return (.null, error("float_parsing", loc: loc, msg: "Input should be a valid number, unable to parse string as a number", input: raw))
            default: return (.null, error("float_type", loc: loc, msg: "Input should be a valid number", input: raw))
            }
        case .bool:
            switch raw {
            case .bool: return (raw, nil)
            case .int(let i) where i == 0 || i == 1: return (.bool(i == 1), nil)
            case .string(let s):
                switch s.lowercased() {
                case "0", "off", "f", "false", "n", "no": return (.bool(false), nil)
                case "1", "on", "t", "true", "y", "yes": return (.bool(true), nil)
                default: return (.null, error("bool_parsing", loc: loc, msg: "Input should be a valid boolean, unable to interpret input", input: raw))
                }
            default: return (.null, error("bool_type", loc: loc, msg: "Input should be a valid boolean", input: raw))
            }
        case .dict:
            if case .object = raw { return (raw, nil) }
            return (.null, error("dict_type", loc: loc, msg: "Input should be a valid dictionary", input: raw))
        case .list:
            if case .array = raw { return (raw, nil) }
            return (.null, error("list_type", loc: loc, msg: "Input should be a valid list", input: raw))
        case .any:
            return (raw, nil)
        }
    }
}

extension Profile {
    /// The latest profile (0.165) hands a JSON null sent for a body parameter to its validator; 0.120 and older
    /// treat it as not sent.
    var validatesBodyNull: Bool { self == .latest }
    /// 0.106–0.120 validate a missing parameter's (non-None) default; 0.105 and 0.121+ pass it through as it is.
    var validatesParameterDefaults: Bool { self == .v0_115 || self == .v0_120 }
}

/// pydantic-core's constrained int, float and str validators: which check fails first, and its error's
/// type, msg and ctx.
enum ConstraintCheck {
    struct Failure { var type: String; var msg: String; var ctx: Value }

    static func firstFailure(_ v: Value, _ constraints: [ParamConstraint], type: RequestParam.ValueType) -> Failure? {
        func find(_ k: String) -> Value? {
            constraints.first { $0.keyword == k || (k == "pattern" && $0.keyword == "regex") }?.value
        }
        switch (type, v) {
        case (.int, .int(let x)):
            // pydantic-core's order: multiple_of, le, lt, ge, gt.
            if case .int(let m)? = find("multiple_of"), x % m != 0 { return failure("multiple_of", "a multiple of", .int(m)) }
            if case .int(let b)? = find("le"), !(x <= b) { return failure("le", "less than or equal to", .int(b)) }
            if case .int(let b)? = find("lt"), !(x < b) { return failure("lt", "less than", .int(b)) }
            if case .int(let b)? = find("ge"), !(x >= b) { return failure("ge", "greater than or equal to", .int(b)) }
            if case .int(let b)? = find("gt"), !(x > b) { return failure("gt", "greater than", .int(b)) }
        case (.float, .double(let x)):
            func bound(_ k: String) -> Double? {
                switch find(k) { case .int(let i)?: return Double(i); case .double(let d)?: return d; default: return nil }
            }
            if let m = bound("multiple_of") {
                // float.rs: a remainder within |x|/1e9 of 0 or of the divisor counts as a multiple.
                let rem = x.truncatingRemainder(dividingBy: m)
                let threshold = abs(x) / 1e9
                if abs(rem) > threshold && abs(rem - m) > threshold { return failure("multiple_of", "a multiple of", .double(m)) }
            }
            if let b = bound("le"), !(x <= b) { return failure("le", "less than or equal to", .double(b)) }
            if let b = bound("lt"), !(x < b) { return failure("lt", "less than", .double(b)) }
            if let b = bound("ge"), !(x >= b) { return failure("ge", "greater than or equal to", .double(b)) }
            if let b = bound("gt"), !(x > b) { return failure("gt", "greater than", .double(b)) }
        case (.str, .string(let s)):
            let n = s.unicodeScalars.count
            if case .int(let m)? = find("min_length"), n < m {
                return Failure(type: "string_too_short", msg: "String should have at least \(m) character\(m == 1 ? "" : "s")",
                               ctx: .object([("min_length", .int(m))]))
            }
            if case .int(let m)? = find("max_length"), n > m {
                return Failure(type: "string_too_long", msg: "String should have at most \(m) character\(m == 1 ? "" : "s")",
                               ctx: .object([("max_length", .int(m))]))
            }
            if case .string(let p)? = find("pattern"), let compiled = try? ConstraintPattern(p), !compiled.matches(s) {
                return Failure(type: "string_pattern_mismatch", msg: "String should match pattern '\(p)'", ctx: .object([("pattern", .string(p))]))
            }
        default: break
        }
        return nil
    }

    static let types = ["multiple_of": "multiple_of", "le": "less_than_equal", "lt": "less_than", "ge": "greater_than_equal", "gt": "greater_than"]

    static func failure(_ keyword: String, _ phrase: String, _ bound: Value) -> Failure {
        Failure(type: types[keyword]!, msg: "Input should be \(phrase) \(rustDisplay(bound))", ctx: .object([(keyword, bound)]))
    }

    /// How Rust's `Display` writes the bound in pydantic-core's message: an int as is, a float in its shortest
    /// round-trip digits without an exponent and without a trailing `.0` (`1.0` → `1`, `1e-05` → `0.00001`).
    static func rustDisplay(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .double(let d):
            guard d.isFinite else { return d.isNaN ? "NaN" : (d > 0 ? "inf" : "-inf") }
            var text = "\(abs(d))"
            var exponent = 0
            if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                exponent = Int(text[text.index(after: e)...]) ?? 0
                text = String(text[..<e])
            }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
            var point = parts[0].count + exponent
            while digits.count > 1, digits.first == "0", point > 1 { digits.removeFirst(); point -= 1 }
            while digits.hasSuffix("0"), digits.count > max(point, 1) { digits.removeLast() }
            var out: String
            if point <= 0 {
                out = "0." + String(repeating: "0", count: -point) + digits
            } else if point >= digits.count {
                out = digits + String(repeating: "0", count: point - digits.count)
            } else {
                out = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            }
            if out.hasPrefix("0."), digits.allSatisfy({ $0 == "0" }) { out = "0" }
            return (d < 0 || (d == 0 && d.sign == .minus) ? "-" : "") + out
        default: return v.text
        }
    }
}

extension Value {
    /// A validation error's `loc` joined with dots (`query.q`, `body.7`): the subject of its `validation` event.
    public var validationLoc: String {
        guard case .array(let parts)? = self["loc"] else { return "" }
        return parts.map(\.text).joined(separator: ".")
    }
}

/// Starlette's routing: the first route whose path and method match; a path match with another method is a 405.
enum RouteMatcher {
    enum Outcome {
        /// The matched route's index in the routes searched, and its path parameters.
        case found(Int, PathValues)
        case methodNotAllowed([String])
        case redirect(String)
        case notFound
    }

    /// Starlette's route scan. The match is an index, so the request's run borrows the route where the engine keeps
    /// it instead of copying a `CompiledRoute` (a retain and a release of each of its fields) into the outcome.
    static func matchIndex(_ routes: [CompiledRoute], method: String, path: String) -> Outcome {
        var partial: [String]?
        let segments = PathPattern.split(path)
        // A websocket scope matches only websocket routes, an HTTP one only HTTP routes (Starlette's `matches`);
        // a websocket has no 405 and no redirect_slashes.
        let ws = method == RequestSpec.webSocketMethod
        for i in routes.indices where routes[i].isWebSocket == ws {
            guard let values = routes[i].pattern.match(segments) else { continue }
            if routes[i].route.method == method { return .found(i, values) }
            if partial == nil { partial = [routes[i].route.method] }
        }
        if let partial { return .methodNotAllowed(partial) }
        if ws { return .notFound }
        // Starlette's redirect_slashes: `/x` → `/x/` (or back) when that path exists for some method.
        let other = path.hasSuffix("/") && path != "/" ? String(path.dropLast()) : path + "/"
        let otherSegments = PathPattern.split(other)
        if routes.contains(where: { !$0.isWebSocket && $0.pattern.match(otherSegments) != nil }) { return .redirect(other) }
        return .notFound
    }

    static func matchPath(_ template: String, _ path: String) -> [String: String]? {
        let t = template.split(separator: "/", omittingEmptySubsequences: false)
        let p = path.split(separator: "/", omittingEmptySubsequences: false)
        var values: [String: String] = [:]
        var i = 0
        while i < t.count {
            let seg = t[i]
            if seg.hasPrefix("{"), seg.hasSuffix("}") {
                let inner = seg.dropFirst().dropLast()
                let parts = inner.split(separator: ":")
                let name = String(parts[0])
                if parts.count > 1, parts[1] == "path" {
                    guard i < p.count else { return nil }
                    values[name] = p[i...].joined(separator: "/").removingPercentEncodingLenient
                    return values
                }
                guard i < p.count, !p[i].isEmpty else { return nil }
                values[name] = String(p[i]).removingPercentEncodingLenient
            } else {
                guard i < p.count, p[i] == seg else { return nil }
            }
            i += 1
        }
        return i == p.count ? values : nil
    }
}

import Foundation
