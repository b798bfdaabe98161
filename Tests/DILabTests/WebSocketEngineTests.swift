@testable import DILab
import Testing

/// The engine's websocket rules, each as FastAPI was observed to behave (docs/beyond-the-spec.md · WebSockets).
@Suite("WebSockets: endpoint, client and server")
struct WebSocketEngineTests {
    /// A yield dependency (`get_db`) around an endpoint whose steps are `steps`, and one client playing `script`.
    static func app(_ steps: String, script: String = "[send: hi, close]", dep: String = "", profile: String = "latest",
                    onDisconnect: String? = nil, params: String = "{db: Depends(get_db)}") -> String {
        """
        fastapi: \(profile)
        providers:
          get_db:
            yield: true
            async: true
            returns: "db#{{call}}"
            except:
              - {catch: Exception, then: reraise}
        \(dep)
        tasks:
          notify: {async: true}
        routes:
          - WEBSOCKET /ws:
              handler: endpoint
              params: \(params)
              steps: \(steps)
        \(onDisconnect.map { "      on_disconnect: \($0)" } ?? "")
        requests:
          - websocket: /ws
            as: c
            script: \(script)
        """
    }

    @Test("dependencies run once, before accept; cleanup when the endpoint ends")
    func dependenciesOncePerConnection() throws {
        let t = try run(Self.app("[accept, {loop: [{receive: m}, {send: \"{{db}}:{{m}}\"}]}]", script: "[send: a, receive, send: b, receive, close]",
                                 onDisconnect: "[]"))[0]
        #expect(lines(t, kinds: [.enter, .exit, .wsAccept, .wsSend]) == [
            "enter get_db", "ws.accept endpoint", "ws.send c \"db#1:a\"", "ws.send c \"db#1:b\"", "exit get_db",
        ])
        #expect(t.webSocket?.received == ["db#1:a", "db#1:b"])
        #expect(t.webSocket?.closeCode == 1000)
        #expect(t.webSocket?.closedByClient == true)
    }

    @Test("an uncaught WebSocketDisconnect passes through the yield dependency's except and reaches the server")
    func uncaughtDisconnect() throws {
        let t = try run(Self.app("[accept, {receive: m}, {receive: n}]", script: "[send: a, close: 1001]"))[0]
        #expect(lines(t).suffix(4) == [
            "disconnect endpoint code=1001", "catch get_db WebSocketDisconnect 1001 → re-raised", "exit get_db", "server.error WebSocketDisconnect",
        ])
    }

    @Test("WebSocketException in a dependency before accept: cleanup first, then the close; uvicorn answers 403")
    func webSocketExceptionBeforeAccept() throws {
        let dep = """
          check:
            raises: [{exception: WebSocketException, code: 1008, reason: go away}]
        """
        let t = try run(Self.app("[accept]", dep: dep, params: "{db: Depends(get_db), ok: Depends(check)}"))[0]
        #expect(lines(t) == [
            "enter get_db", "call check", "raise check WebSocketException 1008", "catch get_db WebSocketException 1008 → re-raised",
            "exit get_db", "ws.close endpoint 1008 \"go away\"", "ws.deny 403",
        ])
        #expect(t.status == 403)
        #expect(t.webSocket?.accepted == false)
    }

    @Test("WebSocketException after accept closes with its code and reason")
    func webSocketExceptionAfterAccept() throws {
        let t = try run(Self.app("[accept, {raise: {exception: WebSocketException, code: 4001, reason: bye}}]"))[0]
        #expect(lines(t).suffix(3) == ["catch get_db WebSocketException 4001 → re-raised", "exit get_db", "ws.close endpoint 4001 \"bye\""])
        #expect(t.webSocket?.closeCode == 4001)
        #expect(t.webSocket?.closeReason == "bye")
        #expect(t.webSocket?.closedByClient == false)
    }

    @Test("HTTPException in a websocket dependency: an HTTP denial on 0.115+, nothing sent (uvicorn's 500) on 0.105")
    func httpExceptionDenial() throws {
        let dep = """
          auth:
            raises: [{status: 401, detail: nope}]
        """
        for (profile, status) in [("latest", 401), ("0.115", 401), ("0.105", 500)] {
            let t = try run(Self.app("[accept]", dep: dep, profile: profile, params: "{a: Depends(auth)}"))[0]
            #expect(t.status == status, "profile \(profile)")
            #expect(lines(t).last == "ws.deny \(status)", "profile \(profile)")
        }
    }

    @Test("returning without accept is uvicorn's 500; returning after accept without close drops the connection (1006)")
    func endpointReturns() throws {
        let noAccept = try run(Self.app("[]"))[0]
        #expect(noAccept.status == 500)
        let noClose = try run(Self.app("[accept]", script: "[receive]"))[0]
        #expect(lines(noClose).suffix(2) == ["exit get_db", "ws.close server 1006"])
        #expect(noClose.webSocket?.closeCode == 1006)
    }

    @Test("a task added in a websocket endpoint never runs")
    func taskNeverRuns() throws {
        let t = try run(Self.app("[accept, {adds_tasks: [notify]}, close]", params: "{db: Depends(get_db), background_tasks: BackgroundTasks}"))[0]
        #expect(lines(t, kinds: [.taskAdd, .taskStart, .violation]) == ["task.add notify", "violation notify task-in-websocket"])
    }

    @Test("a send after the client closed: WebSocketDisconnect(1006) on 0.115+, uvicorn's ClientDisconnected on 0.105")
    func sendAfterClientLeft() throws {
        for (profile, raised) in [("latest", "raise endpoint WebSocketDisconnect 1006"), ("0.105", "raise endpoint ClientDisconnected")] {
            let t = try run(Self.app("[accept, {receive: m}, {sleep: 10ms}, {send: late}]", script: "[send: a, close]", profile: profile))[0]
            #expect(lines(t).contains(raised), "profile \(profile)")
            #expect(t.webSocket?.received == [], "profile \(profile)")
        }
    }

    @Test("an unknown websocket path is closed before accept: 403")
    func unknownPath() throws {
        var yaml = Self.app("[accept]")
        yaml = yaml.replacingOccurrences(of: "- websocket: /ws", with: "- websocket: /nope")
        let t = try run(yaml)[0]
        #expect(lines(t) == ["ws.close router 1000", "ws.deny 403"])
    }

    @Test("validation errors close with 1008 before accept, after the route's yield dependency saw them")
    func validationCloses() throws {
        let yaml = Self.app("[accept]", params: "{db: Depends(get_db), q: int}").replacingOccurrences(of: "- websocket: /ws", with: "- websocket: /ws?q=x")
        let t = try run(yaml)[0]
        #expect(lines(t, kinds: [.wsClose, .wsDeny]).first?.hasPrefix("ws.close endpoint 1008") == true)
        #expect(t.status == 403)
    }

    @Test("endpoint and client both waiting for a message: a deadlock, reported once, and the run ends")
    func bothWaiting() throws {
        let t = try run(Self.app("[accept, {receive: m}]", script: "[receive]"))[0]
        #expect(lines(t, kinds: [.deadlock]) == ["deadlock c websocket"])
    }

    @Test("a dead connection left in the room: the next broadcast raises in the broadcaster, later members get nothing")
    func deadMember() throws {
        let yaml = """
        fastapi: latest
        rooms: [manager]
        routes:
          - WEBSOCKET /quiet/{name}:
              handler: quiet
              steps: [{join: manager}, {loop: [{receive: m}]}]
          - WEBSOCKET /talk/{name}:
              handler: talk
              steps: [{join: manager}, {loop: [{receive: m}, {broadcast: {room: manager, text: "{{m}}"}}]}]
        requests:
          - {websocket: /quiet/a, as: a, at: 0ms, script: [{wait: 5ms}, drop]}
          - {websocket: /talk/b, as: b, at: 10ms, script: [{send: one}, {wait: 50ms}]}
          - {websocket: /quiet/c, as: c, at: 1ms, script: [{wait: 100ms}]}
        """
        let traces = try run(yaml)
        #expect(lines(traces[1], kinds: [.violation, .raise, .serverError]) == [
            "violation a dead-connection", "raise talk WebSocketDisconnect 1006", "server.error WebSocketDisconnect",
        ])
        #expect(traces[2].webSocket?.received == [])
    }

    @Test("with workers: 2, a broadcast reaches only the clients of its own worker")
    func workers() throws {
        let yaml = """
        fastapi: latest
        app: {workers: 2}
        rooms: [manager]
        routes:
          - WEBSOCKET /chat:
              handler: chat
              steps: [{join: manager}, {loop: [{receive: m}, {broadcast: {room: manager, text: "{{m}}"}}]}]
              on_disconnect: [{leave: manager}]
        requests:
          - {websocket: /chat, as: a, worker: 1, at: 0ms, script: [{wait: 20ms}]}
          - {websocket: /chat, as: b, worker: 2, at: 1ms, script: [{wait: 20ms}]}
          - {websocket: /chat, as: c, worker: 1, at: 2ms, script: [{wait: 5ms}, {send: hello}, {wait: 10ms}]}
        """
        let traces = try run(yaml)
        #expect(traces[0].webSocket?.received == ["hello"])
        #expect(traces[1].webSocket?.received == [])
    }

    @Test("the same websocket scenario gives the same trace twice")
    func deterministic() throws {
        let yaml = try String(contentsOfFile: "scenarios/websockets/chat-room.yaml", encoding: .utf8)
        let a = try run(yaml).map(lines)
        let b = try run(yaml).map(lines)
        #expect(a == b)
        #expect(!a.isEmpty)
    }
}

import Foundation

/// FastAPI's injected objects: `WebSocket` is the connection, `Request` Starlette's request, `Response` the
/// temporal response (ResponseParamTests); `HTTPConnection` is refused by name.
@Suite("WebSockets: injected parameters")
struct InjectedParameterTests {
    @Test("an HTTPConnection parameter is refused by name, not read as a JSON body; a Response is the temporal one")
    func refusedByName() throws {
        let accepted = try run("""
        routes:
          - GET /a:
              params: {response: Response}
              returns: ok
        requests: [GET /a]
        """)
        #expect(accepted.first?.status == 200)
        let yaml = """
        routes:
          - GET /a:
              params: {conn: HTTPConnection}
              returns: ok
        """
        #expect(throws: DiagnosticList.self) { try compile(yaml) }
        do { _ = try compile(yaml) } catch let list as DiagnosticList {
            #expect(list.diagnostics.first?.message.contains("is not modelled") == true)
        }
    }

    @Test("a dependency asking for the WebSocket works in a websocket endpoint and is refused under an HTTP route")
    func webSocketParameter() throws {
        let provider = """
        providers:
          get_token:
            params: {websocket: WebSocket, token: "Query(None)"}
            returns: "{{token}}"
        """
        let ws = provider + """

        routes:
          - WEBSOCKET /ws:
              params: {t: Depends(get_token)}
              steps: [accept, {send: "{{t}}"}, close]
        requests:
          - websocket: /ws?token=abc
        """
        let t = try run(ws)[0]
        #expect(t.webSocket?.received == ["abc"])
        let http = provider + """

        routes:
          - GET /a:
              params: {t: Depends(get_token)}
              returns: ok
        """
        let diagnostics = Validator.check(try ScenarioLoader.load(text: http, file: "inline.yaml"))
        #expect(diagnostics.contains { $0.rule == "websocket" && $0.message.contains("HTTP route") })
    }
}

@Suite("Request: Starlette's request object")
struct RequestObjectTests {
    @Test("a dependency reads the method, url, headers, query (last value wins), path parameters and cookies")
    func values() throws {
        let yaml = """
        providers:
          info:
            params: {request: Request}
            returns: {url: "{{request.url}}", q: "{{request.query_params.q}}", path: "{{request.path_params}}", host: "{{request.headers.host}}", c: "{{request.cookies.k}}"}
        routes:
          - GET /a/{x}/{b}:
              params: {x: str, b: str, i: Depends(info)}
              returns: "{{i}}"
        requests:
          - {request: "GET /a/1/2?q=one&q=two", cookies: {k: v}}
        """
        let t = try run(yaml)[0]
        #expect(t.status == 200)
        #expect(t.body.json == #"{"url":"http://testserver/a/1/2?q=one&q=two","q":"two","path":{"x":"1","b":"2"},"host":"testserver","c":"v"}"#)
    }

    @Test("a Request in a websocket endpoint's graph is refused: FastAPI never fills it")
    func notInWebSockets() throws {
        let yaml = """
        providers:
          info: {params: {request: Request}}
        routes:
          - WEBSOCKET /ws:
              params: {i: Depends(info)}
              steps: [accept, close]
        """
        let diagnostics = Validator.check(try ScenarioLoader.load(text: yaml, file: "inline.yaml"))
        #expect(diagnostics.contains { $0.rule == "websocket" && $0.message.contains("never fills") })
    }
}
