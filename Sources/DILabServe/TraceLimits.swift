import DILab

/// How much of one event serve keeps: every string of a retained trace, a log line and a live event is cut
/// to `fieldBytes`, so a 1 MiB body costs a few KiB per trace instead of megabytes. The cut says so in the
/// text (`…(truncated, 1048576 bytes)`); the trace JSON also carries `"truncated": true`.
struct TraceLimits: Sendable {
    var fieldBytes: Int

    init(fieldBytes: Int) { self.fieldBytes = max(16, fieldBytes) }

    /// The first `fieldBytes` bytes (whole characters), then the marker with the original size; nil if short enough.
    func cut(_ s: String) -> String? {
        let size = s.utf8.count
        guard size > fieldBytes else { return nil }
        var kept = 0
        var end = s.startIndex
        for c in s {
            let n = c.utf8.count
            if kept + n > fieldBytes { break }
            kept += n
            end = s.index(after: end)
        }
        return String(s[..<end]) + "…(truncated, \(size) bytes)"
    }

    /// What the store, the log and the live stream all share of an event. One whose rendering cannot need a cut
    /// (`renderedBound`) is kept as the engine recorded it and rendered only when read: under load most events are
    /// never read (the log shows at most its lines per second, traces are fetched one by one). Any other event is
    /// rendered once, as plain text and data, and cut. `bytes` is its `Footprint` (for a kept event, the bound).
    func settle(_ e: TraceEvent) -> SettledEvent {
        if let bytes = keptBytes(e) { return SettledEvent(event: e, truncated: false, bytes: bytes) }
        var detail = e.detail
        var subject = e.subject
        var data = e.data
        var truncated = false
        if let d = cut(detail) { detail = d; truncated = true }
        if let s = cut(subject) { subject = s; truncated = true }
        for (k, v) in data {
            if let c = cut(v) { data[k] = c; truncated = true }
        }
        let event = TraceEvent(t: e.t, request: e.request, kind: e.kind, subject: subject, detail: detail, depth: e.depth,
                               thread: e.thread, data: data)
        let bytes = Footprint.perEvent + Footprint.of(subject) + Footprint.of(detail)
            + data.reduce(0) { $0 + Footprint.of($1.key) + Footprint.of($1.value) }
        return SettledEvent(event: event, truncated: truncated, bytes: bytes)
    }

    /// The footprint of an event kept as the engine recorded it, or nil if its rendering might need a cut.
    func keptBytes(_ e: TraceEvent) -> Int? {
        guard e.subject.utf8.count <= fieldBytes, let bound = e.renderedBound(limit: fieldBytes) else { return nil }
        return Footprint.perEvent + Footprint.of(e.subject) + bound
    }

    /// A JSON body too large to keep becomes the string of its first bytes, with the marker.
    func body(_ v: Value) -> (value: Value, truncated: Bool) {
        if v.jsonBound(limit: fieldBytes) != nil { return (v, false) }   // short enough without rendering it
        guard let c = cut(v.json) else { return (v, false) }
        return (.string(c), true)
    }

    /// What the store keeps of a request: its line (the trace JSON shows nothing else), cut if huge.
    func request(_ r: RequestSpec) -> (spec: RequestSpec, truncated: Bool) {
        let target = cut(r.target)
        return (RequestSpec(method: r.method, target: target ?? r.target), target != nil)
    }
}

/// An event as serve keeps it: rendered, cut to the limits, and its size counted.
struct SettledEvent: Sendable {
    var event: TraceEvent
    var truncated: Bool
    var bytes: Int
}

/// An estimate of the heap a trace holds, in bytes: string contents plus the fixed cost of each value,
/// event and dictionary slot. Errs high; what the byte budget of the store counts.
enum Footprint {
    static let perEvent = 256
    static let perValue = MemoryLayout<Value>.stride + 16
    static let perString = 32

    static func of(_ s: String) -> Int { s.utf8.count + perString }

    static func of(_ e: TraceEvent) -> Int {
        perEvent + of(e.subject) + of(e.detail) + e.data.reduce(0) { $0 + of($1.key) + of($1.value) }
    }

    /// Iterative: a body's depth is not this function's stack. Only nested containers wait in the work list, so a
    /// flat body (the usual response: an object of scalars) is counted without allocating one.
    static func of(_ v: Value) -> Int {
        var total = 0
        var stack: [Value] = []
        var next: Value? = v
        while let item = next {
            switch item {
            case .array(let items):
                total += perValue
                for child in items { total += leaf(child, deferring: &stack) }
            case .object(let pairs):
                total += perValue
                for (k, child) in pairs { total += of(k) + leaf(child, deferring: &stack) }
            default:
                total += leaf(item, deferring: &stack)
            }
            next = stack.popLast()
        }
        return total
    }

    /// A scalar's or string's footprint; a container is put on `stack` (and counted when it is taken off).
    private static func leaf(_ v: Value, deferring stack: inout [Value]) -> Int {
        switch v {
        case .string(let s): return perValue + of(s)
        case .array, .object:
            stack.append(v)
            return 0
        default: return perValue
        }
    }

    static func of(_ t: RequestTrace) -> Int {
        t.events.reduce(of(t.request.target) + of(t.bodyText) + of(t.body)) { $0 + of($1) }
            + t.headers.reduce(0) { $0 + of($1.0) + of($1.1) }
    }
}
