import DILab

/// `dilab export --to chrome`: the simulated run in Chrome's trace-event format (about:tracing, Perfetto).
/// Each request is a thread; yield resources and background tasks are spans, everything else an instant,
/// so the lifetime of a session against the response-sent line is visible at a glance.
public enum ChromeTraceExporter {
    public static func export(_ run: RunResult) -> String {
        var events: [Value] = [meta(0, "lifespan")]
        var offset = 0
        events += instants(run.startup, tid: 0, offset: 0)
        for r in run.requests {
            events.append(meta(r.id, "request \(r.id): \(r.request.line)"))
            events += spans(r.events, tid: r.id, offset: offset)
            events += instants(r.events, tid: r.id, offset: offset)
            offset += (r.events.map(\.t).max() ?? 0) + 10
        }
        events += instants(run.shutdown, tid: 0, offset: offset)
        return Value.object([("traceEvents", .array(events)), ("displayTimeUnit", .string("ms"))]).json + "\n"
    }

    static func meta(_ tid: Int, _ name: String) -> Value {
        .object([("name", .string("thread_name")), ("ph", .string("M")), ("pid", .int(1)), ("tid", .int(tid)),
                 ("args", .object([("name", .string(name))]))])
    }

    static func instants(_ events: [TraceEvent], tid: Int, offset: Int) -> [Value] {
        events.map { e in
            .object([("name", .string(e.compact)), ("ph", .string("i")), ("s", .string("t")), ("ts", .int((offset + e.t) * 1000)),
                     ("pid", .int(1)), ("tid", .int(tid)), ("args", .object([("detail", .string(e.detail))]))])
        }
    }

    /// enter → exit of each yield dependency, task.start → task.end/fail, request → sent.
    static func spans(_ events: [TraceEvent], tid: Int, offset: Int) -> [Value] {
        var open: [String: Int] = [:]
        var out: [Value] = []
        func span(_ name: String, from: Int, to: Int) {
            out.append(.object([("name", .string(name)), ("ph", .string("X")), ("ts", .int((offset + from) * 1000)),
                                ("dur", .int(max(to - from, 0) * 1000)), ("pid", .int(1)), ("tid", .int(tid))]))
        }
        for e in events {
            switch e.kind {
            case .enter: open["dep:" + e.subject] = e.t
            case .exit: if let s = open.removeValue(forKey: "dep:" + e.subject) { span(e.subject, from: s, to: e.t) }
            case .taskStart: open["task:" + e.subject] = e.t
            case .taskEnd, .taskFail: if let s = open.removeValue(forKey: "task:" + e.subject) { span("task " + e.subject, from: s, to: e.t) }
            case .sent: span("response", from: 0, to: e.t)
            default: break
            }
        }
        return out
    }
}
