import DILab
@testable import DILabServe
import Foundation
import Testing

/// Connections as an attacker or a broken client uses them: slow heads, idle keep-alive, malformed requests,
/// more connections than allowed, and statuses that must not carry a body. Timeouts are short here on purpose.
@Suite("connections: timeouts, limits, bad HTTP, bodiless statuses", .serialized)
struct ConnectionTests {
    static func options(header: Double = 0.6, idle: Double = 5, maxConnections: Int = 512) -> ServeOptions {
        var o = ServeOptions(port: 0)
        o.headerTimeout = header
        o.idleTimeout = idle
        o.maxConnections = maxConnections
        return o
    }

    /// Sends a partial head, then one header line every `every` seconds; returns the seconds until the server
    /// closed the connection, or nil if it was still open after `giveUp` seconds.
    static func trickle(port: Int, every: Double = 0.15, giveUp: Double = 4) throws -> Double? {
        let socket = try RawSocket(port: port, readTimeout: every)
        let start = Date()
        socket.write("GET /users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        var n = 0
        while Date().timeIntervalSince(start) < giveUp {
            if socket.read() == .closed { return Date().timeIntervalSince(start) }
            n += 1
            socket.write("X-Slow-\(n): still coming\r\n")
        }
        return nil
    }

    @Test("slowloris: a head trickled line by line is cut at the header deadline; other clients are answered meanwhile")
    func slowHeadIsCut() async throws {
        let live = try await LiveServer.start(Scenarios.shop, options: Self.options(header: 0.6))
        let port = live.port
        // Each on a thread of its own: blocking sockets must not starve the cooperative pool the server runs on.
        let slow = (0..<20).map { _ in OnThread { try Self.trickle(port: port) } }
        try await Task.sleep(for: .milliseconds(200))
        // While twenty connections trickle their heads, a normal client is served at once.
        let reply = try await live.get("/twice?q=meanwhile")
        #expect(reply.status == 200)
        for task in slow {
            let closedAfter = try await task.value()
            // Each line came well within the deadline; only a deadline for the whole head ends it.
            #expect(closedAfter != nil, "the trickling connection was still open after 4 s")
            if let closedAfter { #expect(closedAfter >= 0.5) }
        }
        #expect(try await live.get("/users/2").status == 200)
        _ = await live.stop()
    }

    @Test("slow POST: a body trickled byte by byte is cut at the body deadline")
    func slowBodyIsCut() async throws {
        var options = Self.options(header: 5)
        options.bodyTimeout = 0.6
        let live = try await LiveServer.start(Scenarios.shop, options: options)
        let socket = try RawSocket(port: live.port, readTimeout: 0.15)
        let start = Date()
        socket.write("POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        var closedAfter: Double?
        while Date().timeIntervalSince(start) < 4 {
            if socket.read() == .closed { closedAfter = Date().timeIntervalSince(start); break }
            socket.write(" ")
        }
        #expect(closedAfter != nil, "the trickling body was still being read after 4 s")
        if let closedAfter { #expect(closedAfter >= 0.5) }
        // A whole body in time is fine.
        let ok = try await live.send("POST", "/items", body: #"{"name":"pen"}"#, headers: ["Content-Type": "application/json"])
        #expect(ok.status == 200)
        _ = await live.stop()

        // Answered 413 at once from Content-Length; the rest of the body is drained under the body deadline
        // (2 s here, so that a loaded machine still writes the 413 before the deadline ends the connection).
        options.maxBodyBytes = 64
        options.bodyTimeout = 2
        let small = try await LiveServer.start(Scenarios.shop, options: options)
        let early = try RawSocket(port: small.port, readTimeout: 0.15)
        let sent = Date()
        early.write("POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
        var text = ""
        var drainedUntil: Double?
        while Date().timeIntervalSince(sent) < 8 {
            let r = early.read()
            if case .data(let more) = r { text += more }
            if r == .closed { drainedUntil = Date().timeIntervalSince(sent); break }
            early.write(" ")
        }
        #expect(text.hasPrefix("HTTP/1.1 413"))
        #expect(drainedUntil != nil, "the drained body was still trickling after 8 s")
        _ = await small.stop()
    }

    @Test("a connection that sends nothing is closed at the header deadline")
    func silentConnection() async throws {
        let live = try await LiveServer.start(Scenarios.shop, options: Self.options(header: 0.4))
        let socket = try RawSocket(port: live.port, readTimeout: 3)
        let start = Date()
        #expect(socket.read() == .closed)
        #expect(Date().timeIntervalSince(start) >= 0.3)
        _ = await live.stop()
    }

    @Test("keep-alive: the header deadline does not run between requests; the idle timeout closes the connection")
    func idleKeepAlive() async throws {
        let live = try await LiveServer.start(Scenarios.shop, options: Self.options(header: 0.3, idle: 1.2))
        let socket = try RawSocket(port: live.port, readTimeout: 0.8)
        socket.write("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // The answers may come late on a loaded machine; the 0.8 s receive timeout is for the silence check only.
        #expect(socket.readResponse(endingWith: #"{"detail":"Not Found"}"#, within: 5).hasPrefix("HTTP/1.1 404"))
        // Longer than the header timeout, shorter than the idle one: still open, and a second request is served.
        #expect(socket.read() == .timedOut)
        socket.write("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(socket.readResponse(endingWith: #"{"detail":"Not Found"}"#, within: 5).hasPrefix("HTTP/1.1 404"))
        let idleStart = Date()
        var closed = false
        while Date().timeIntervalSince(idleStart) < 4 {
            if socket.read() == .closed { closed = true; break }
        }
        #expect(closed)
        #expect(Date().timeIntervalSince(idleStart) >= 1.0)
        _ = await live.stop()
    }

    @Test("a slow handler is not cut by the header deadline of a pipelined next request")
    func slowResponseIsNotCut() async throws {
        let live = try await LiveServer.start(Scenarios.shop, options: Self.options(header: 0.1))
        let socket = try RawSocket(port: live.port, readTimeout: 3)
        // /twice takes 200 ms; the next request's first bytes arrive at once and wait for the answer.
        socket.write("GET /twice HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /now")
        #expect(socket.readResponse(endingWith: "}").hasPrefix("HTTP/1.1 200"))
        _ = await live.stop()
    }

    @Test("malformed request line, header and length get 400; the server keeps serving")
    func badHTTP() async throws {
        let live = try await LiveServer.start(Scenarios.shop, options: Self.options(header: 5))
        for bad in ["GARBAGE\r\n\r\n", "GET /users/1 HTTP/1.1\r\nBad Header Line\r\n\r\n",
                    "GET /users/1 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "GET /users/1 HTTP/9.9.9\r\n\r\n",
                    "\u{01}\u{02}\u{03}\r\n\r\n"] {
            let socket = try RawSocket(port: live.port, readTimeout: 3)
            socket.write(bad)
            let (text, closed) = socket.readAll()
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(bad.debugDescription) → \(text.debugDescription)")
            #expect(closed)
        }
        #expect(try await live.get("/users/5").status == 200)
        _ = await live.stop()
    }

    @Test("beyond --max-connections a client waits in the backlog until a slot frees, then is served")
    func connectionCap() async throws {
        let live = try await LiveServer.start(Scenarios.shop, options: Self.options(header: 0.5, maxConnections: 3))
        let hogs = try (0..<3).map { _ in try RawSocket(port: live.port) }
        try await Task.sleep(for: .milliseconds(100))
        let start = Date()
        let reply = try await live.get("/users/3")
        #expect(reply.status == 200)
        // Served only once the header deadline had dropped a silent connection.
        #expect(Date().timeIntervalSince(start) >= 0.3)
        withExtendedLifetime(hogs) {}
        _ = await live.stop()
    }

    @Test("204 and 304 carry no body and no Content-Length; a final 1xx is bodiless and ends the connection")
    func bodilessStatuses() async throws {
        let yaml = """
        scenario: bodiless
        fastapi: latest
        routes:
          - DELETE /items/{item_id}:
              handler: delete_item
              params: {item_id: int}
              status: 204
              returns: {deleted: "{{item_id}}"}
          - GET /cached:
              handler: cached
              status: 304
              returns: {x: 1}
          - GET /early:
              handler: early
              status: 103
              returns: {x: 1}
        """
        let live = try await LiveServer.start(yaml, options: Self.options(header: 5))
        let socket = try RawSocket(port: live.port, readTimeout: 1)
        // Pipelined: were a body sent, its bytes would be read as the start of the second response.
        socket.write("DELETE /items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /cached HTTP/1.1\r\nHost: x\r\n\r\n")
        var text = ""
        while text.components(separatedBy: "\r\n\r\n").count < 3, case .data(let more) = socket.read() { text += more }
        let parts = text.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 3 && parts[2].isEmpty, "\(text.debugDescription)")
        #expect(parts.first?.hasPrefix("HTTP/1.1 204") == true)
        #expect(parts.count > 1 && parts[1].hasPrefix("HTTP/1.1 304"))
        #expect(!text.lowercased().contains("content-length"))
        #expect(!text.lowercased().contains("transfer-encoding"))

        let early = try RawSocket(port: live.port, readTimeout: 3)
        early.write("GET /early HTTP/1.1\r\nHost: x\r\n\r\n")
        let (head, closed) = early.readAll()
        #expect(head.hasPrefix("HTTP/1.1 103"))
        #expect(head.hasSuffix("\r\n\r\n"))
        #expect(closed)
        #expect(try await live.get("/cached").status == 304)
        _ = await live.stop()
    }
}

/// The read deadlines as a state machine, without a socket.
struct ReadDeadlineTests {
    @Test func aHeadThenABodyEachGetOneDeadlineThatATrickleDoesNotRestart() {
        var d = ReadDeadline()
        #expect(d.opened() == .arm(.readingHead))
        #expect(d.bytesRead() == .none)            // a header line: the deadline keeps running
        #expect(d.headRead() == .arm(.readingBody))
        #expect(d.bytesRead() == .none)            // body bytes: the body deadline keeps running
        #expect(d.requestEnded() == .disarm)
        #expect(d.responseWritten() == .none)      // between requests: the idle timeout's business
        #expect(d.bytesRead() == .arm(.readingHead))  // the next request's first byte
        #expect(d.expired() == .close)
    }

    @Test func doesNotRunWhileAResponseIsOwed() {
        var d = ReadDeadline()
        _ = d.opened()
        _ = d.headRead()
        _ = d.requestEnded()
        #expect(d.bytesRead() == .none)            // pipelined: the server still owes the first response
        #expect(d.responseWritten() == .arm(.readingHead))  // now the client owes the head
        #expect(d.expired() == .close)
        // A pipelined body waits for the server too: its deadline starts when the earlier response is out.
        var p = ReadDeadline()
        _ = p.opened()
        _ = p.headRead()
        _ = p.requestEnded()
        _ = p.bytesRead()
        #expect(p.headRead() == .none)
        #expect(p.expired() == .none)
        #expect(p.responseWritten() == .arm(.readingBody))
        // Answered before the body was read (413): the body deadline keeps running while the rest is drained.
        var early = ReadDeadline()
        _ = early.opened()
        #expect(early.headRead() == .arm(.readingBody))
        #expect(early.responseWritten() == .none)
        #expect(early.expired() == .close)
    }
}
