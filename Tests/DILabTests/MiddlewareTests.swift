@testable import DILab
import Testing

/// `middleware:` and `request.state` (issue 14): the order of the layers, where their code runs relative to the
/// response, background tasks and cleanup on each profile, and the loader's refusals (observed on FastAPI 0.165.0,
/// 0.120.4, 0.115.14 and 0.105.0; docs/beyond-the-spec.md, "Middleware").
@Suite struct MiddlewareTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do { _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml")); return [] }
        catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    static func app(_ middleware: String, route: String = "{params: {db: Depends(get_db), bt: BackgroundTasks}, adds_tasks: [audit], returns: ok}") -> String {
        """
        scenario: t
        middleware:
        \(middleware)
        providers:
          get_db: {yield: true, async: true, returns: s}
        tasks: {audit: {async: true}}
        routes:
          - GET /x: \(route)
        requests: [GET /x]
        """
    }

    func compact(_ t: RequestTrace) -> [String] { t.events.filter { $0.kind != .request }.map(\.compact) }

    @Test func theLastAddedIsOutermostAndAfterPartsRunBeforeTheResponse() throws {
        let yaml = Self.app("  - http: inner\n    after: {headers: {X-L: inner}}\n  - http: outer\n    after: {headers: {X-L: outer}}")
        let t = try #require(try run(yaml).first)
        #expect(compact(t) == ["middleware.enter outer", "middleware.enter inner", "enter get_db", "handler get_x", "task.add audit",
                               "middleware.response inner 200", "middleware.exit inner 200", "middleware.response outer 200",
                               "middleware.exit outer 200", "response 200", "sent 200", "task.start audit", "task.end audit", "exit get_db"])
        #expect(t.headers.map { "\($0.0): \($0.1)" } == ["x-l: outer"])
    }

    @Test func onePointOhFiveHoldsTheLastBodyMessageUntilTheAppBelowHasFinished() throws {
        let t = try #require(try run(Self.app("  - http: mw"), profile: .v0_105).first)
        let events = compact(t)
        #expect(events.suffix(4) == ["task.start audit", "task.end audit", "exit get_db", "sent 200"])
    }

    @Test func anAsgiLayerReturnsAfterTasksAndCleanup() throws {
        let t = try #require(try run(Self.app("  - asgi: Stamp\n    headers: {X-S: s}")).first)
        #expect(compact(t).first == "middleware.enter Stamp")
        #expect(compact(t).last == "middleware.exit Stamp")
        #expect(t.headers.map { "\($0.0): \($0.1)" } == ["x-s: s"])
    }

    @Test func anEarlyResponseSkipsEverythingBelow() throws {
        let yaml = Self.app("  - http: gate\n    before: {respond: {status: 401, body: {detail: no}}}")
        let t = try #require(try run(yaml).first)
        #expect(t.status == 401)
        #expect(compact(t) == ["middleware.enter gate", "middleware.exit gate 401", "response 401", "sent 401"])
    }

    @Test func aMiddlewareHTTPExceptionIsAPlain500() throws {
        let t = try #require(try run(Self.app("  - http: mw\n    before: {raises: {status: 403, detail: no}}")).first)
        #expect(t.status == 500 && t.bodyText == "Internal Server Error")
    }

    @Test func stateIsSharedAndAnUnsetAttributeIsAnAttributeError() throws {
        let set = Self.app("  - http: mw\n    before: {request_state: {user: alice}}", route: "{params: {request: Request}, returns: \"{{request.state.user}}\"}")
        #expect(try run(set).first?.body == .string("alice"))
        let unset = Self.app("  - http: mw", route: "{params: {request: Request}, returns: \"{{request.state.user}}\"}")
        let t = try #require(try run(unset).first)
        #expect(t.status == 500)
        #expect(t.events.contains { $0.kind == .serverError && $0.detail.contains("'State' object has no attribute 'user'") })
    }

    @Test func badDeclarationsAreLocatedErrors() {
        let cases: [(String, String)] = [
            ("  - {http: a, asgi: B}", "either `http:` or `asgi:`"),
            ("  - {before: {duration: 1ms}}", "needs `http: function_name`"),
            ("  - http: 1bad", "middleware function"),
            ("  - asgi: A\n    before: {respond: {status: 401}}", "ASGI middleware that answers itself"),
            ("  - http: a\n    headers: {X-A: b}", "belongs under `after:`"),
            ("  - http: a\n    after: {raises: ValueError}", "unknown key 'raises'"),
            ("  - http: a\n    after: {headers: {X-A: \"{{request.headers.host}}\"}}", "could hold text no header may carry"),
            ("  - http: a\n    before: {raises: {exception: MyError}}", "only Python's built-in exceptions"),
            ("  - http: a\n    before: {request_state: {user: \"{{call}}\"}}", "reads 'call'"),
            ("  - http: a\n    before: {request_state: {_secret: x}}", "starts with '_'"),
            ("  - http: a\n    before: {raises: {exception: ValueError, when: \"request.path_params.id == 1\"}}", "reads request.path_params"),
        ]
        for (middleware, expected) in cases {
            let found = diagnostics(Self.app(middleware))
            #expect(found.contains { $0.message.contains(expected) && $0.location.line > 0 }, "\(middleware) → \(found.map(\.message))")
        }
    }

    @Test func requestStateNeedsARequestParameterAndStreamsAreRefused() {
        let yaml = """
        scenario: t
        middleware: [{http: mw}]
        providers:
          dep: {request_state: {user: x}}
        routes:
          - GET /x: {params: {d: Depends(dep)}, returns: ok}
          - GET /s: {stream: {chunks: [a]}}
        requests: [GET /x]
        """
        let messages = diagnostics(yaml).map(\.message)
        #expect(messages.contains { $0.contains("has `request_state:` but no Request parameter") })
        let typo = Self.app("  - http: mw", route: "{params: {request: Request}, request_state: {u: \"{{usr}}\"}, returns: ok}")
        #expect(diagnostics(typo).contains { $0.message.contains("`request_state` of GET /x reads 'usr'") })
        #expect(messages.contains { $0.contains("StreamingResponse under middleware is not modelled") })
    }
}
