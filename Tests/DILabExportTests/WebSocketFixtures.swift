import DILab
@testable import DILabExport
import Foundation

/// Websocket scenarios built in Swift: an HTTP scenario from YAML (providers, params), its route turned into a
/// `WEBSOCKET` route with steps and its requests into connections with client scripts.
enum WebSocketFixtures {
    static func t(_ s: String) -> Template { (try? Template.parse(string: s)) ?? .value(.string(s)) }

    static func connection(_ target: String, _ label: String, at: Int? = nil, _ steps: [ClientScript.Step]) -> RequestSpec {
        var r = RequestSpec(method: RequestSpec.webSocketMethod, target: target)
        r.at = at
        r.client = ClientScript(label: label, steps: steps)
        return r
    }

    static func scenario(_ yaml: String, handler: WebSocketHandler, rooms: [String] = [], requests: [RequestSpec]) throws -> Scenario {
        var s = try ScenarioLoader.load(text: yaml, file: "inline.yaml")
        s.routes[0].method = RequestSpec.webSocketMethod
        s.routes[0].webSocket = handler
        s.rooms = rooms.map { Room(name: $0) }
        s.requests = requests
        return s
    }

    static let echoYAML = """
    providers:
      get_db: {yield: true, async: true, returns: "Session#1"}
    routes:
      - GET /echo:
          handler: echo
          params: {db: Depends(get_db)}
    requests: [GET /echo]
    """

    /// The echo endpoint: accept, then echo each message until the client closes.
    static func echo() throws -> Scenario {
        let handler = WebSocketHandler(steps: [
            WSStep(.accept),
            WSStep(.loop([WSStep(.receive(name: "msg", json: false)), WSStep(.send(t("Echo: {{msg}}"), json: false))])),
        ], onDisconnect: [])
        return try scenario(echoYAML, handler: handler, requests: [
            connection("/echo", "alice", [.send(.string("hi"), json: false), .receive(count: 1), .send(.string("again"), json: false), .receive(count: 1), .close(code: 1000, reason: "")]),
        ])
    }

    static let chatYAML = """
    providers:
      get_db: {yield: true, async: true, returns: "Session#{{call}}"}
    routes:
      - GET /chat/{username}:
          handler: chat
          params: {username: str, db: Depends(get_db)}
    requests: [GET /chat/a]
    """

    /// The docs' chat room: three users join, talk, one drops, the others are told.
    static func chat() throws -> Scenario {
        let handler = WebSocketHandler(steps: [
            WSStep(.join(room: "manager")),
            WSStep(.broadcast(room: "manager", t("{{username}} joined"))),
            WSStep(.loop([WSStep(.receive(name: "msg", json: false)), WSStep(.broadcast(room: "manager", t("{{username}}: {{msg}}")))])),
        ], onDisconnect: [
            WSStep(.leave(room: "manager")),
            WSStep(.broadcast(room: "manager", t("{{username}} left (code {{code}})"))),
        ])
        return try scenario(chatYAML, handler: handler, rooms: ["manager"], requests: [
            connection("/chat/alice", "alice", at: 0, [.receive(count: 1), .wait(100), .receive(count: 2), .send(.string("hi all"), json: false), .receive(count: 1), .wait(100), .receive(count: 1), .close(code: 1000, reason: "")]),
            connection("/chat/bob", "bob", at: 50, [.receive(count: 2), .wait(100), .receive(count: 1), .drop]),
            connection("/chat/carol", "carol", at: 100, [.receive(count: 2), .wait(150), .receive(count: 1), .close(code: 4000, reason: "bye")]),
        ])
    }

    static let deniedYAML = """
    providers:
      get_db: {yield: true, async: true, returns: "Session#1"}
    routes:
      - GET /items:
          handler: items
          params: {db: Depends(get_db), token: "str | None = None"}
    requests: [GET /items]
    """

    /// A WebSocketException before accept: the handshake is refused (uvicorn answers 403).
    static func denied() throws -> Scenario {
        var raise = RaiseSpec(exception: "WebSocketException", when: Condition(source: "token is None", expr: try ExprParser.parse("token is None")))
        raise.code = 1008
        raise.reason = t("no token")
        let handler = WebSocketHandler(steps: [WSStep(.raise(raise)), WSStep(.accept), WSStep(.send(t("token {{token}}"), json: false)), WSStep(.close(code: 1000, reason: nil))])
        return try scenario(deniedYAML, handler: handler, requests: [
            connection("/items", "anonymous", at: 0, [.receive(count: 1)]),
            connection("/items?token=t1", "member", at: 50, [.receive(count: 1)]),
        ])
    }
}
