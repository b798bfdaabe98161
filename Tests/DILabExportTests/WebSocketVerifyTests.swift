import DILab
@testable import DILabExport
import Foundation
import Testing

/// `dilab verify` on websocket scenarios, against runs of real FastAPI captured from their exports
/// (`python app.py --trace` with the websocket driver), so these tests need no Python.
@Suite("verify: websockets against recorded FastAPI runs")
struct WebSocketVerifyTests {
    static func recorded(_ name: String, _ version: String) throws -> ComparableRun {
        let text = try String(contentsOfFile: ComparisonTests.root + "/Tests/DILabExportTests/Fixtures/ws-\(name).fastapi-\(version).json", encoding: .utf8)
        return try ComparableRun(driverOutput: #require(Value.parse(json: text)))
    }

    static func simulated(_ name: String, _ profile: Profile) throws -> ComparableRun {
        let app = try Validator.compile(try ScenarioLoader.load(path: ComparisonTests.root + "/scenarios/websockets/\(name).yaml"), profile: profile)
        return ComparableRun(Engine.run(app), app: app)
    }

    @Test func theChatRoomAgreesWithFastAPI() throws {
        let real = try Self.recorded("chat-room", "0.165.0")
        #expect(real.requests.map { $0.webSocket?.closeCode } == [1000, 1006, 1000])
        #expect(real.requests[0].webSocket?.received.last == "bob left the chat")
        let m = Comparison.compare(dilab: try Self.simulated("chat-room", .latest), fastapi: real)
        #expect(m.isEmpty, "\(m.map(\.description).joined(separator: "\n"))")
    }

    @Test func denialsAgreeWithFastAPI() throws {
        let real = try Self.recorded("verify-denials", "0.165.0")
        #expect(real.requests.map(\.status) == [403, 0, 0, 0, 401, 403])
        #expect(real.requests[4].headers["www-authenticate"] == "Bearer")
        let m = Comparison.compare(dilab: try Self.simulated("verify-denials", .latest), fastapi: real)
        #expect(m.isEmpty, "\(m.map(\.description).joined(separator: "\n"))")
    }

    @Test func aDeadMemberAgreesWithFastAPI0105() throws {
        let real = try Self.recorded("verify-dead-member", "0.105.0")
        let m = Comparison.compare(dilab: try Self.simulated("verify-dead-member", .v0_105), fastapi: real)
        #expect(m.isEmpty, "\(m.map(\.description).joined(separator: "\n"))")
    }

    /// verify.sh's wrong rule, for websockets: 0.165's rule (an HTTPException in a websocket dependency is an HTTP
    /// denial with its status) judged by FastAPI 0.105, where Starlette 0.27 swallows it and uvicorn answers 500.
    @Test func aWrongDenialRuleIsCaught() throws {
        let m = Comparison.compare(dilab: try Self.simulated("verify-denials", .latest), fastapi: try Self.recorded("verify-denials", "0.105.0"))
        let places = m.map(\.place).filter { $0.hasPrefix("request 5 ") }
        #expect(places == ["request 5 WEBSOCKET /admin: denial status", "request 5 WEBSOCKET /admin: denial body",
                           "request 5 WEBSOCKET /admin: denial header www-authenticate", "request 5 WEBSOCKET /admin: first divergence at event 5"])
        let status = try #require(m.first { $0.place.hasSuffix(": denial status") })
        #expect(status.dilab == "401" && status.fastapi == "500")
    }

    @Test func aWrongMessageOrCloseIsCaught() throws {
        let real = try Self.recorded("chat-room", "0.165.0")
        var sim = try Self.simulated("chat-room", .latest)
        sim.requests[0].webSocket?.received.removeLast()
        sim.requests[2].webSocket?.closeCode = 1001
        let places = Comparison.compare(dilab: sim, fastapi: real).map(\.place)
        #expect(places == ["request 1 WEBSOCKET /chat/alice: messages received", "request 3 WEBSOCKET /chat/carol: close"])
    }

    @Test func aRefusedHandshakeIsReportedAlone() throws {
        let real = try Self.recorded("verify-denials", "0.165.0")
        var sim = try Self.simulated("verify-denials", .latest)
        sim.requests[0].webSocket?.accepted = true
        let m = Comparison.compare(dilab: sim, fastapi: real)
        #expect(m.map(\.place) == ["request 1 WEBSOCKET /items: handshake"])
        #expect(m.first?.fastapi == "refused with 403")
    }

    @Test func aWrongRecipientIsCaughtInTheEvents() throws {
        var real = try Self.recorded("chat-room", "0.165.0")
        let i = try #require(real.requests[0].events.firstIndex(of: "ws.send bob \"alice: hi all\""))
        real.requests[0].events[i] = "ws.send carol \"alice: hi all\""
        let m = Comparison.compare(dilab: try Self.simulated("chat-room", .latest), fastapi: real)
        #expect(m.first?.place == "request 1 WEBSOCKET /chat/alice: first divergence at event \(i + 1)")
    }

    /// Starlette's and uvicorn's own raises (a send to a client that has gone) are not app code: dropped, unless the
    /// endpoint has a raise step of that type.
    @Test func onlyTheEndpointsOwnRaisesAreCompared() throws {
        let sim = try Self.simulated("verify-dead-member", .latest)
        #expect(!sim.requests[0].events.contains { $0.hasPrefix("raise room") })
        let denials = try Self.simulated("verify-denials", .latest)
        #expect(denials.requests[2].events.contains("raise items WebSocketException 4001"))
    }
}
