import DILab
import Foundation

/// The traces `/_dilab/traces/{id}` serves. A trace grows while its request runs (background tasks and cleanup
/// come after the response) and is `complete` once the engine returns. Retention is bounded twice, so a
/// long-running server's memory stays flat: at most `capacity` traces and at most `byteBudget` accounted
/// bytes (`Footprint`), the oldest dropped first; every string kept is cut to `limits.fieldBytes`.
final class TraceStore: @unchecked Sendable {
    struct Entry {
        /// Method and target only: the trace JSON shows nothing else of the request.
        var request: RequestSpec
        /// The events so far; emptied once `final` (which holds them) is set.
        var events: [TraceEvent] = []
        /// The engine's own result, cut to the limits, set when the run has finished.
        var final: RequestTrace?
        /// Some string of this trace was cut.
        var truncated = false
        /// The response head the engine sent, while the run is still going.
        var head: ResponseStart?
        var bytes = 0
        /// The footprint of `events` alone.
        var eventBytes = 0
    }

    let capacity: Int
    let byteBudget: Int
    let limits: TraceLimits
    let profile: Profile
    private var entries: [String: Entry] = [:]
    /// Ids oldest first, from `orderStart` on (the ones before it were evicted): a queue, so evicting the
    /// oldest trace does not move the rest.
    private var order: [String] = []
    private var orderStart = 0
    private var total = 0
    private let lock = NSLock()

    init(capacity: Int, byteBudget: Int = 64 << 20, limits: TraceLimits = TraceLimits(fieldBytes: 4096), profile: Profile) {
        self.capacity = max(1, capacity)
        self.byteBudget = max(1, byteBudget)
        self.limits = limits
        self.profile = profile
    }

    /// Starts a trace; drops the oldest ones while over the count or the byte budget.
    /// The typed response head of a running request (its body cut to the limits).
    func head(_ id: String, _ head: ResponseStart) {
        var head = head
        if let cut = limits.cut(head.body) { head.body = cut }
        lock.lock()
        defer { lock.unlock() }
        guard var entry = entries[id] else { return }
        total += Footprint.of(head.body)
        entry.bytes += Footprint.of(head.body)
        entry.head = head
        entries[id] = entry
    }

    func begin(_ id: String, request: RequestSpec) {
        let (spec, cut) = limits.request(request)
        var entry = Entry(request: spec, truncated: cut)
        entry.bytes = Footprint.perEvent + Footprint.of(spec.target)
        lock.lock()
        defer { lock.unlock() }
        if let old = entries[id] { total -= old.bytes } else { order.append(id) }
        entries[id] = entry
        total += entry.bytes
        evict(keeping: id)
    }

    func append(_ id: String, _ event: TraceEvent) { append(id, limits.settle(event)) }

    /// An event already rendered and cut (`TraceLimits.settle`): the request's observer settles each event once.
    func append(_ id: String, _ settled: SettledEvent) {
        lock.lock()
        defer { lock.unlock() }
        guard entries[id] != nil else { return }
        entries[id]!.events.append(settled.event)
        entries[id]!.eventBytes += settled.bytes
        entries[id]!.truncated = entries[id]!.truncated || settled.truncated
        entries[id]!.bytes += settled.bytes
        total += settled.bytes
        evict(keeping: id)
    }

    /// The finished trace. Its events are the ones `append` already kept (the observer saw every one), so they are
    /// reused as they are, not rendered and cut again; a trace whose events were not all appended is cut here.
    func complete(_ id: String, _ trace: RequestTrace) {
        var kept = trace
        var cut = false
        let appended = lock.withLock { entries[id].map { ($0.events, $0.eventBytes) } }
        var eventBytes: Int
        if let (events, bytes) = appended, events.count == trace.events.count {
            kept.events = events
            eventBytes = bytes
        } else {
            eventBytes = 0
            kept.events = trace.events.map { e in
                let settled = limits.settle(e)
                cut = cut || settled.truncated
                eventBytes += settled.bytes
                return settled.event
            }
        }
        let body = limits.body(trace.body)
        kept.body = body.value
        if let text = limits.cut(trace.bodyText) { kept.bodyText = text; cut = true }
        kept.headers = trace.headers.map { ($0.0, limits.cut($0.1) ?? $0.1) }
        cut = cut || body.truncated || kept.headers.map(\.1) != trace.headers.map(\.1)
        lock.lock()
        defer { lock.unlock() }
        guard var entry = entries[id] else { return }
        kept.request = entry.request
        entry.final = kept
        entry.events = []
        entry.truncated = entry.truncated || cut
        total -= entry.bytes
        entry.bytes = eventBytes + Footprint.of(kept.request.target) + Footprint.of(kept.bodyText) + Footprint.of(kept.body)
            + kept.headers.reduce(0) { $0 + Footprint.of($1.0) + Footprint.of($1.1) }
        total += entry.bytes
        entries[id] = entry
        evict(keeping: id)
    }

    /// Oldest first, never `id` (the trace being written): while over the count or the byte budget.
    private func evict(keeping id: String) {
        var i = orderStart
        while (order.count - orderStart > capacity || total > byteBudget), i < order.count {
            let victim = order[i]
            if victim == id { i += 1; continue }
            if i == orderStart { orderStart += 1; i += 1 } else { order.remove(at: i) }
            total -= entries.removeValue(forKey: victim)?.bytes ?? 0
        }
        if orderStart > 64, orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }

    var count: Int { lock.withLock { entries.count } }

    /// The bytes the retained traces account for (`Footprint`), at most `byteBudget` plus the trace being written.
    var accountedBytes: Int { lock.withLock { total } }

    /// JSONRenderer's form of the trace plus `x_request_id`, `complete` and `truncated`; nil for an unknown (or dropped) id.
    func json(_ id: String) -> Value? {
        let entry = lock.withLock { entries[id] }
        guard let entry else { return nil }
        let trace = entry.final ?? partial(entry, id: id)
        guard case .object(var pairs) = JSONRenderer.value(trace) else { return nil }
        pairs.insert(("x_request_id", .string(id)), at: 0)
        pairs.append(("complete", .bool(entry.final != nil)))
        pairs.append(("truncated", .bool(entry.truncated)))
        return .object(pairs)
    }

    /// A running request's trace so far, with the response as the `response` event announced it.
    func partial(_ entry: Entry, id: String) -> RequestTrace {
        var trace = RequestTrace(id: entry.events.first?.request ?? 0, request: entry.request, profile: profile, events: entry.events)
        if let head = entry.head {
            trace.status = head.status
            trace.isJSON = head.isJSON
            trace.bodyText = head.body
            trace.body = head.isJSON ? (Value.parse(json: head.body) ?? .string(head.body)) : .string(head.body)
            trace.headers = head.headers
        }
        return trace
    }
}
