@testable import DILab
import Testing

/// `context_vars:` (issue 14): which callables see a value set where, as asyncio and AnyIO scope contexts
/// (observed on FastAPI 0.165.0, 0.120.4, 0.115.14 and 0.105.0; docs/beyond-the-spec.md, "Context variables,
/// modelled"), and the loader's refusals.
@Suite struct ContextVarTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do { _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml")); return [] }
        catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    static func app(setterAsync: Bool, handlerAsync: Bool, extra: String = "") -> String {
        """
        scenario: t
        context_vars: {rid: {name: request_id}}
        providers:
          setter: {async: \(setterAsync), sets_context: {rid: "r-{{@request}}"}}
        \(extra)
        routes:
          - GET /x: {async: \(handlerAsync), params: {_s: Depends(setter)}, returns: "{{rid.get()}}"}
        requests: [GET /x]
        """
    }

    @Test func anAsyncSetterReachesSyncAndAsyncHandlers() throws {
        for handlerAsync in [true, false] {
            let t = try #require(try run(Self.app(setterAsync: true, handlerAsync: handlerAsync)).first)
            #expect(t.status == 200)
            #expect(t.body == .string("r-1"))
        }
    }

    @Test func aSyncSetterIsLostAndGetRaisesLookupError() throws {
        for profile in [Profile.latest, .v0_120, .v0_115, .v0_105] {
            let t = try #require(try run(Self.app(setterAsync: false, handlerAsync: true), profile: profile).first)
            #expect(t.status == 500)
            #expect(lines(t).contains("raise get_x LookupError"))
            #expect(lines(t).contains("server.error LookupError"))
        }
    }

    @Test func aSyncCallableSeesItsOwnSetAndADefaultAnswersWhenUnset() throws {
        let yaml = """
        scenario: t
        context_vars: {v: {default: dflt}}
        providers:
          own: {sets_context: {v: mine}, returns: "{{v.get()}}"}
        routes:
          - GET /x: {params: {o: Depends(own)}, returns: ["{{o}}", "{{v.get()}}", "{{v.get('given')}}"]}
        requests: [GET /x]
        """
        let t = try #require(try run(yaml).first)
        #expect(t.body == .array([.string("mine"), .string("dflt"), .string("given")]))
    }

    @Test func backgroundTasksSeeTheLastAsyncSetEvenAfterAddTask() throws {
        let yaml = """
        scenario: t
        context_vars: {rid: {}}
        tasks:
          log: {raises: {exception: RuntimeError, message: none, when: "rid.get(None) is None"}}
        routes:
          - GET /a: {params: {bt: BackgroundTasks}, adds_tasks: [log], sets_context: {rid: x}, returns: ok}
          - GET /s: {async: false, params: {bt: BackgroundTasks}, adds_tasks: [log], sets_context: {rid: x}, returns: ok}
        requests: [GET /a, GET /s]
        """
        let traces = try run(yaml)
        #expect(lines(traces[0]).contains("task.end log"))
        #expect(lines(traces[1]).contains("task.fail log RuntimeError"))
    }

    @Test func callNextRunsTheAppInACopySoTheMiddlewareKeepsItsOwnValue() throws {
        let yaml = """
        scenario: t
        context_vars: {rid: {}}
        middleware:
          - http: mw
            before: {sets_context: {rid: mw}}
            after: {headers: {X-Rid: "{{rid.get('none')}}"}}
        providers:
          seen: {async: true, returns: "{{rid.get()}}"}
          change: {async: true, params: {s: Depends(seen)}, sets_context: {rid: app}}
        routes:
          - GET /x: {params: {s: Depends(seen), c: Depends(change)}, returns: ["{{s}}", "{{rid.get()}}"]}
        requests: [GET /x]
        """
        let t = try #require(try run(yaml).first)
        #expect(t.body == .array([.string("mw"), .string("app")]))
        #expect(t.headers.map { "\($0.0): \($0.1)" } == ["x-rid: mw"])
    }

    @Test func aPureAsgiLayerSharesTheAppsTask() throws {
        let yaml = """
        scenario: t
        context_vars: {rid: {}}
        middleware:
          - asgi: P
            headers: {X-Rid: "{{rid.get('none')}}"}
        providers:
          change: {async: true, sets_context: {rid: app}}
        routes:
          - GET /x: {params: {c: Depends(change)}, returns: ok}
        requests: [GET /x]
        """
        let t = try #require(try run(yaml).first)
        #expect(t.headers.map { "\($0.0): \($0.1)" } == ["x-rid: app"])
    }

    @Test func aSyncGeneratorsCleanupDoesNotSeeItsOwnSetup() throws {
        let yaml = """
        scenario: t
        context_vars: {span: {}}
        providers:
          g: {yield: true, sets_context: {span: s}, cleanup: {raises: {exception: RuntimeError, message: gone, when: "span.get(None) is None"}}}
        routes:
          - GET /x: {params: {x: Depends(g)}, returns: ok}
        requests: [GET /x]
        """
        let t = try #require(try run(yaml).first)
        #expect(lines(t).contains("server.error RuntimeError"))
    }

    @Test func anUndeclaredVariableIsRefusedWithADidYouMean() {
        let d = diagnostics("""
        scenario: t
        context_vars: {request_id_var: {}}
        routes:
          - GET /x: {returns: "{{request_id_vr.get('-')}}"}
        requests: [GET /x]
        """)
        #expect(d.contains { $0.rule == "context-var" && $0.message.contains("request_id_vr") && ($0.hint ?? "").contains("request_id_var") })
    }

    @Test func aSetWithoutADeclarationIsRefused() {
        let d = diagnostics("""
        scenario: t
        routes:
          - GET /x: {sets_context: {rid: x}, returns: ok}
        requests: [GET /x]
        """)
        #expect(d.contains { $0.rule == "context-var" && $0.message.contains("'rid'") })
    }

    @Test func setsAfterCallNextAndReadsInStreamsAreRefused() {
        let after = diagnostics("""
        scenario: t
        context_vars: {rid: {}}
        middleware:
          - http: mw
            after: {sets_context: {rid: x}}
        routes:
          - GET /x: {returns: ok}
        requests: [GET /x]
        """)
        #expect(after.contains { $0.message.contains("sets_context") })
        let stream = diagnostics("""
        scenario: t
        context_vars: {rid: {}}
        routes:
          - GET /x: {stream: {chunks: ["{{rid.get('-')}}"]}}
        requests: [GET /x]
        """)
        #expect(stream.contains { $0.rule == "context-var" && $0.message.contains("stream") })
    }

    @Test func aParameterMayNotShadowTheVariable() {
        let d = diagnostics("""
        scenario: t
        context_vars: {rid: {}}
        routes:
          - GET /x: {params: {rid: str = ""}, returns: ok}
        requests: [GET /x]
        """)
        #expect(d.contains { $0.rule == "name" && $0.message.contains("rid") })
    }

    @Test func aHeaderFromAVariableSetFromTheRequestIsRefused() {
        let d = diagnostics("""
        scenario: t
        context_vars: {rid: {}}
        middleware:
          - http: mw
            after: {headers: {X-Rid: "{{rid.get('-')}}"}}
        providers:
          setter: {async: true, params: {x_id: str = Header()}, sets_context: {rid: "{{x_id}}"}}
        routes:
          - GET /x: {params: {s: Depends(setter)}, returns: ok}
        requests: [GET /x]
        """)
        #expect(d.contains { $0.message.contains("could hold text no header may carry") })
    }
}
