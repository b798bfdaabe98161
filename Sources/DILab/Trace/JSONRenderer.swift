/// The stable machine form of a run (documented in docs/trace-json.md). Keys keep a fixed order.
public enum JSONRenderer {
    public static func value(_ e: TraceEvent) -> Value {
        var pairs: [(String, Value)] = [("t", .int(e.t))]
        if let r = e.request { pairs.append(("request", .int(r))) }
        pairs += [("kind", .string(e.kind.rawValue)), ("subject", .string(e.subject)), ("detail", .string(e.detail)), ("depth", .int(e.depth))]
        if let th = e.thread { pairs.append(("thread", .string(th.rawValue))) }
        pairs.append(("data", .object(e.data.keys.sorted().map { ($0, .string(e.data[$0]!)) })))
        return .object(pairs)
    }

    public static func value(_ t: RequestTrace) -> Value {
        var pairs: [(String, Value)] = [
            ("id", .int(t.id)), ("request", .string(t.request.line)), ("route", t.route.map(Value.string) ?? .null),
            ("status", .int(t.status)), ("body", t.isJSON ? t.body : .string(t.bodyText)), ("json", .bool(t.isJSON)),
            ("headers", .object(t.headers.map { ($0.0, .string($0.1)) })),
        ]
        pairs += [("events", .array(t.events.map(value))), ("compact", .array(t.events.map { .string($0.compact) }))]
        if let ws = t.webSocket {
            pairs.append(("websocket", .object([
                ("client", .string(t.request.client?.label ?? "")), ("accepted", .bool(ws.accepted)),
                ("received", .array(ws.received.map(Value.string))), ("close_code", ws.closeCode.map(Value.int) ?? .null),
                ("close_reason", .string(ws.closeReason)), ("closed_by", .string(ws.closeCode == nil ? "" : ws.closedByClient ? "client" : "server")),
            ])))
        }
        return .object(pairs)
    }

    public static func value(_ d: Diagnostic) -> Value {
        .object([("file", .string(d.location.file)), ("line", .int(d.location.line)), ("column", .int(d.location.column)),
                 ("origin", .string(d.origin.rawValue)), ("rule", .string(d.rule)), ("message", .string(d.message)),
                 ("hint", d.hint.map(Value.string) ?? .null)])
    }

    public static func value(_ r: RunResult) -> Value {
        .object([
            ("format", .string("dilab-trace/1")), ("scenario", .string(r.scenario)), ("profile", .string(r.profile.rawValue)),
            ("fastapi", .string(r.profile.fastapiVersion)), ("app_errors", .array(r.appErrors.map(value))),
            ("startup", .array(r.startup.map(value))), ("requests", .array(r.requests.map(value))),
            ("shutdown", .array(r.shutdown.map(value))),
        ])
    }

    public static func render(_ r: RunResult) -> String { value(r).pretty() + "\n" }
}

extension Value {
    /// Indented JSON with stable key order.
    public func pretty(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { pad + $0.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let pairs) where !pairs.isEmpty:
            return "{\n" + pairs.map { pad + Value.quote($0.0) + ": " + $0.1.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + close + "}"
        default:
            return json
        }
    }
}
