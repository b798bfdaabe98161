import DILab
@testable import DILabServe
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `dilab serve` over real websockets: the engine's connections behind a live socket on port 0, driven by a
/// raw RFC 6455 client (`WSClient`) so drops, binary frames and close codes can be sent and seen.
@Suite(.serialized) struct WebSocketLiveTests {
    static let yaml = """
    scenario: serve websockets
    fastapi: latest
    rooms: [manager]
    providers:
      deny_http:
        raises: {status: 401, detail: nope}
      slow_db:
        duration: 300ms
        returns: "Session#{{call}}"
    routes:
      - WEBSOCKET /echo:
          handler: echo
          steps:
            - accept
            - loop:
                - receive: msg
                - send: "Echo: {{msg}}"
          on_disconnect: []
      - WEBSOCKET /chat/{username}:
          handler: chat
          params: {username: str}
          steps:
            - join: manager
            - broadcast: {room: manager, text: "{{username}} joined"}
            - loop:
                - receive: msg
                - broadcast: {room: manager, text: "{{username}}: {{msg}}"}
          on_disconnect:
            - leave: manager
            - broadcast: {room: manager, text: "{{username}} left"}
      - WEBSOCKET /guarded:
          handler: guarded
          steps:
            - raise: {exception: WebSocketException, code: 1008, reason: no token}
      - WEBSOCKET /http-guarded:
          handler: http_guarded
          params: {d: Depends(deny_http)}
          steps: [accept]
      - WEBSOCKET /strict:
          handler: strict
          steps:
            - accept
            - receive: msg
            - close: {code: 1008, reason: "bad word: {{msg}}"}
      - WEBSOCKET /slow:
          handler: slow
          params: {db: Depends(slow_db)}
          steps:
            - accept
            - send: "ready with {{db}}"
      - GET /items:
          handler: items
          returns: {ok: 1}
    """

    /// Runs `work` with the server up, then stops it.
    func withServer(_ work: (LiveServer) async throws -> Void) async throws {
        let live = try await LiveServer.start(Self.yaml)
        do { try await work(live) } catch {
            _ = await live.stop()
            throw error
        }
        _ = await live.stop()
    }

    /// A blocking client session, off the cooperative pool the server's upgrade check needs.
    func client<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try await OnThread(work).value() }

    @Test func echoFragmentsPingAndTheClientsClose() async throws {
        try await withServer { live in
            let port = live.port
            let (status, id, frames) = try await client { () -> (Int, String, [WSClient.Frame]) in
                let ws = try WSClient(port: port, path: "/echo")
                ws.sendText("hi")
                var frames = [ws.receive()]
                ws.sendFragmented("frag", "ment")
                frames.append(ws.receive())
                ws.sendPing([1, 2, 3])
                frames.append(ws.receive())
                ws.sendClose(code: 1000)
                frames += ws.receiveUntilClose()
                return (ws.handshake.status, ws.handshake.headers["x-request-id"] ?? "", frames)
            }
            #expect(status == 101)
            #expect(frames == [.text("Echo: hi"), .text("Echo: fragment"), .pong([1, 2, 3]), .close(code: 1000, reason: "")])
            let trace = try await live.completeTrace(id)
            #expect(trace.compact.contains(#"ws.receive echo "hi""#))
            #expect(trace.compact.contains("disconnect echo code=1000"))
        }
    }

    @Test func broadcastReachesBothClientsAndADropIsTold() async throws {
        try await withServer { live in
            let port = live.port
            let (alice, bob, bobID) = try await client { () -> ([WSClient.Frame], [WSClient.Frame], String) in
                let a = try WSClient(port: port, path: "/chat/alice")
                var alice = [a.receive()]
                let b = try WSClient(port: port, path: "/chat/bob")
                alice.append(a.receive())
                var bob = [b.receive()]
                a.sendText("hi")
                alice.append(a.receive())
                bob.append(b.receive())
                b.drop()
                alice.append(a.receive())
                a.sendClose(code: 1000)
                alice += a.receiveUntilClose()
                return (alice, bob, b.handshake.headers["x-request-id"] ?? "")
            }
            #expect(alice == [.text("alice joined"), .text("bob joined"), .text("alice: hi"), .text("bob left"), .close(code: 1000, reason: "")])
            #expect(bob == [.text("bob joined"), .text("alice: hi")])
            let trace = try await live.completeTrace(bobID)
            #expect(trace.compact.contains("disconnect chat code=1005"))
        }
    }

    @Test func refusalsBeforeAcceptAreHTTPResponses() async throws {
        try await withServer { live in
            let port = live.port
            let (ws, http, unrouted, plain) = try await client { () -> (WSClient.Handshake, WSClient.Handshake, WSClient.Handshake, WSClient.Handshake) in
                (try WSClient(port: port, path: "/guarded").handshake, try WSClient(port: port, path: "/http-guarded").handshake,
                 try WSClient(port: port, path: "/nowhere").handshake, try WSClient(port: port, path: "/items").handshake)
            }
            // WebSocketException before accept: uvicorn's bare 403, not the 400 or 405 of a plain refusal.
            #expect(ws.status == 403)
            #expect(ws.body == "")
            #expect(ws.headers["content-type"] == "text/plain; charset=utf-8")
            // An HTTPException in a dependency: its own status and JSON body.
            #expect(http.status == 401)
            #expect(http.body == #"{"detail":"nope"}"#)
            // No websocket route (an unknown path, or an HTTP-only one): Starlette closes, uvicorn answers 403.
            #expect(unrouted.status == 403)
            #expect(plain.status == 403)
            let trace = try await live.completeTrace(ws.headers["x-request-id"] ?? "?")
            #expect(trace.compact.contains { $0.hasPrefix("ws.deny 403") })
            // No Sec-WebSocket-Key: uvicorn's 400 with its reason, and the connection closes.
            let bad = try await client { () -> (String, Bool) in
                let socket = try RawSocket(port: port, readTimeout: 3)
                socket.write("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                return socket.readAll()
            }
            #expect(bad.0.hasPrefix("HTTP/1.1 400"))
            #expect(bad.0.contains("Sec-WebSocket-Key"))
            #expect(bad.1)
        }
    }

    @Test func aCloseAfterAcceptCarriesItsCodeAndReason() async throws {
        try await withServer { live in
            let port = live.port
            let frames = try await client { () -> [WSClient.Frame] in
                let ws = try WSClient(port: port, path: "/strict")
                ws.sendText("spam")
                let frames = ws.receiveUntilClose()
                ws.sendClose(code: 1008)
                return frames
            }
            #expect(frames == [.close(code: 1008, reason: "bad word: spam")])
        }
    }

    /// A binary frame reaches the endpoint, whose receive_text() raises KeyError('text') as FastAPI's does: uncaught,
    /// so uvicorn drops the connection (no close frame). Text that is not UTF-8 is the protocol's 1007.
    @Test func badFramesCloseTheConnectionAndTheServerGoesOn() async throws {
        try await withServer { live in
            let port = live.port
            let (binary, invalid, after) = try await client { () -> ([WSClient.Frame], [WSClient.Frame], WSClient.Frame) in
                let a = try WSClient(port: port, path: "/echo")
                a.sendBinary([0, 1, 2])
                let binary = a.receiveUntilClose()
                let b = try WSClient(port: port, path: "/echo")
                b.send(opcode: 0x1, [0xff, 0xfe])
                let invalid = b.receiveUntilClose()
                let c = try WSClient(port: port, path: "/echo")
                c.sendText("still here")
                return (binary, invalid, c.receive())
            }
            #expect(binary.last == .closed)
            #expect(invalid.last.map { if case .close(1007, _) = $0 { true } else { false } } == true)
            #expect(after == .text("Echo: still here"))
            let items = try await live.get("/items")
            #expect(items.status == 200)
        }
    }

    /// The header deadline covers the client's head only: a dependency that takes longer than it, in the
    /// upgrade check, does not cut the handshake. The endpoint returning without a close drops the connection,
    /// as uvicorn 0.54 does (the client sees 1006, no close frame).
    @Test func aSlowDependencyOutlastsTheHeaderDeadline() async throws {
        var options = ServeOptions(port: 0)
        options.headerTimeout = 0.1
        let live = try await LiveServer.start(Self.yaml, options: options)
        let port = live.port
        let (status, frames) = try await client { () -> (Int, [WSClient.Frame]) in
            let ws = try WSClient(port: port, path: "/slow")
            return (ws.handshake.status, ws.receiveUntilClose())
        }
        _ = await live.stop()
        #expect(status == 101)
        #expect(frames == [.text("ready with Session#1"), .closed])
    }

    /// `/_dilab/events` streams a connection's events as it streams a request's.
    @Test func theLiveEventStreamCoversConnections() async throws {
        try await withServer { live in
            let collector = SSETests.Collector()
            let session = URLSession(configuration: .ephemeral, delegate: collector, delegateQueue: nil)
            let task = session.dataTask(with: live.url("/_dilab/events"))
            task.resume()
            let deadline = Date().addingTimeInterval(10)
            while !collector.text.contains(": dilab events"), Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            let port = live.port
            _ = try await client { () -> WSClient.Frame in
                let ws = try WSClient(port: port, path: "/echo")
                ws.sendText("live")
                let f = ws.receive()
                ws.sendClose(code: 4001, reason: "done")
                _ = ws.receiveUntilClose()
                return f
            }
            while !collector.text.contains("event: disconnect"), Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            let kinds = collector.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(Array(kinds.prefix(6)) == ["request", "handler", "ws.accept", "ws.receive", "ws.send", "disconnect"])
            #expect(collector.text.contains("code=4001"))
            task.cancel()
            session.invalidateAndCancel()
        }
    }

    @Test func plainHTTPToAWebSocketPathIsNotFound() async throws {
        try await withServer { live in
            // FastAPI 0.165 under uvicorn: GET or POST on a websocket-only path is 404 {"detail":"Not Found"}.
            let reply = try await live.get("/echo")
            #expect(reply.status == 404)
            #expect(reply.body == #"{"detail":"Not Found"}"#)
        }
    }
}

/// Shutdown with a connection open, as uvicorn: the client gets close 1012 and the endpoint's receive a
/// disconnect with that code, so the drain finishes without waiting out its timeout.
@Suite struct WebSocketShutdownTests {
    @Test func shutdownClosesOpenConnectionsWith1012() async throws {
        let live = try await LiveServer.start(WebSocketLiveTests.yaml)
        let port = live.port
        let connected = Promise<String>()
        let frames = OnThread { () -> [WSClient.Frame] in
            let ws = try WSClient(port: port, path: "/echo")
            ws.sendText("x")
            let echo = ws.receive()
            connected.fulfill(.success(ws.handshake.headers["x-request-id"] ?? "?"))
            let close = ws.receive()
            ws.sendClose(code: 1012)
            return [echo, close]
        }
        let id = try await connected.value()
        let report = await live.server.stop()
        #expect(try await frames.value() == [.text("Echo: x"), .close(code: 1012, reason: "")])
        #expect(report.drained)
        #expect(report.waitedMilliseconds < 3000)
        let lines = live.logLines
        #expect(lines.contains { $0.hasPrefix("[\(id)]") && $0.contains("disconnect") && $0.contains("1012") }, "\(lines)")
    }
}
