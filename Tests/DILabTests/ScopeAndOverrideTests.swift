@testable import DILab
import Testing

/// Core rule 4 / p04 (DependencyScopeError), p08 (overrides), p15 (cycles), and the scope= TypeError on old profiles.
@Suite("Scope rules, overrides and cycles")
struct ScopeAndOverrideTests {
    static func scoped(_ parent: String, _ child: String) -> String {
        """
        providers:
          func_gen: {yield: true}
          plain: {}
          req_gen_bad: \(parent)
        routes:
          - GET /x: {params: {r: Depends(req_gen_bad)}}
        """.replacingOccurrences(of: "CHILD", with: child)
    }

    @Test("p04 A/D: a request-scoped yield dependency may not use a function-scoped one")
    func scopeError() throws {
        for child in ["func_gen", "plain"] {
            let app = try compile(Self.scoped("{yield: true, params: {f: \"Depends(CHILD, scope='function')\"}}", child))
            #expect(app.appErrors.map(\.message) == [#"DependencyScopeError: The dependency "req_gen_bad" has a scope of "request", it cannot depend on dependencies with scope "function"."#])
            #expect(app.appErrors.first?.location.line == 4)
        }
    }

    @Test("p04 C/E/F: function-scoped parents and plain parents are fine")
    func allowed() throws {
        let plainParent = try compile(Self.scoped("{params: {f: \"Depends(func_gen, scope='function')\"}}", ""))
        #expect(plainParent.appErrors.isEmpty)
        let functionParent = """
        providers:
          func_gen: {yield: true}
          req_gen: {yield: true, params: {f: "Depends(func_gen, scope='function')"}}
        routes:
          - GET /c: {params: {r: "Depends(req_gen, scope='function')"}}
        """
        let app = try compile(functionParent)
        #expect(app.appErrors.isEmpty)
        #expect(milestones(Engine.run(app, requests: [RequestSpec(method: "GET", target: "/c")]).requests[0]) ==
                ["setup func_gen", "setup req_gen", "handler", "cleanup req_gen", "cleanup func_gen", "SENT 200"])
    }

    @Test("p04 G: a bad app-level dependency fails when routes register")
    func appLevel() throws {
        let yaml = """
        app: {dependencies: [req_gen_bad]}
        providers:
          func_gen: {yield: true}
          req_gen_bad: {yield: true, params: {f: "Depends(func_gen, scope='function')"}}
        routes:
          - GET /x: {returns: 1}
        """
        #expect(try compile(yaml).appErrors.count == 1)
    }

    @Test("p04 H: a violation brought in by an override is found at request time: 500")
    func overrideViolation() throws {
        let yaml = """
        providers:
          func_gen: {yield: true}
          original: {}
          bad_override: {yield: true, params: {f: "Depends(func_gen, scope='function')"}}
        dependency_overrides: {original: bad_override}
        routes:
          - GET /x: {params: {o: Depends(original)}, returns: 1}
        """
        let app = try compile(yaml)
        #expect(app.appErrors.isEmpty)
        let t = Engine.run(app).requests
        let result = Engine.run(app, requests: [RequestSpec(method: "GET", target: "/x")]).requests[0]
        #expect(t.isEmpty)
        #expect(result.status == 500)
        #expect(result.events.last?.kind == .serverError && result.events.last?.subject == "DependencyScopeError")
    }

    @Test("scope= under FastAPI ≤0.120 is the TypeError Depends() raises", arguments: [Profile.v0_120, .v0_115, .v0_105])
    func scopeKeyword(profile: Profile) throws {
        let app = try compile("providers: {g: {yield: true}}\nroutes:\n  - GET /x: {params: {g: \"Depends(g, scope='function')\"}}\n", profile: profile)
        #expect(app.appErrors.map(\.message) == ["TypeError: Depends() got an unexpected keyword argument 'scope'"])
        #expect(app.appErrors.first?.location == SourceLocation(file: "inline.yaml", line: 3, column: 38))
    }

    /// Found by `dilab verify` on 0.120.4, 0.115.14 and 0.105.0: Python evaluates the default when the module is
    /// imported, so a `scope=` in a provider no route uses (here an override's replacement) still stops the app.
    @Test("scope= in a provider no route reaches is still the TypeError", arguments: [Profile.v0_120, .v0_115, .v0_105])
    func scopeKeywordInAnUnusedProvider(profile: Profile) throws {
        let yaml = """
        providers:
          f: {yield: true}
          spare: {yield: true, params: {x: "Depends(f, scope='function')"}}
          used: {}
        routes:
          - GET /x: {params: {u: Depends(used)}}
        """
        #expect(try compile(yaml, profile: profile).appErrors.map(\.rule) == ["scope-keyword"])
        #expect(try compile(yaml, profile: .latest).appErrors.isEmpty)
    }

    @Test("p08: overrides resolve their own dependencies, are cached under the original, keep its use_cache")
    func overrides() throws {
        let yaml = """
        providers:
          get_settings: {}
          fake_settings: {returns: fake-settings}
          get_db: {params: {s: Depends(get_settings)}}
          fake_db: {params: {s: Depends(fake_settings), q: str}, returns: "fake-db#{{call}}"}
          repo: {params: {db: Depends(get_db)}, returns: "repo({{db}})"}
        dependency_overrides: {get_db: fake_db}
        routes:
          - GET /x: {params: {r: Depends(repo), a: Depends(get_db), b: Depends(get_db)}, returns: ["{{r}}", "{{a}}", "{{b}}"]}
          - GET /nocache: {params: {a: "Depends(get_db, use_cache=False)", b: "Depends(get_db, use_cache=False)"}, returns: ["{{a}}", "{{b}}"]}
        """
        let t = try run(yaml, requests: ["GET /x?q=hello", "GET /nocache?q=x"])
        #expect(calls(t[0]) == ["fake_settings", "fake_db", "repo"])
        #expect(t[0].bodyText == #"["repo(fake-db#1)","fake-db#1","fake-db#1"]"#)
        #expect(t[1].bodyText == #"["fake-db#2","fake-db#3"]"#)
        let missing = try run(yaml, requests: ["GET /x"])[0]
        #expect(missing.status == 422)
    }

    @Test("p08: clearing the overrides mid-run restores the original at once")
    func clearMidRun() throws {
        let yaml = """
        providers: {get_db: {returns: real}, fake_db: {returns: fake}}
        dependency_overrides: {get_db: fake_db}
        routes:
          - GET /x: {params: {db: Depends(get_db)}, returns: "{{db}}"}
        requests: [GET /x, {request: GET /x, dependency_overrides: {}}, GET /x]
        """
        #expect(Engine.run(try compile(yaml)).requests.map(\.bodyText) == [#""fake""#, #""real""#, #""real""#])
    }

    @Test("p15: a cycle is reported with its full path and FastAPI's RecursionError")
    func cycle() throws {
        let yaml = "providers:\n  a: {params: {b: Depends(b)}}\n  b: {params: {a: Depends(a)}}\nroutes:\n  - GET /x: {params: {a: Depends(a)}}\n"
        let app = try compile(yaml)
        #expect(app.appErrors.count == 1)
        #expect(app.appErrors[0].message.contains("a → b → a"))
        #expect(app.appErrors[0].message.contains("RecursionError: maximum recursion depth exceeded"))
        #expect(Engine.run(app).requests.isEmpty)
    }
}
