@testable import DILab
import Testing

/// `response: Response` and `sets:` (issue 14): one temporal Response per request, its headers appended to the
/// response FastAPI builds, its status used when set, and nothing of it on an error or a handler's own Response
/// (observed on FastAPI 0.165.0, 0.120.4, 0.115.14 and 0.105.0: the same on all four).
@Suite struct ResponseParamTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do { _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml")); return [] }
        catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    static func app(provider: String = "{params: {response: Response}, sets: {headers: {X-A: one}}}", route: String = "{params: {d: Depends(dep)}, returns: ok}") -> String {
        """
        scenario: t
        providers:
          dep: \(provider)
        tasks: {audit: {}}
        routes:
          - GET /x: \(route)
        requests: [GET /x]
        """
    }

    @Test func aDependencyHeaderIsAppendedLowerCased() throws {
        let t = try #require(try run(Self.app()).first)
        #expect(t.status == 200)
        #expect(t.headers.map { "\($0.0): \($0.1)" } == ["x-a: one"])
    }

    @Test func aLaterWriteReplacesInPlaceAndCookiesAppend() throws {
        let yaml = """
        scenario: t
        providers:
          first: {params: {response: Response}, sets: {headers: {X-Same: a, X-Other: o}, cookies: {k: v}}}
          second: {params: {response: Response, f: Depends(first)}, sets: {headers: {x-same: b}, cookies: {k: w}, status: 201}}
        routes:
          - GET /x: {params: {s: Depends(second)}, returns: ok}
        requests: [GET /x]
        """
        let t = try #require(try run(yaml).first)
        #expect(t.status == 201)
        #expect(t.headers.map { "\($0.0): \($0.1)" } == ["x-same: b", "x-other: o", "set-cookie: k=v; Path=/; SameSite=lax",
                                                         "set-cookie: k=w; Path=/; SameSite=lax"])
    }

    @Test func anOwnResponseAStreamAndAnErrorDropTheTemporalResponse() throws {
        let own = try #require(try run(Self.app(route: "{params: {d: Depends(dep)}, response_background: audit, returns: ok}")).first)
        #expect(own.headers.isEmpty)
        let stream = try #require(try run(Self.app(route: "{params: {d: Depends(dep)}, stream: [a]}")).first)
        #expect(stream.headers.isEmpty)
        let failed = try #require(try run(Self.app(route: "{params: {d: Depends(dep)}, raises: {status: 418, detail: no}}")).first)
        #expect(failed.status == 418 && failed.headers.isEmpty)
    }

    @Test func aStatusOverridesTheRouteAndARedirect() throws {
        let provider = "{params: {response: Response}, sets: {status: 202}}"
        #expect(try run(Self.app(provider: provider, route: "{status: 201, params: {d: Depends(dep)}, returns: ok}")).first?.status == 202)
        let moved = try #require(try run(Self.app(provider: provider, route: "{response_class: RedirectResponse, params: {d: Depends(dep)}, returns: /b}")).first)
        #expect(moved.status == 202 && moved.headers.map(\.0) == ["location"])
    }

    @Test func setsNeedsAResponseParameter() {
        let d = diagnostics(Self.app(provider: "{sets: {headers: {X-A: one}}}"))
        #expect(d.contains { $0.message.contains("has `sets:` but no Response parameter") && $0.hint?.contains("response: Response") == true })
        let r = diagnostics(Self.app(route: "{sets: {status: 201}, returns: ok}"))
        #expect(r.contains { $0.message.contains("route 'GET /x' has `sets:`") })
    }

    @Test func unsafeNamesAndValuesAreRefusedAtLoad() {
        let bad = [
            "{params: {response: Response}, sets: {headers: {'X A': one}}}",              // not a token
            "{params: {response: Response}, sets: {headers: {X-A: \"a\\nb\"}}}",          // a line break
            "{params: {response: Response, q: str}, sets: {headers: {X-A: \"{{q}}\"}}}",  // a hole read from the request
            "{params: {response: Response}, sets: {headers: {Content-Type: text/plain}}}",
            "{params: {response: Response}, sets: {cookies: {s: \"a b\"}}}",
            "{params: {response: Response}, sets: {status: 204}}",
            "{lru_cache: true, params: {response: Response}}",
        ]
        for p in bad {
            #expect(diagnostics(Self.app(provider: p)).contains { $0.rule == "response-param" }, "\(p)")
        }
        #expect(diagnostics(Self.app(provider: "{params: {response: Response}, sets: {headers: {X-Id: \"r-{{call}}\"}, cookies: {s: \"a:b\"}}}")).isEmpty)
    }

    @Test func expectationsPinHeadersCaseInsensitivelyAndAbsence() throws {
        let s = try ScenarioLoader.load(text: Self.app() + "\nexpect: [{request: GET /x, headers: {X-A: one, X-B: null}}]", file: "inline.yaml")
        let e = try #require(s.expectations.first?.headers)
        #expect(e.count == 2 && e[0].0 == "X-A" && e[0].1 == "one" && e[1].1 == nil)
    }
}
