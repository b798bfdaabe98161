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
    }

    let capacity: Int
    let byteBudget: Int
    let limits: TraceLimits
    let profile: Profile
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
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

    func append(_ id: String, _ event: TraceEvent) {
        let (e, cut) = limits.event(event)
        let size = Footprint.of(e)
        lock.lock()
        defer { lock.unlock() }
        guard entries[id] != nil else { return }
        entries[id]!.events.append(e)
        entries[id]!.truncated = entries[id]!.truncated || cut
        entries[id]!.bytes += size
        total += size
        evict(keeping: id)
    }

    func complete(_ id: String, _ trace: RequestTrace) {
        var kept = trace
        var cut = false
        kept.events = trace.events.map { e in
            let (short, c) = limits.event(e)
            cut = cut || c
            return short
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
        entry.bytes = Footprint.of(kept)
        total += entry.bytes
        entries[id] = entry
        evict(keeping: id)
    }

    /// Oldest first, never `id` (the trace being written): while over the count or the byte budget.
    private func evict(keeping id: String) {
        var i = 0
        while (order.count > capacity || total > byteBudget), i < order.count {
            let victim = order[i]
            if victim == id { i += 1; continue }
            order.remove(at: i)
            total -= entries.removeValue(forKey: victim)?.bytes ?? 0
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
