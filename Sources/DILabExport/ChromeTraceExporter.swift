import DILab

/// `dilab export --to chrome`: the simulated run in Chrome's trace-event format (about:tracing, Perfetto).
/// Each request is a thread; yield resources and background tasks are spans, everything else an instant,
/// so the lifetime of a session against the response-sent line is visible at a glance.
///
/// Requests that ran one after another are laid out back to back (10 ms apart). Requests that shared one timeline
/// (`run.isConcurrent`) keep their absolute times, one track each, so overlaps show as overlaps; waiting for a
/// `max_concurrency` slot, a pool unit or a threadpool token is a span of its own (`wait …`, wait → acquire).
public enum ChromeTraceExporter {
    public static func export(_ run: RunResult) -> String {
        var events: [Value] = [meta(0, "lifespan")]
        var offset = 0
        events += instants(run.startup, tid: 0, offset: 0)
        for r in run.requests {
            events.append(meta(r.id, "request \(r.id): \(r.request.line)"))
            if run.isConcurrent { events.append(sortIndex(r.id)) }
            events += spans(r.events, tid: r.id, offset: run.isConcurrent ? 0 : offset)
            events += instants(r.events, tid: r.id, offset: run.isConcurrent ? 0 : offset)
            offset += (r.events.map(\.t).max() ?? 0) + 10
        }
        if run.isConcurrent { offset = (run.requests.flatMap(\.events).map(\.t).max() ?? 0) + 10 }
        events += instants(run.shutdown, tid: 0, offset: offset)
        return Value.object([("traceEvents", .array(events)), ("displayTimeUnit", .string("ms"))]).json + "\n"
    }

    static func meta(_ tid: Int, _ name: String) -> Value {
        .object([("name", .string("thread_name")), ("ph", .string("M")), ("pid", .int(1)), ("tid", .int(tid)),
                 ("args", .object([("name", .string(name))]))])
    }

    /// Tracks in request order, whatever the viewer's default.
    static func sortIndex(_ tid: Int) -> Value {
        .object([("name", .string("thread_sort_index")), ("ph", .string("M")), ("pid", .int(1)), ("tid", .int(tid)),
                 ("args", .object([("sort_index", .int(tid))]))])
    }

    static func instants(_ events: [TraceEvent], tid: Int, offset: Int) -> [Value] {
        events.map { e in
            .object([("name", .string(e.compact)), ("ph", .string("i")), ("s", .string("t")), ("ts", .int((offset + e.t) * 1000)),
                     ("pid", .int(1)), ("tid", .int(tid)), ("args", .object([("detail", .string(e.detail))]))])
        }
    }

    /// enter → exit of each yield dependency, task.start → task.end/fail, request → sent, wait → acquire.
    static func spans(_ events: [TraceEvent], tid: Int, offset: Int) -> [Value] {
        var open: [String: Int] = [:]
        var out: [Value] = []
        let arrival = events.first { $0.kind == .request }?.t ?? 0
        func span(_ name: String, from: Int, to: Int, category: String? = nil) {
            var fields: [(String, Value)] = [("name", .string(name)), ("ph", .string("X")), ("ts", .int((offset + from) * 1000)),
                                             ("dur", .int(max(to - from, 0) * 1000)), ("pid", .int(1)), ("tid", .int(tid))]
            if let category { fields.append(("cat", .string(category))) }
            out.append(.object(fields))
        }
        for e in events {
            switch e.kind {
            case .wait: open["wait:" + waitKey(e)] = e.t
            case .acquire:
                if let s = open.removeValue(forKey: "wait:" + waitKey(e)) { span("wait " + waitName(e), from: s, to: e.t, category: "wait") }
            case .enter: open["dep:" + e.subject] = e.t
            case .exit: if let s = open.removeValue(forKey: "dep:" + e.subject) { span(e.subject, from: s, to: e.t) }
            case .taskStart: open["task:" + e.subject] = e.t
            case .taskEnd, .taskFail: if let s = open.removeValue(forKey: "task:" + e.subject) { span("task " + e.subject, from: s, to: e.t) }
            case .sent: span("response", from: arrival, to: e.t)
            default: break
            }
        }
        // A wait that never ended (a deadlock) lasts until the request's last event.
        let last = events.map(\.t).max() ?? 0
        for (key, s) in open.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) where key.hasPrefix("wait:") {
            span("wait " + String(key.dropFirst(5)) + " (never served)", from: s, to: last, category: "wait")
        }
        return out
    }

    static func waitKey(_ e: TraceEvent) -> String { waitName(e) }

    /// `max_concurrency get_db`, `pool db_pool`, `threadpool`.
    static func waitName(_ e: TraceEvent) -> String {
        let q = e.data["q"] ?? ""
        switch q {
        case "pool": return "pool " + e.subject
        case "threadpool": return "threadpool"
        default: return (q.isEmpty ? "" : q + " ") + e.subject
        }
    }
}
