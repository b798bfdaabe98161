import DILab
import Foundation

/// The traces `/_dilab/traces/{id}` serves. A trace grows while its request runs (background tasks and cleanup
/// come after the response) and is `complete` once the engine returns. Only the newest `capacity` traces are
/// kept, so a long-running server's memory stays flat.
final class TraceStore: @unchecked Sendable {
    struct Entry {
        var request: RequestSpec
        var events: [TraceEvent] = []
        /// The engine's own result, set when the run has finished.
        var final: RequestTrace?
    }

    let capacity: Int
    let profile: Profile
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private let lock = NSLock()

    init(capacity: Int, profile: Profile) {
        self.capacity = max(1, capacity)
        self.profile = profile
    }

    /// Starts a trace; drops the oldest one when full.
    func begin(_ id: String, request: RequestSpec) {
        lock.lock()
        defer { lock.unlock() }
        if entries[id] == nil { order.append(id) }
        entries[id] = Entry(request: request)
        while order.count > capacity {
            entries[order.removeFirst()] = nil
        }
    }

    func append(_ id: String, _ event: TraceEvent) {
        lock.lock()
        defer { lock.unlock() }
        entries[id]?.events.append(event)
    }

    func complete(_ id: String, _ trace: RequestTrace) {
        lock.lock()
        defer { lock.unlock() }
        entries[id]?.final = trace
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    /// JSONRenderer's form of the trace plus `x_request_id` and `complete`; nil for an unknown (or dropped) id.
    func json(_ id: String) -> Value? {
        lock.lock()
        let entry = entries[id]
        lock.unlock()
        guard let entry else { return nil }
        let trace = entry.final ?? partial(entry, id: id)
        guard case .object(var pairs) = JSONRenderer.value(trace) else { return nil }
        pairs.insert(("x_request_id", .string(id)), at: 0)
        pairs.append(("complete", .bool(entry.final != nil)))
        return .object(pairs)
    }

    /// A running request's trace so far, with the response as the `response` event announced it.
    func partial(_ entry: Entry, id: String) -> RequestTrace {
        var trace = RequestTrace(id: entry.events.first?.request ?? 0, request: entry.request, profile: profile, events: entry.events)
        if let response = entry.events.first(where: { $0.kind == .response }) {
            let head = ResponseHead(response)
            trace.status = head.status
            trace.isJSON = head.isJSON
            trace.bodyText = head.body
            trace.body = head.isJSON ? (Value.parse(json: head.body) ?? .string(head.body)) : .string(head.body)
            trace.headers = head.headers
        }
        return trace
    }
}
