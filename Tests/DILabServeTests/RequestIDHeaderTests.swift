import DILab
@testable import DILabServe
import Foundation
import Testing

/// `x-request-id` names a request's trace, but an app may set that header itself (a middleware assigning request
/// ids): then the client gets the app's header once, as from FastAPI, and the trace id in `x-dilab-request-id`.
@Suite("serve's request-id header", .serialized)
struct RequestIDHeaderTests {
    static let appSetsIt = """
    scenario: an app that sets X-Request-Id
    middleware:
      - http: add_request_id
        before: {request_state: {request_id: "req-{{@request}}"}}
        after: {headers: {X-Request-ID: "{{request.state.request_id}}"}}
    routes:
      - GET /ping:
          handler: ping
          returns: {ok: true}
    requests:
      - GET /ping
    """

    @Test("the app's X-Request-Id is sent once, and the trace id goes in x-dilab-request-id")
    func appHeaderOnce() async throws {
        let live = try await LiveServer.start(Self.appSetsIt)
        let port = live.port
        let text = try await OnThread { () throws -> String in
            let socket = try RawSocket(port: port, readTimeout: 5)
            _ = socket.write("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return socket.readAll().text.lowercased()
        }.value()
        let ids = text.split(separator: "\r\n").filter { $0.hasPrefix("x-request-id:") }
        #expect(ids == ["x-request-id: req-1"])
        let dilabID = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("x-dilab-request-id:") })
        let trace = try await live.completeTrace(String(dilabID.dropFirst("x-dilab-request-id:".count)).trimmingCharacters(in: .whitespaces))
        #expect(trace["status"] == .int(200))
        _ = await live.stop()
    }

    @Test("HTTPOut.requestID: x-request-id unless the app's headers have it, in any case")
    func requestIDHeaderName() {
        #expect(HTTPOut.requestID("3", besides: [("content-language", "en")]).0.canonicalName == "x-request-id")
        #expect(HTTPOut.requestID("3", besides: [("X-Request-ID", "abc")]).0.canonicalName == "x-dilab-request-id")
    }
}
