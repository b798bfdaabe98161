import DILab
@testable import DILabServe
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("live events", .serialized)
struct SSETests {
    /// Collects a streaming body as it arrives (URLSession's delegate callbacks work on Linux; `bytes(for:)` does not exist there).
    final class Collector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive d: Data) {
            lock.withLock { data.append(d) }
        }
    }

    @Test("/_dilab/events streams every event as server-sent events, background tasks included")
    func eventsStream() async throws {
        let live = try await LiveServer.start(Scenarios.shop)
        let collector = Collector()
        let session = URLSession(configuration: .ephemeral, delegate: collector, delegateQueue: nil)
        let task = session.dataTask(with: live.url("/_dilab/events"))
        task.resume()
        let deadline = Date().addingTimeInterval(10)
        while !collector.text.contains(": dilab events"), Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let id = try #require(try await live.get("/users/7").requestID)
        while !collector.text.contains("event: exit"), Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let text = collector.text
        #expect(text.contains("event: response\ndata: {\"x_request_id\":\"\(id)\""))
        #expect(text.contains("event: task.end\n"))
        let kinds = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(kinds == ["request", "enter", "handler", "task.add", "response", "sent", "task.start", "task.end", "exit"])
        task.cancel()
        session.invalidateAndCancel()
        // Shutdown is not held open by a subscriber.
        #expect(await live.stop().drained)
    }

    @Test("an SSE message is id, event kind and one line of JSON")
    func messageFormat() {
        let e = TraceEvent(t: 5, request: 2, kind: .taskEnd, subject: "audit")
        #expect(EventBroadcaster.message(e, id: "2", sequence: 9)
                == "id: 9\nevent: task.end\ndata: {\"x_request_id\":\"2\",\"t\":5,\"request\":2,\"kind\":\"task.end\",\"subject\":\"audit\",\"detail\":\"\",\"depth\":0,\"data\":{}}\n\n")
    }
}
