import DILab
import Foundation

/// The traces `/_dilab/traces/{id}` serves. A trace grows while its request runs (background tasks and cleanup
/// come after the response) and is `complete` once the engine returns. Retention is bounded twice, so a
/// long-running server's memory stays flat: at most `capacity` traces and at most `byteBudget` accounted
/// bytes (`Footprint`), the oldest dropped first; every string kept is cut to `limits.fieldBytes`.
final class TraceStore: @unchecked Sendable {
    /// One retained trace. A class, so an event appended or a head set is one lookup and an in-place change, not a
    /// copy of the entry out of the dictionary and back.
    final class Entry {
        let id: String
        /// Method and target only: the trace JSON shows nothing else of the request.
        let request: RequestSpec
        /// The events so far; emptied once `final` (which holds them) is set.
        var events: [TraceEvent] = []
        /// The engine's own result, cut to the limits, set when the run has finished.
        var final: RequestTrace?
        /// Some string of this trace was cut.
        var truncated: Bool
        /// The response head the engine sent, while the run is still going.
        var head: ResponseStart?
        var bytes = 0
        /// The footprint of `events` alone.
        var eventBytes = 0
        /// Evicted: what is still appended to it (its request goes on) is not kept or counted.
        var dropped = false

        init(id: String, request: RequestSpec, truncated: Bool) {
            self.id = id
            self.request = request
            self.truncated = truncated
            events.reserveCapacity(Self.eventsExpected)
        }

        /// Events of a typical request (a few dependencies, their cleanup, a task): room for them up front.
        static let eventsExpected = 16
    }

    /// What `json` renders, copied out under the lock (the entry itself may change while it renders).
    struct Snapshot {
        var request: RequestSpec
        var events: [TraceEvent]
        var final: RequestTrace?
        var truncated: Bool
        var head: ResponseStart?
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

    /// The typed response head of a running request (its body cut to the limits), on the entry `begin` returned.
    func head(of entry: Entry, _ head: ResponseStart) {
        var head = head
        if let cut = limits.cut(head.body) { head.body = cut }
        let bytes = Footprint.of(head.body)
        lock.lock()
        defer { lock.unlock() }
        guard !entry.dropped else { return }
        total += bytes
        entry.bytes += bytes
        entry.head = head
    }

    /// Starts a trace; drops the oldest ones while over the count or the byte budget. The entry is the handle
    /// its events are appended to, so an event costs no lookup by id.
    @discardableResult
    func begin(_ id: String, request: RequestSpec) -> Entry {
        let (spec, cut) = limits.request(request)
        let entry = Entry(id: id, request: spec, truncated: cut)
        entry.bytes = Footprint.perEvent + Footprint.of(spec.target)
        lock.lock()
        defer { lock.unlock() }
        if let old = entries.updateValue(entry, forKey: id) {
            old.dropped = true
            total -= old.bytes
        } else {
            order.append(id)
        }
        total += entry.bytes
        evict(keeping: id)
        return entry
    }

    func append(_ id: String, _ event: TraceEvent) {
        guard let entry = lock.withLock({ entries[id] }) else { return }
        append(to: entry, limits.settle(event))
    }

    /// An event already rendered and cut (`TraceLimits.settle`): the request's observer settles each event once.
    func append(to entry: Entry, _ settled: SettledEvent) {
        append(to: entry, settled.event, bytes: settled.bytes, truncated: settled.truncated)
    }

    /// `event` as it is (the caller settled it: kept as recorded, or cut), `bytes` its footprint.
    func append(to entry: Entry, _ event: TraceEvent, bytes: Int, truncated: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !entry.dropped else { return }
        entry.events.append(event)
        entry.eventBytes += bytes
        entry.truncated = entry.truncated || truncated
        entry.bytes += bytes
        total += bytes
        // An event adds bytes, never a trace: only the byte budget can be passed here.
        if total > byteBudget { evict(keeping: entry.id) }
    }

    /// The finished trace. Its events are the ones `append` already kept (the observer saw every one), so they are
    /// reused as they are, not rendered and cut again; a trace whose events were not all appended is cut here.
    func complete(_ id: String, _ trace: RequestTrace) {
        guard let entry = lock.withLock({ entries[id] }) else { return }
        complete(entry, trace)
    }

    /// The same, given the entry `begin` returned: the request's observer keeps it, so finishing costs no lookup.
    func complete(_ entry: Entry, _ trace: RequestTrace) {
        var kept = trace
        var cut = false
        let appended = lock.withLock { entry.dropped ? nil : (entry.events, entry.eventBytes) }
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
        var headerCut = false
        kept.headers = trace.headers.map { pair in
            guard let short = limits.cut(pair.1) else { return pair }
            headerCut = true
            return (pair.0, short)
        }
        cut = cut || body.truncated || headerCut
        lock.lock()
        defer { lock.unlock() }
        guard !entry.dropped else { return }
        kept.request = entry.request
        entry.final = kept
        entry.events = []
        entry.truncated = entry.truncated || cut
        total -= entry.bytes
        entry.bytes = eventBytes + Footprint.of(kept.request.target) + Footprint.of(kept.bodyText) + Footprint.of(kept.body)
            + kept.headers.reduce(0) { $0 + Footprint.of($1.0) + Footprint.of($1.1) }
        total += entry.bytes
        evict(keeping: entry.id)
    }

    /// Oldest first, never `id` (the trace being written): while over the count or the byte budget.
    private func evict(keeping id: String) {
        var i = orderStart
        while (order.count - orderStart > capacity || total > byteBudget), i < order.count {
            let victim = order[i]
            if victim == id { i += 1; continue }
            if i == orderStart { orderStart += 1; i += 1 } else { order.remove(at: i) }
            if let gone = entries.removeValue(forKey: victim) {
                gone.dropped = true
                total -= gone.bytes
            }
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
        let entry = lock.withLock {
            entries[id].map { Snapshot(request: $0.request, events: $0.events, final: $0.final, truncated: $0.truncated, head: $0.head) }
        }
        guard let entry else { return nil }
        let trace = entry.final ?? partial(entry, id: id)
        guard case .object(var pairs) = JSONRenderer.value(trace) else { return nil }
        pairs.insert(("x_request_id", .string(id)), at: 0)
        pairs.append(("complete", .bool(entry.final != nil)))
        pairs.append(("truncated", .bool(entry.truncated)))
        return .object(pairs)
    }

    /// A running request's trace so far, with the response as the `response` event announced it.
    func partial(_ entry: Snapshot, id: String) -> RequestTrace {
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
