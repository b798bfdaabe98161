import DILab
import Foundation
import Synchronization

/// Fans every trace event out to the `/_dilab/events` subscribers as server-sent events. Each subscriber has a
/// bounded buffer (a slow client loses the oldest events, the server's memory does not grow), and `close()`
/// ends every stream so graceful shutdown is not held open by `curl -N`. A request's thread only hands the event
/// over; each subscriber's connection renders it (`Pending.message`), so events a slow client loses are never
/// rendered at all.
final class EventBroadcaster: @unchecked Sendable {
    /// One event on its way to a subscriber, rendered when the subscriber's connection writes it.
    struct Pending: Sendable {
        let event: TraceEvent
        let id: String
        let sequence: Int
        var message: String { EventBroadcaster.message(event, id: id, sequence: sequence) }
    }

    private let lock = NSLock()
    private var subscribers: [Int: AsyncStream<Pending>.Continuation] = [:]
    private var nextSubscriber = 0
    private var sequence = 0
    private var closed = false
    /// `subscribers.count`, readable without the lock: with no subscriber (nearly always), an event costs one load.
    private let listening = Atomic<Int>(0)
    let bufferSize: Int

    init(bufferSize: Int = 1000) {
        self.bufferSize = bufferSize
    }

    /// A stream of SSE messages, or nil once the server is shutting down.
    func subscribe() -> AsyncStream<Pending>? {
        let (stream, continuation) = AsyncStream.makeStream(of: Pending.self, bufferingPolicy: .bufferingNewest(bufferSize))
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return nil }
        let key = nextSubscriber
        nextSubscriber += 1
        subscribers[key] = continuation
        listening.store(subscribers.count, ordering: .relaxed)
        continuation.onTermination = { [weak self] _ in self?.remove(key) }
        return stream
    }

    private func remove(_ key: Int) {
        lock.lock()
        subscribers[key] = nil
        listening.store(subscribers.count, ordering: .relaxed)
        lock.unlock()
    }

    var subscriberCount: Int {
        lock.lock(); defer { lock.unlock() }
        return subscribers.count
    }

    func publish(_ e: TraceEvent, id: String) {
        guard listening.load(ordering: .relaxed) > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !subscribers.isEmpty else { return }
        sequence += 1
        let pending = Pending(event: e, id: id, sequence: sequence)
        for c in subscribers.values { c.yield(pending) }
    }

    /// `id: 7` / `event: task.end` / `data: {"x_request_id":"3",...}`: the event name is the trace kind,
    /// the data one line of JSONRenderer's form plus the request id the client saw in `X-Request-ID`.
    static func message(_ e: TraceEvent, id: String, sequence: Int) -> String {
        var value = JSONRenderer.value(e)
        if case .object(var pairs) = value {
            pairs.insert(("x_request_id", .string(id)), at: 0)
            value = .object(pairs)
        }
        return "id: \(sequence)\nevent: \(e.kind.rawValue)\ndata: \(value.json)\n\n"
    }

    func close() {
        lock.lock()
        closed = true
        let all = subscribers.values
        subscribers.removeAll()
        listening.store(0, ordering: .relaxed)
        lock.unlock()
        for c in all { c.finish() }
    }
}
