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

/// A request the server answers itself, before FastAPI would see it: a body over `--max-body` (413).
/// Everything FastAPI itself decides (json_invalid, an unreadable body) is the engine's.
struct Rejection: Error, Sendable, Equatable {
    var status: Int
    var body: Value
    /// The exception the server raises, for the trace: `HTTPException 413`.
    var exception: String
    var reason: String
}

/// Turns an HTTP request into the engine's `RequestSpec`: the wire's method, target, headers and bytes, unparsed.
/// Cookies and the body are read by the engine (`RequestSpec.cookieJar`, `decodedBody`), as for every door.
enum RequestTranslator {
    static func spec(_ incoming: IncomingRequest) -> RequestSpec {
        let target = incoming.target.hasPrefix("/") ? incoming.target : "/" + incoming.target
        return RequestSpec(method: incoming.method.uppercased(), target: target, headers: incoming.headers,
                           rawBody: incoming.body.isEmpty ? nil : incoming.body)
    }

    /// The events of a request the server answered itself, in the engine's vocabulary, so the terminal,
    /// `/_dilab/traces/{id}` and the SSE stream show it like any other request.
    static func events(for rejection: Rejection, request: RequestSpec, handler: String, at t: Int) -> [TraceEvent] {
        var events = [TraceEvent(t: t, request: nil, kind: .request, subject: request.line, detail: "")]
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
