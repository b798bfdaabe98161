/// Reads a `WEBSOCKET` route's steps, `rooms:` and a `websocket:` connection's client script (docs/websockets.md).
enum WebSocketReader {
    /// Keys of a route that only an HTTP route has: a websocket endpoint returns nothing and sends no response.
    static let httpOnlyKeys = ["status", "returns", "raises", "adds_tasks", "duration", "stream", "response_background"]
    static let stepNames = ["accept", "receive", "receive_json", "send", "send_json", "close", "raise", "loop", "join",
                            "leave", "broadcast", "sleep", "adds_tasks", "with"]
    /// The deepest nesting of `loop:` and `with:` a handler may write: the engine walks steps recursively.
    static let maxNesting = 32
    static let clientKeys = ["websocket", "as", "at", "headers", "cookies", "script", "worker"]
    static let clientSteps = ["send", "send_json", "receive", "wait", "close", "drop"]

    /// The steps of `steps:` or `on_disconnect:`.
    static func steps(_ node: YNode, depth: Int = 0) -> [WSStep] {
        guard depth < maxNesting else {
            node.error("steps nested more than \(maxNesting) deep", hint: "flatten the loop: and with: blocks")
            return []
        }
        return node.list().compactMap { step($0, depth: depth) }
    }

    static func step(_ node: YNode, depth: Int) -> WSStep? {
        if let name = node.scalar, !node.isNull {
            switch name {
            case "accept": return WSStep(.accept, location: node.location)
            case "close": return WSStep(.close(code: 1000, reason: nil), location: node.location)
            default:
                node.error("unknown websocket step '\(name)'", hint: Suggest.hint(for: name, among: ["accept", "close"], kind: "steps written alone"))
                return nil
            }
        }
        let pairs = node.mapping("a websocket step")
        guard pairs.count == 1, let entry = pairs.first else {
            node.error("a websocket step is one `name: value` pair", hint: "e.g. `- send: \"Echo: {{msg}}\"` or `- receive: msg`")
            return nil
        }
        let v = entry.value, at = entry.keyNode.location
        func make(_ a: WSStep.Action) -> WSStep { WSStep(a, location: at) }
        switch entry.key {
        case "accept": return make(.accept)
        case "receive", "receive_json":
            guard let name = v.string("the name the message is kept under"), v.checkName(name, .parameter, what: "message name") else { return nil }
            return make(.receive(name: name, json: entry.key == "receive_json"))
        case "send", "send_json":
            guard let t = v.template("the message") else { return nil }
            return make(.send(t, json: entry.key == "send_json"))
        case "close":
            if v.scalar != nil, !v.isNull { return closeCode(v).map { make(.close(code: $0, reason: nil)) } }
            var code = 1000
            var reason: Template?
            for p in v.mapping("a close", allowed: ["code", "reason"]) {
                if p.key == "code" { code = closeCode(p.value) ?? code } else { reason = p.value.template("the close reason") }
            }
            return make(.close(code: code, reason: reason))
        case "raise":
            return raise(v).map { make(.raise($0)) }
        case "loop":
            return make(.loop(steps(v, depth: depth + 1)))
        case "join", "leave":
            guard let room = v.string("the room"), v.checkName(room, .global, what: "room") else { return nil }
            return make(entry.key == "join" ? .join(room: room) : .leave(room: room))
        case "broadcast":
            var room: String?
            var text: Template?
            for p in v.mapping("a broadcast", allowed: ["room", "text"]) {
                if p.key == "room" { room = p.value.string("the room") } else { text = p.value.template("the broadcast text") }
            }
            guard let room, let text else {
                v.error("a broadcast needs `room:` and `text:`", hint: "e.g. `broadcast: {room: manager, text: \"{{username}}: {{msg}}\"}`")
                return nil
            }
            return make(.broadcast(room: room, text))
        case "sleep":
            return v.duration("the sleep").map { make(.sleep($0)) }
        case "adds_tasks":
            return PieceReader.taskCalls(v).first.map { make(.addTask($0)) }
        case "with":
            var provider: String?, name = "resource"
            var body: [WSStep] = []
            for p in v.mapping("a with block", allowed: ["provider", "as", "do"]) {
                switch p.key {
                case "provider": provider = p.value.string("the provider")
                case "as": name = p.value.string("the name") ?? name
                default: body = steps(p.value, depth: depth + 1)
                }
            }
            guard let provider else {
                v.error("a with block needs `provider:`", hint: "e.g. `with: {provider: get_session, as: s, do: [...]}`")
                return nil
            }
            guard v.checkName(name, .parameter, what: "with-block name") else { return nil }
            return make(.with(provider: provider, name: name, body: body))
        default:
            entry.keyNode.error("unknown websocket step '\(entry.key)'", hint: Suggest.hint(for: entry.key, among: stepNames, kind: "steps"))
            return nil
        }
    }

    /// `raise:` in a websocket endpoint: `WebSocketException` takes `code:` and `reason:`; the rest as for HTTP.
    static func raise(_ node: YNode) -> RaiseSpec? {
        guard let pairs = node.pairs, pairs.contains(where: { $0.key == "exception" && $0.value.scalar == "WebSocketException" }) else {
            return PieceReader.raise(node)
        }
        var spec = RaiseSpec(exception: "WebSocketException", location: node.location)
        spec.code = 1008
        for p in node.mapping("a WebSocketException", allowed: ["exception", "code", "reason", "when"]) {
            switch p.key {
            case "code": spec.code = closeCode(p.value) ?? 1008
            case "reason": spec.reason = p.value.template("the reason")
            case "when": spec.when = p.value.condition("when")
            default: break
            }
        }
        return spec
    }

    /// A close code: 1000–4999, as the WebSocket protocol allows an application to send (RFC 6455 §7.4).
    static func closeCode(_ node: YNode) -> Int? {
        guard let code = node.int("the close code") else { return nil }
        guard (1000...4999).contains(code) else {
            node.error("close code \(code) is outside 1000–4999", rule: "close-code", hint: "1000 is a normal close, 1008 a policy violation, 4000–4999 your own")
            return nil
        }
        return code
    }

    // MARK: clients

    /// `- websocket: /chat/alice` with `as:`, `at:`, `headers:`, `cookies:`, `worker:` and `script:`.
    static func connection(_ node: YNode, index: Int) -> RequestSpec? {
        let pairs = node.mapping("a websocket connection", allowed: clientKeys)
        guard let target = pairs.first(where: { $0.key == "websocket" })?.value, let path = target.string("the websocket path") else { return nil }
        guard path.hasPrefix("/") else {
            target.error("bad websocket path '\(path)'", hint: "write the path and query: /chat/alice?token=t")
            return nil
        }
        var spec = RequestSpec(method: RequestSpec.webSocketMethod, target: path.trimmingCharacters(in: .whitespaces), location: node.location)
        var script = ClientScript(label: "client \(index + 1)")
        for entry in pairs {
            let v = entry.value
            switch entry.key {
            case "as": script.label = v.string("the client's name") ?? script.label
            case "at": spec.at = v.duration("the arrival time")
            case "headers": spec.headers = v.mapping("headers").map { ($0.key, $0.value.value.text) }
            case "cookies": spec.cookies = v.mapping("cookies").map { ($0.key, $0.value.value.text) }
            case "worker":
                if let w = v.int("the worker") {
                    if w >= 1 { script.worker = w } else { v.error("workers are numbered from 1", hint: "e.g. `worker: 2` with `app: {workers: 2}`") }
                }
            case "script":
                for s in v.list() {
                    if let step = clientStep(s) {
                        script.steps.append(step)
                        script.stepLocations.append(s.location)
                    }
                }
            default: break
            }
        }
        spec.client = script
        return spec
    }

    static func clientStep(_ node: YNode) -> ClientScript.Step? {
        if let name = node.scalar, !node.isNull {
            switch name {
            case "receive": return .receive(count: 1)
            case "drop": return .drop
            case "close": return .close(code: 1000, reason: "")
            default:
                node.error("unknown client step '\(name)'", hint: Suggest.hint(for: name, among: clientSteps, kind: "steps"))
                return nil
            }
        }
        let pairs = node.mapping("a client step")
        guard pairs.count == 1, let entry = pairs.first else {
            node.error("a client step is one `name: value` pair", hint: "e.g. `- send: hello`, `- wait: 50ms` or `- close: 1000`")
            return nil
        }
        let v = entry.value
        switch entry.key {
        case "send": return .send(.string(v.value.text), json: false)
        case "send_json": return .send(v.value, json: true)
        case "receive":
            guard let n = v.int("how many messages to wait for") else { return nil }
            guard (1...10_000).contains(n) else {
                v.error("a client waits for 1 to 10000 messages at a time", hint: "e.g. `receive: 2`")
                return nil
            }
            return .receive(count: n)
        case "wait": return v.duration("the wait").map { .wait($0) }
        case "close":
            if v.scalar != nil, !v.isNull { return WebSocketReader.closeCode(v).map { .close(code: $0, reason: "") } }
            var code = 1000, reason = ""
            for p in v.mapping("a close", allowed: ["code", "reason"]) {
                if p.key == "code" { code = closeCode(p.value) ?? code } else { reason = p.value.string("the reason") ?? "" }
            }
            return .close(code: code, reason: reason)
        case "drop": return .drop
        default:
            entry.keyNode.error("unknown client step '\(entry.key)'", hint: Suggest.hint(for: entry.key, among: clientSteps, kind: "steps"))
            return nil
        }
    }
}
