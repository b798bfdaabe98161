/// Reads and validates request parameters the way FastAPI (pydantic v2, lax mode) does,
/// producing error objects in FastAPI's exact 422 shape.
struct RequestValues {
    let request: RequestSpec
    /// The decoded body (`RequestSpec.decodedBody`), read by body fields.
    let body: Value?
    /// The request's cookie jar (`RequestSpec.cookieJar`), parsed once per request.
    let cookies: [(String, String)]
    let pathValues: [String: String]
    let profile: Profile
    /// Whether body parameters are embedded under their names (`_should_embed_body_fields`).
    let embedBody: Bool

    /// Pydantic version shown in the `url` of 0.105's error objects.
    static let pydanticDocsVersion = "2.14"

    func error(_ type: String, loc: [String], msg: String, input: Value) -> Value {
        var pairs: [(String, Value)] = [("type", .string(type)), ("loc", .array(loc.map(Value.string))), ("msg", .string(msg)), ("input", input)]
        if profile.validationErrorsHaveURL { pairs.append(("url", .string("https://errors.pydantic.dev/\(RequestValues.pydanticDocsVersion)/v/\(type)"))) }
        return .object(pairs)
    }

    /// FastAPI's order: path, query, header, cookie, then body.
    func read(_ params: [ResolvedParam]) -> (values: [(String, Value)], errors: [Value]) {
        var values: [(String, Value)] = []
        var errors: [Value] = []
        for source in [RequestParam.Source.path, .query, .header, .cookie, .body] {
            for p in params where p.source == source {
                let (v, e) = read(p)
                if let e { errors.append(e) } else { values.append((p.name, v)) }
            }
        }
        return (values, errors)
    }

    func read(_ p: ResolvedParam) -> (Value, Value?) {
        let loc = p.source == .body ? (embedBody ? ["body", p.key] : ["body"]) : [p.source.rawValue, p.key]
        let raw: Value?
        switch p.source {
        case .path: raw = pathValues[p.key].map(Value.string)
        case .query: raw = request.query.last { $0.0 == p.key }.map { .string($0.1) }
        case .header: raw = request.headers.last { $0.0.lowercased() == p.key.lowercased() }.map { .string($0.1) }
        case .cookie: raw = cookies.last { $0.0 == p.key }.map { .string($0.1) }
        case .body:
            if embedBody {
                if case .object? = body { raw = body?[p.key] } else { raw = nil }
            } else {
                raw = body
            }
        case .inferred: raw = nil
        }
        guard let raw, raw != .null || p.source != .body else {
            if let d = p.spec.defaultValue { return (d, nil) }
            if p.spec.optional { return (.null, nil) }
            return (.null, error("missing", loc: loc, msg: "Field required", input: .null))
        }
        return convert(raw, to: p.spec.type, loc: loc)
    }

    func convert(_ raw: Value, to type: RequestParam.ValueType, loc: [String]) -> (Value, Value?) {
        switch type {
        case .str:
            if case .string = raw { return (raw, nil) }
            if loc.first == "body" { return (.null, error("string_type", loc: loc, msg: "Input should be a valid string", input: raw)) }
            return (.string(raw.text), nil)
        case .int:
            switch raw {
            case .int: return (raw, nil)
            case .double(let d) where d == d.rounded(): return (.int(Int(d)), nil)
            case .string(let s):
                // `Int(s)` only parses text without spaces, where trimming would change nothing.
                if let i = Int(s) ?? Int(s.trimmingCharacters(in: .whitespaces)) { return (.int(i), nil) }
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
        case found(CompiledRoute, [String: String])
        case methodNotAllowed([String])
        case redirect(String)
        case notFound
    }

    static func match(_ routes: [CompiledRoute], method: String, path: String) -> Outcome {
        var partial: [String]?
        let segments = PathPattern.split(path)
        // A websocket scope matches only websocket routes, an HTTP one only HTTP routes (Starlette's `matches`);
        // a websocket has no 405 and no redirect_slashes.
        let ws = method == RequestSpec.webSocketMethod
        for r in routes where r.route.isWebSocket == ws {
            guard let values = r.pattern.match(segments) else { continue }
            if r.route.method == method { return .found(r, values) }
            if partial == nil { partial = [r.route.method] }
        }
        if let partial { return .methodNotAllowed(partial) }
        if ws { return .notFound }
        // Starlette's redirect_slashes: `/x` → `/x/` (or back) when that path exists for some method.
        let other = path.hasSuffix("/") && path != "/" ? String(path.dropLast()) : path + "/"
        let otherSegments = PathPattern.split(other)
        if routes.contains(where: { !$0.route.isWebSocket && $0.pattern.match(otherSegments) != nil }) { return .redirect(other) }
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
