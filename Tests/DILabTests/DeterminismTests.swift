@testable import DILab
import Foundation
import Testing

@Suite("Determinism and renderers")
struct DeterminismTests {
    static let yaml = ExceptionTests.app() + "\nrequests: [GET /teapot, GET /after, GET /convert]\n"

    @Test("the same scenario gives the same trace, byte for byte")
    func sameTwice() throws {
        let a = Engine.run(try compile(Self.yaml)), b = Engine.run(try compile(Self.yaml))
        #expect(TextRenderer().render(a) == TextRenderer().render(b))
        #expect(JSONRenderer.render(a) == JSONRenderer.render(b))
    }

    @Test("the JSON form parses and has the documented top-level keys")
    func json() throws {
        let text = JSONRenderer.render(Engine.run(try compile(Self.yaml)))
        let parsed = try #require(Value.parse(json: text))
        guard case .object(let pairs) = parsed else { Issue.record("not an object"); return }
        #expect(pairs.map(\.0) == ["format", "scenario", "profile", "fastapi", "app_errors", "startup", "requests", "shutdown"])
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test("the text form marks when the client has its answer, and colour is off unless asked")
    func text() throws {
        let out = TextRenderer().render(Engine.run(try compile(Self.yaml)))
        #expect(out.contains("← the client has its answer here"))
        #expect(!out.contains("\u{1B}["))
        #expect(TextRenderer(style: Style(enabled: true)).render(Engine.run(try compile(Self.yaml))).contains("\u{1B}["))
    }

    @Test("lifespan runs around requests; router lifespans are ignored on 0.105")
    func lifespan() throws {
        let yaml = """
        app: {lifespan: {startup: [{step: open pool, sets: {pool: pool-1}}], shutdown: [close pool]}}
        routers: {r: {lifespan: {startup: [router startup], shutdown: [router shutdown]}}}
        routes:
          - GET /x: {router: r, params: {}, returns: "{{state.pool}}"}
        requests: [GET /x]
        """
        let latest = Engine.run(try compile(yaml))
        #expect(latest.startup.map(\.subject) == ["open pool", "router startup"])
        #expect(latest.shutdown.map(\.subject) == ["router shutdown", "close pool"])
        #expect(latest.requests[0].bodyText == #""pool-1""#)
        #expect(Engine.run(try compile(yaml, profile: .v0_105)).startup.map(\.subject) == ["open pool"])
    }
}
