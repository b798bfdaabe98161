import DILab
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The one HTTP responder: `/_dilab/...` introspection, and every other request to the engine. There is no
/// Hummingbird router on purpose: the engine matches routes, so 404 and 405 (with `allow`) are FastAPI's.
struct DILabResponder: HTTPResponder {
    typealias Context = ConnectionContext
    let core: ServerCore

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == "/_dilab/events" || path.hasPrefix("/_dilab/traces/") {
            guard request.method == .get else {
                return HTTPOut.json(405, .object([("detail", .string("Method Not Allowed"))]), headers: [("allow", "GET")])
            }
            if path == "/_dilab/events" { return events() }
            return trace(String(path.dropFirst("/_dilab/traces/".count)))
        }
        return try await engine(request, channel: context.channel)
    }

    /// `GET /_dilab/traces/{id}`: the trace so far, `complete` once its tasks and cleanup have finished.
    func trace(_ id: String) -> Response {
        guard let value = core.store.json(id.removingPercentEncoding ?? id) else {
            return HTTPOut.json(404, .object([("detail", .string("No trace with id '\(id)' (unknown, or dropped: the server keeps the newest \(core.options.keepTraces), within \(core.options.keepBytes) bytes)"))]))
        }
        return HTTPOut.json(200, value, pretty: true)
    }

    /// `GET /_dilab/events`: every event of every request, live, as server-sent events (`curl -N`).
    func events() -> Response {
        guard let stream = core.events.subscribe() else {
            return HTTPOut.json(503, .object([("detail", .string("The server is shutting down"))]))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: ": dilab events: one message per trace event\n\n"))
            for await pending in stream {
                try await writer.write(ByteBuffer(string: pending.message))
            }
            try await writer.finish(nil)
        })
    }

    /// Reads the body (bounded), translates, runs the engine and answers when its `response` event arrives.
    func engine(_ request: Request, channel: any Channel) async throws -> Response {
        core.inflight.enterAnonymous()
        defer { core.inflight.leaveAnonymous() }
        // HTTP/1.1's Host header arrives as the request's authority; Starlette lists it with the other headers.
        var headers: [(String, String)] = []
        headers.reserveCapacity(request.headers.count + 1)   // one array, not three joined
        if let host = request.head.authority { headers.append(("host", host)) }
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        var incoming = IncomingRequest(method: request.method.rawValue, target: request.head.path ?? "/", headers: headers)
        let limit = core.options.maxBodyBytes
        let length = request.headers[.contentLength]
        var tooLarge = (length.flatMap { Int($0) } ?? 0) > limit
        // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body, so there is
        // nothing to wait for (Hummingbird reads the end of the request itself before the next one).
        let hasBody = request.headers[.transferEncoding] != nil || (length != nil && length != "0")
        if !tooLarge, hasBody {
            for try await buffer in request.body {
                incoming.body += buffer.readableBytesView
                if incoming.body.count > limit {
                    tooLarge = true
                    break
                }
            }
        }
        if tooLarge {
            let rejection = Rejection(status: 413, body: .object([("detail", .string("Content Too Large"))]), exception: "HTTPException 413",
                                      reason: "the body is larger than the server's limit of \(limit) bytes (--max-body)")
            return rejected(rejection, RequestTranslator.spec(incoming))
        }
        return await run(RequestTranslator.spec(incoming), channel: channel)
    }

    func rejected(_ rejection: Rejection, _ spec: RequestSpec) -> Response {
        let id = core.recordRejection(rejection, request: spec)
        return HTTPOut.json(rejection.status, rejection.body, headers: [("x-request-id", id)])
    }

    /// Hands the request to the engine's loop and builds the response from the typed head it sends. The engine goes
    /// on past `sent` once the last byte is out (`bodyWritten`): a one-buffer body is written in one go and the
    /// connection says so when it is (`ResponseWritten`); a stream writes each `chunk` as the engine produces it.
    func run(_ spec: RequestSpec, channel: any Channel) async -> Response {
        let (exchange, id) = core.startRun(spec)
        guard let head = await exchange.nextHead() else {
            // Deadlocked or cancelled: FastAPI would leave the client waiting; dilab answers so the socket is freed.
            return HTTPOut.text(500, "Internal Server Error")
        }
        var fields = HTTPOut.fields(head.headers, extra: 2)
        let (idName, idValue) = HTTPOut.requestID(id, besides: head.headers)
        fields.append(HTTPField(name: idName, value: idValue))
        if let type = head.contentType {
            // Appended, as the subscript would when the app set no content-type (it searches the fields first).
            if head.headers.contains(where: { HTTPOut.sameName($0.0, "content-type") }) {
                fields[.contentType] = type
            } else {
                fields.append(HTTPField(name: .contentType, value: type))
            }
        }
        let status = HTTPOut.status(head.status)
        if HTTPOut.isBodiless(head.status) {
            // RFC 9110 §6.4.1: no body and no Content-Length, whatever the app returned (a 1xx also ends the
            // connection: see `RequestProgressHandler`).
            return Response(status: status, headers: fields, body: ResponseBody(contentLength: nil) { writer in
                defer { exchange.bodyWritten() }
                try await writer.finish(nil)
            })
        }
        if head.isStreaming {
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                defer { exchange.bodyWritten() }
                for await chunk in exchange.chunks {
                    try await writer.write(ByteBuffer(string: chunk))
                }
                try await writer.finish(nil)
            })
        }
        let buffer = ByteBuffer(string: head.body)
        if ResponseWritten.pending.onWritten(channel, { exchange.bodyWritten() }) {
            // One buffer, written in one go; the engine hears of it when the connection's responder returns.
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: buffer))
        }
        return Response(status: status, headers: fields, body: ResponseBody(contentLength: buffer.readableBytes) { writer in
            defer { exchange.bodyWritten() }
            try await writer.write(buffer)
            try await writer.finish(nil)
        })
    }
}

/// Hummingbird's basic context plus the connection, which `ResponseWritten` keys a request's "written" by.
struct ConnectionContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Small builders for the responses the server writes.
enum HTTPOut {
    static func status(_ code: Int) -> HTTPResponse.Status {
        (100...999).contains(code) ? HTTPResponse.Status(code: code) : .internalServerError
    }

    /// The header that names the request's trace: `x-request-id`, unless the app sets that header itself (a
    /// middleware's or a `Response` parameter's `X-Request-Id`), whose value the client must get as FastAPI sends
    /// it, once; then the trace id goes in `x-dilab-request-id`.
    static func requestID(_ id: String, besides headers: [(String, String)]) -> (HTTPField.Name, String) {
        let own = headers.contains { sameName($0.0, "x-request-id") }
        return (own ? dilabRequestID : requestIDName, id)
    }

    static let requestIDName = HTTPField.Name("x-request-id")!
    static let dilabRequestID = HTTPField.Name("x-dilab-request-id")!

    /// Header names compared as HTTP does (ASCII case-insensitive), without lower-casing a copy; `lower` is
    /// lower-case already.
    static func sameName(_ name: String, _ lower: StaticString) -> Bool {
        let a = name.utf8
        guard a.count == lower.utf8CodeUnitCount else { return false }
        return lower.withUTF8Buffer { b in
            zip(a, b).allSatisfy { x, y in (x >= 65 && x <= 90 ? x + 32 : x) == y }
        }
    }

    /// 1xx, 204 and 304 responses carry no body.
    static func isBodiless(_ code: Int) -> Bool { (100..<200).contains(code) || code == 204 || code == 304 }

    /// Header names the app set; a name HTTP cannot carry is dropped rather than crashing the server.
    static func fields(_ pairs: [(String, String)], extra: Int = 0) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(pairs.count + extra)
        for (name, value) in pairs {
            guard let n = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: n, value: value))
        }
        return fields
    }

    static func json(_ code: Int, _ value: Value, headers: [(String, String)] = [], pretty: Bool = false) -> Response {
        var fields = self.fields(headers)
        fields[.contentType] = "application/json"
        return Response(status: status(code), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: pretty ? value.pretty() + "\n" : value.json)))
    }

    static func text(_ code: Int, _ text: String) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status(code), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
