@testable import DILab
import Testing

/// An http middleware's `except:` around `call_next` (issue 14): what reaches it and when, as observed on
/// FastAPI 0.165.0, 0.120.4, 0.115.14 and 0.105.0 (docs/beyond-the-spec.md).
@Suite struct MiddlewareCatchTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do { _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml")); return [] }
        catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    static func app(_ route: String, catches: String = "ValueError", extra: String = "") -> String {
        """
        scenario: t
        middleware:
          - http: guard
            except:
              - {catch: \(catches), respond: {status: 503, body: {detail: "{{exc.type}}"}}}
        providers:
          get_db: {yield: true, async: true, returns: s\(extra)}
        tasks: {audit: {async: true}}
        routes:
          - GET /x: \(route)
        requests: [GET /x]
        """
    }

    @Test func anExceptionNoHandlerTookIsCaughtAfterTheCleanupBelow() throws {
        let t = try #require(try run(Self.app("{params: {db: Depends(get_db), bt: BackgroundTasks}, adds_tasks: [audit], raises: {exception: ValueError, message: v}}")).first)
        #expect(t.status == 503)
        #expect(t.body == .object([("detail", .string("ValueError"))]))
        let l = lines(t)
        #expect(l.firstIndex(of: "exit get_db")! < l.firstIndex(of: "catch guard ValueError → 503")!)
        #expect(!l.contains("task.start audit"))
    }

    @Test func anHTTPExceptionIsAResponseBeforeItGetsThere() throws {
        let t = try #require(try run(Self.app("{raises: {status: 418, detail: t}}", catches: "Exception")).first)
        #expect(t.status == 418)
        #expect(lines(t).contains("middleware.response guard 418"))
    }

    @Test func aCleanupFailureAfterTheResponseGoesToTheServerExceptOn0115() throws {
        let yaml = Self.app("{params: {db: Depends(get_db)}, returns: ok}", catches: "RuntimeError",
                            extra: ", cleanup: {raises: {exception: RuntimeError, message: c}}")
        let latest = try #require(try run(yaml).first)
        #expect(latest.status == 200)
        #expect(lines(latest).contains("server.error RuntimeError"))
        let early = try #require(try run(yaml, profile: .v0_115).first)
        #expect(early.status == 503)
    }

    @Test func anUnnamedExceptionStillReachesServerErrorMiddleware() throws {
        let t = try #require(try run(Self.app("{raises: {exception: TypeError, message: t}}")).first)
        #expect(t.status == 500 && t.bodyText == "Internal Server Error")
    }

    @Test func catchingHTTPExceptionIsRefusedByName() {
        let d = diagnostics(Self.app("{returns: ok}", catches: "HTTPException"))
        #expect(d.contains { $0.rule == "middleware" && $0.message.contains("never reaches") })
    }

    @Test func anAsgiMiddlewareExceptIsRefused() {
        let d = diagnostics("""
        scenario: t
        middleware:
          - asgi: P
            except: [{catch: ValueError, respond: {status: 503}}]
        routes:
          - GET /x: {returns: ok}
        requests: [GET /x]
        """)
        #expect(d.contains { $0.rule == "middleware" && $0.message.contains("pure ASGI") })
    }

    /// Two http layers around a pure ASGI one (`B(P(A(app)))`): on 0.106–0.120 the last body message is relayed
    /// through both and reaches the server when `A` returns, before P's code after `await self.app(...)`; on 0.165
    /// at once; on 0.105 `B` holds it until P has returned (observed on all four profiles).
    @Test(arguments: [Profile.latest, .v0_120, .v0_115, .v0_105])
    func aPlainResponseIsSentBeforeAnASGILayerBetweenTwoHTTPLayersExits(profile: Profile) throws {
        let yaml = """
        scenario: t
        middleware:
          - http: inner
          - asgi: Timing
          - http: outer
        routes:
          - GET /ok: {returns: fine}
        requests: [GET /ok]
        """
        let l = lines(try #require(try run(yaml, profile: profile).first))
        let sent = try #require(l.firstIndex(of: "sent 200")), exit = try #require(l.firstIndex(of: "middleware.exit Timing"))
        if profile == .v0_105 { #expect(exit < sent) } else { #expect(sent < exit) }
    }
}
