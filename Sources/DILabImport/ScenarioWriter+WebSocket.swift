import DILab

/// A websocket route's `steps:` from what its recorded connections did on the wire (the endpoint's `log`): accept,
/// each message received (`receive: msg`) and sent (a template over the parameters and what was received), its
/// close; a disconnect its receive raised ends the steps, and `on_disconnect:` holds what followed when the endpoint
/// caught it. Messages that repeat until the disconnect become one `loop:`. Every connection must agree on the
/// shape and every template must reproduce every message, else the steps are a PLACEHOLDER, said.
extension ScenarioWriter {
    /// One entry of the endpoint's log, as the script's driver wrote it.
    enum WireEvent: Equatable {
        case accept, receive(String), send(String), close(Int, String), disconnect(Int)
        var kind: String {
            switch self {
            case .accept: return "accept"
            case .receive, .disconnect: return "receive"
            case .send: return "send"
            case .close: return "close"
            }
        }

        init?(_ v: Value) {
            guard let items = v.list, let k = items.first?.stringValue else { return nil }
            switch k {
            case "accept": self = .accept
            case "receive": self = .receive(items.dropFirst().first?.stringValue ?? "")
            case "send": self = .send(items.dropFirst().first?.stringValue ?? "")
            case "close": self = .close(items.count > 1 ? items[1].intValue ?? 1000 : 1000, items.count > 2 ? items[2].stringValue ?? "" : "")
            case "disconnect": self = .disconnect(items.count > 1 ? items[1].intValue ?? 1000 : 1000)
            default: return nil
            }
        }
    }

    /// One connection: the handler's arguments, its log, whether the handler let WebSocketDisconnect escape.
    struct Connection {
        var env: [(String, Value)]
        var log: [WireEvent]
        var escaped: Bool
        /// Up to and including the receive that raised WebSocketDisconnect; what the endpoint did after catching it.
        var main: [WireEvent] { log.firstIndex { if case .disconnect = $0 { return true } else { return false } }.map { Array(log[...$0]) } ?? log }
        var after: [WireEvent] { log.firstIndex { if case .disconnect = $0 { return true } else { return false } }.map { Array(log[($0 + 1)...]) } ?? [] }
        var disconnected: Bool { main.last.map { if case .disconnect = $0 { return true } else { return false } } ?? false }
    }

    mutating func writeWebSocketSteps(_ r: RouteInfo, indent: String) {
        let conns: [Connection] = requests.indices.compactMap { i in
            guard requests[i].method == RequestSpec.webSocketMethod, i < app.responses.count, let ws = app.responses[i].webSocket,
                  let call = app.calls.first(where: { $0.request == i + 1 && $0.callable == r.handler && $0.role == .handler }),
                  case .array(let raw)? = ws["log"] else { return nil }
            let args = call.args.filter { Self.opaqueType(in: $0.1) == nil }.map { (ParamName.safe($0.0), Self.plain($0.1)) }
            return Connection(env: args, log: raw.compactMap(WireEvent.init), escaped: call.raised?.type == "WebSocketDisconnect")
        }
        func placeholder(_ why: String) {
            unsupported("WEBSOCKET \(r.path): \(why); steps are a placeholder", indent: indent)
            line(indent + "steps: []")
        }
        guard !conns.isEmpty else {
            return placeholder(requests.contains { $0.method == RequestSpec.webSocketMethod }
                ? "no recorded connection reached the endpoint" : "the endpoint's body (accept, receive, send) is only seen by recording a connection")
        }
        let handlerCalls = app.calls.filter { $0.callable == r.handler && $0.role == .handler }
        if let bad = handlerCalls.first(where: { $0.raised != nil && $0.raised?.type != "WebSocketDisconnect" }) {
            return placeholder("the endpoint raised \(bad.raised!.type) (a raise: step is not read from the wire)")
        }
        if handlerCalls.contains(where: { !$0.tasks.isEmpty }) {
            return placeholder("the endpoint adds background tasks (an adds_tasks: step is not read from the wire)")
        }
        guard conns.allSatisfy({ $0.escaped == conns[0].escaped }), conns.allSatisfy({ $0.disconnected || !$0.escaped }) else {
            return placeholder("its connections disagree on whether the endpoint catches WebSocketDisconnect")
        }
        guard let shape = Self.shape(conns.map { $0.main.map(\.kind) }) else {
            return placeholder("its connections did different things on the wire")
        }
        guard let steps = webSocketSteps(conns, shape: shape) else {
            return placeholder("no template reproduces every message it sent")
        }
        line(indent + "steps:")
        for s in steps.main { line(indent + "  " + s) }
        if let onDisconnect = steps.onDisconnect {
            line(indent + "on_disconnect: [" + onDisconnect.joined(separator: ", ") + "]")
        }
        line(indent + YAMLText.comment("recorded: what the endpoint did on the wire; its own code between messages is not seen"))
    }

    /// The shared shape (kinds before a loop, the loop's kinds or nil) every connection's log fits; the shortest
    /// prefix first, so repeated messages become a loop.
    static func shape(_ logs: [[String]]) -> (prefix: [String], body: [String]?)? {
        func fits(_ k: [String], _ prefix: [String], _ body: [String]?) -> Bool {
            guard let body else { return k == prefix }
            guard k.count > prefix.count, Array(k.prefix(prefix.count)) == prefix, k.last == "receive" else { return false }
            let rest = Array(k[prefix.count..<(k.count - 1)])
            return rest.count % body.count == 0 && stride(from: 0, to: rest.count, by: body.count).allSatisfy { Array(rest[$0..<($0 + body.count)]) == body }
        }
        let longest = logs.max { $0.count < $1.count } ?? []
        let n = longest.count
        if logs.allSatisfy({ $0.last == "receive" }) {
            for p in 0..<n {
                // p == n - 1: the loop never finished an iteration, all that is known is that it starts receiving.
                let bodies = n - 1 - p >= 1 ? (1...(n - 1 - p)).map { Array(longest[p..<(p + $0)]) } : [["receive"]]
                for body in bodies where body.first == "receive" {
                    if logs.allSatisfy({ fits($0, Array(longest.prefix(p)), body) }) { return (Array(longest.prefix(p)), body) }
                }
            }
        }
        return logs.allSatisfy({ $0 == longest }) ? (longest, nil) : nil
    }

    /// The steps' YAML for the shape, each send templated over every connection (and every loop iteration).
    func webSocketSteps(_ conns: [Connection], shape: (prefix: [String], body: [String]?)) -> (main: [String], onDisconnect: [String]?)? {
        let skeleton = shape.prefix + (shape.body ?? [])
        let taken = Set(conns.flatMap { $0.env.map(\.0) })
        let receiveCount = skeleton.filter { $0 == "receive" }.count
        var names: [Int: String] = [:]
        var k = 0
        for (i, kind) in skeleton.enumerated() where kind == "receive" {
            k += 1
            var name = receiveCount == 1 ? "msg" : "msg\(k)"
            while taken.contains(name) { name += "_" }
            names[i] = name
        }
        // The samples at each skeleton position: (env so far, the event).
        var samples: [Int: [([(String, Value)], WireEvent)]] = [:]
        for c in conns {
            var bound: [(String, Value)] = []
            for (i, e) in c.main.enumerated() {
                let pos = i < shape.prefix.count || shape.body == nil ? i : shape.prefix.count + (i - shape.prefix.count) % shape.body!.count
                guard pos < skeleton.count, skeleton[pos] == e.kind else { return nil }
                samples[pos, default: []].append((c.env + bound, e))
                if case .receive(let text) = e, let name = names[pos] {
                    bound.removeAll { $0.0 == name }
                    bound.append((name, .string(text)))
                }
            }
        }
        var steps: [String] = []
        for (pos, kind) in skeleton.enumerated() {
            let here = samples[pos] ?? []
            switch kind {
            case "accept": steps.append("accept")
            case "receive": steps.append("receive: " + YAMLText.key(names[pos]!))
            case "send":
                let texts = here.map { env, e -> TemplateInference.Sample in
                    if case .send(let t) = e { return .init(env: env, value: .string(t)) } else { return .init(env: env, value: .null) }
                }
                let (t, exact) = TemplateInference.infer(texts)
                guard exact else { return nil }
                steps.append("send: " + YAMLText.flow(t))
            default:
                guard case .close(let code, let reason)? = here.first?.1, here.allSatisfy({ $0.1 == here[0].1 }) else { return nil }
                steps.append(reason.isEmpty ? "close: \(code)" : "close: {code: \(code), reason: \(YAMLText.flow(TemplateText.literal(.string(reason))))}")
            }
        }
        // Lines under `steps:`: `- accept`, and a loop's steps one level in.
        var lines = steps.prefix(shape.prefix.count).map { "- " + $0 }
        if shape.body != nil {
            lines.append("- loop:")
            lines += steps[shape.prefix.count...].map { "    - " + $0 }
        }
        steps = lines
        let caught = conns.contains { $0.disconnected && !$0.escaped }
        guard conns.allSatisfy({ $0.after.isEmpty }) else { return nil }
        return (steps, caught ? [] : nil)
    }

    /// A connection's `expect:`: a denial's status, or the messages its client received and the close code it saw.
    mutating func writeWebSocketExpect(_ ws: Value, _ response: ObservedResponse, request: Int) {
        if ws["accepted"] == .bool(true) {
            line("    received: " + YAMLText.flow(.array(ws["received"]?.list ?? [])))
            if let code = ws["close"]?.intValue { line("    close: \(code)") }
        } else {
            line("    status: \(response.status)")
        }
        let observed = app.events.filter { $0.request == request }.map(\.line)
        line("    " + YAMLText.comment("observed under FastAPI \(app.fastapiVersion): " + (observed.isEmpty ? "(no events)" : observed.joined(separator: ", "))))
    }
}
