import DILab

/// An HTTP request as it arrived, before the engine sees it. Plain values, so translation is testable without a socket.
struct IncomingRequest: Sendable {
    var method: String
    /// The raw request target: path and query, still percent-encoded (the engine decodes, as Starlette does).
    var target: String
    /// Header names lower-cased, as Starlette presents them.
    var headers: [(String, String)]
    var body: [UInt8]

    init(method: String, target: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
    }

    func header(_ name: String) -> String? { headers.last { $0.0 == name }?.1 }
}

/// A request the server answers itself because FastAPI would fail it before any dependency runs:
/// a body that is not JSON (422 `json_invalid`), not text (400), or too large (413).
struct Rejection: Error, Sendable, Equatable {
    var status: Int
    var body: Value
    /// The exception FastAPI (or Starlette) raises, for the trace: `RequestValidationError`, `HTTPException 400`.
    var exception: String
    var reason: String
    /// The 422's error objects, one validation event each.
    var errors: [Value] = []
}

enum Translation: Sendable {
    case engine(RequestSpec)
    case reject(Rejection)
}

/// Turns an HTTP request into the engine's `RequestSpec` the way Starlette and FastAPI read one.
enum RequestTranslator {
    static func translate(_ incoming: IncomingRequest, app: CompiledApp) -> Translation {
        var spec = spec(incoming)
        guard !incoming.body.isEmpty,
              let route = app.matchingRoute(method: spec.method, path: spec.path), readsBody(route.dependant) else {
            return .engine(spec)
        }
        switch body(incoming.body, contentType: incoming.header("content-type"), profile: app.profile) {
        case .success(let value): spec.body = value
        case .failure(let rejection):
            // FastAPI's own decoding errors belong to the engine's trace, like any other request.
            spec.bodyProblem = rejection.errors.first.map(BodyProblem.invalidJSON) ?? .unreadable
        }
        return .engine(spec)
    }

    /// Method, target, headers and cookies; no body.
    static func spec(_ incoming: IncomingRequest) -> RequestSpec {
        let target = incoming.target.hasPrefix("/") ? incoming.target : "/" + incoming.target
        return RequestSpec(method: incoming.method.uppercased(), target: target, headers: incoming.headers,
                           cookies: cookies(incoming.header("cookie") ?? ""))
    }

    /// Whether FastAPI builds a body field for the route: the handler or any dependency has a body parameter.
    static func readsBody(_ d: Dependant) -> Bool {
        d.requestParams.contains { $0.source == .body } || d.dependencies.contains(where: readsBody)
    }

    /// `get_request_handler`: JSON for `application/json` and `application/*+json`; any other media type leaves
    /// the raw bytes (validated as a string). Without a content-type, 0.165's `strict_content_type=True` keeps the
    /// raw bytes too, while 0.120 and older parse JSON (fastapi/routing.py, both versions read).
    static func body(_ bytes: [UInt8], contentType: String?, profile: Profile) -> Result<Value, Rejection> {
        let parsesJSON: Bool
        if let contentType, !contentType.trimmingCharacters(in: .whitespaces).isEmpty {
            let media = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let parts = media.split(separator: "/", maxSplits: 1).map(String.init)
            parsesJSON = parts.count == 2 && parts[0] == "application" && (parts[1] == "json" || parts[1].hasSuffix("+json"))
        } else {
            parsesJSON = profile != .latest
        }
        // json.loads(bytes) decodes UTF-8 (a BOM is allowed); undecodable bytes are "an error parsing the body".
        var utf8 = bytes
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { utf8.removeFirst(3) }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            if !parsesJSON { return .success(.string(String(decoding: bytes, as: UTF8.self))) }
            return .failure(Rejection(status: 400, body: .object([("detail", .string("There was an error parsing the body"))]),
                                      exception: "HTTPException 400", reason: "the body is not UTF-8 text"))
        }
        guard parsesJSON else { return .success(.string(text)) }
        switch PythonJSON.loads(text) {
        case .success(let value):
            return .success(value)
        case .failure(let e):
            let error: Value = .object([
                ("type", .string("json_invalid")), ("loc", .array([.string("body"), .int(e.position)])),
                ("msg", .string("JSON decode error")), ("input", .object([])), ("ctx", .object([("error", .string(e.message))])),
            ])
            return .failure(Rejection(status: 422, body: .object([("detail", .array([error]))]), exception: "RequestValidationError",
                                      reason: "JSON decode error: \(e.message): char \(e.position)", errors: [error]))
        }
    }

    /// Starlette's `cookie_parser`: `;`-separated pairs, a chunk without `=` is a value with an empty name,
    /// surrounding whitespace is stripped and double quotes removed; the last duplicate wins.
    static func cookies(_ header: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for chunk in header.split(separator: ";", omittingEmptySubsequences: false) {
            let kv = chunk.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            var key = kv.count == 2 ? String(kv[0]) : ""
            var value = String(kv.count == 2 ? kv[1] : kv[0])
            key = key.trimmingCharacters(in: .whitespaces)
            value = value.trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard !key.isEmpty || !value.isEmpty else { continue }
            out.removeAll { $0.0 == key }
            out.append((key, value))
        }
        return out
    }

    /// The events of a request the server answered itself, in the engine's vocabulary, so the terminal,
    /// `/_dilab/traces/{id}` and the SSE stream show it like any other request.
    static func events(for rejection: Rejection, request: RequestSpec, handler: String, at t: Int) -> [TraceEvent] {
        var events = [TraceEvent(t: t, request: nil, kind: .request, subject: request.line, detail: "")]
        for e in rejection.errors {
            let loc = e.validationLoc
            events.append(TraceEvent(t: t, request: nil, kind: .validation, subject: loc, detail: e["msg"]?.text ?? "",
                                     data: ["q": e["type"]?.text ?? "", "error": e.json]))
        }
        events.append(TraceEvent(t: t, request: nil, kind: .raise, subject: handler,
                                 detail: "\(rejection.reason): no dependency runs", data: ["q": rejection.exception]))
        let text = rejection.body.json
        events.append(TraceEvent(t: t, request: nil, kind: .response, subject: String(rejection.status), detail: text,
                                 data: ["status": String(rejection.status), "body": text, "json": "true", "headers": "{}"]))
        events.append(TraceEvent(t: t, request: nil, kind: .sent, subject: String(rejection.status), detail: "the client has its answer",
                                 data: ["status": String(rejection.status)]))
        return events
    }
}

import Foundation
