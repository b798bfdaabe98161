@testable import DILab
import Testing

/// Core rule 2 and p02/p10/p11: the per-request cache, its key, use_cache=False, lru_cache.
@Suite("Per-request cache")
struct CacheTests {
    static let counter = """
    providers:
      V: {returns: "{{call}}"}
      uses_V: {params: {v: Depends(V)}, returns: "{{v}}"}
      X: {returns: "{{call}}"}
      A: {params: {x: "Depends(X, use_cache=False)"}, returns: "A{{x}}"}
    routes:
      - GET /three: {params: {a: Depends(V), b: Depends(uses_V), c: "Annotated[int, Depends(V)]"}, returns: ["{{a}}", "{{b}}", "{{c}}"]}
      - GET /nocache: {params: {a: "Depends(V, use_cache=False)", b: "Depends(V, use_cache=False)"}, returns: ["{{a}}", "{{b}}"]}
      - GET /nocache-first: {params: {a: "Depends(V, use_cache=False)", b: Depends(V)}, returns: ["{{a}}", "{{b}}"]}
      - GET /nocache-second: {params: {a: Depends(V), b: "Depends(V, use_cache=False)", c: Depends(V)}, returns: ["{{a}}", "{{b}}", "{{c}}"]}
      - GET /parent: {params: {a: Depends(A), b: Depends(A)}, returns: ["{{a}}", "{{b}}"]}
    """

    @Test("p02: one call for three uses; recomputed on the next request", arguments: Profile.allCases)
    func threeUses(profile: Profile) throws {
        let t = try run(Self.counter, profile: profile, requests: ["GET /three", "GET /three"])
        #expect(t[0].bodyText == #"[1,1,1]"#)
        #expect(t[1].bodyText == #"[2,2,2]"#)
        #expect(calls(t[0]) == ["V", "uses_V"])
    }

    @Test("p02: use_cache=False never reads the cache but fills an empty slot")
    func useCacheFalse() throws {
        let t = try run(Self.counter, requests: ["GET /nocache", "GET /nocache-first", "GET /nocache-second"])
        #expect(t[0].bodyText == "[1,2]")
        #expect(t[1].bodyText == "[3,3]")
        #expect(t[2].bodyText == "[4,5,4]")
    }

    @Test("p02: a cache hit still re-solves its sub-dependencies")
    func hitResolvesSubs() throws {
        let t = try run(Self.counter, requests: ["GET /parent"])[0]
        #expect(lines(t, kinds: [.call, .cacheHit]) == ["call X", "call A", "call X", "cache.hit A"])
        #expect(t.bodyText == #"["A1","A1"]"#)
    }

    @Test("p02 (0.165 only): explicit scopes are separate cache entries")
    func scopeKeys() throws {
        let yaml = """
        providers:
          V: {returns: "{{call}}"}
          G: {yield: true, returns: "{{call}}"}
        routes:
          - GET /plain: {params: {a: Depends(V), b: "Depends(V, scope='function')", c: "Depends(V, scope='request')"}, returns: ["{{a}}", "{{b}}", "{{c}}"]}
          - GET /gen: {params: {a: Depends(G), b: "Depends(G, scope='request')", c: "Depends(G, scope='function')"}, returns: ["{{a}}", "{{b}}", "{{c}}"]}
        """
        let t = try run(yaml, requests: ["GET /plain", "GET /gen"])
        #expect(t[0].bodyText == "[1,2,3]")
        #expect(t[1].bodyText == "[1,1,2]")
        #expect(milestones(t[1]) == ["setup G", "setup G", "handler", "cleanup G", "SENT 200", "cleanup G"])
    }

    static let scopes = """
    providers:
      get_user: {params: {s: SecurityScopes}, returns: "{{s.scopes}}"}
      helper: {returns: "h{{call}}"}
      parent: {params: {h: Depends(helper)}, returns: "p{{call}}"}
    routes:
      - GET /keys:
          params:
            a: 'Security(get_user, scopes=["a"])'
            b: 'Security(get_user, scopes=["b"])'
            c: Depends(get_user)
            d: 'Security(get_user, scopes=["a"])'
            e: 'Security(get_user, scopes=["b", "a"])'
            f: 'Security(get_user, scopes=["a", "b"])'
          returns: ["{{a}}", "{{b}}", "{{c}}", "{{d}}", "{{e}}", "{{f}}"]
      - GET /sub-dep-not-using-scopes:
          params: {x: 'Security(parent, scopes=["a"])', y: 'Security(parent, scopes=["b"])'}
    """

    @Test("p10: scopes are part of the key; f reuses e's value", arguments: Profile.allCases)
    func securityKeys(profile: Profile) throws {
        let t = try run(Self.scopes, profile: profile, requests: ["GET /keys"])[0]
        #expect(calls(t) == ["get_user", "get_user", "get_user", "get_user"])
        #expect(t.bodyText == #"[["a"],["b"],[],["a"],["b","a"],["b","a"]]"#)
    }

    @Test("p10: a sub-dependency that uses no scopes is shared on 0.165, not before")
    func subDepNotUsingScopes() throws {
        let latest = try run(Self.scopes, profile: .latest, requests: ["GET /sub-dep-not-using-scopes"])[0]
        #expect(calls(latest) == ["helper", "parent", "parent"])
        for old in [Profile.v0_120, .v0_115, .v0_105] {
            let t = try run(Self.scopes, profile: old, requests: ["GET /sub-dep-not-using-scopes"])[0]
            #expect(calls(t) == ["helper", "parent", "helper", "parent"], "profile \(old.rawValue)")
        }
    }

    @Test("p10: nested Security scopes accumulate parent first")
    func nestedScopes() throws {
        let yaml = """
        providers:
          get_user: {params: {s: SecurityScopes}, returns: "{{s.scope_str}}"}
          needs_user: {params: {u: 'Security(get_user, scopes=["inner"])'}, returns: "{{u}}"}
        routes:
          - GET /n: {params: {x: 'Security(needs_user, scopes=["outer"])', y: Depends(needs_user)}, returns: ["{{x}}", "{{y}}"]}
        """
        let t = try run(yaml, requests: ["GET /n"])[0]
        #expect(t.bodyText == #"["outer inner","inner"]"#)
    }

    @Test("p11: lru_cache body runs once per app, FastAPI still calls it each request")
    func lruCache() throws {
        let yaml = """
        providers:
          get_settings: {lru_cache: true, returns: {n: "{{call}}"}}
        routes:
          - GET /config: {params: {s: Depends(get_settings)}, returns: "{{s}}"}
        """
        let t = try run(yaml, requests: ["GET /config", "GET /config"])
        #expect(t[0].bodyText == #"{"n":1}"# && t[1].bodyText == #"{"n":1}"#)
        #expect(lines(t[1], kinds: [.call]) == ["call get_settings lru_cache-hit"])
    }

    @Test("p11: a class is its own key; two instances are two keys")
    func classesAndInstances() throws {
        let yaml = """
        providers:
          CommonParams: {class: true, params: {q: str = "none", skip: int = 0}}
          checker_bar: {instance_of: FixedContentQueryChecker, params: {q: str = ""}, returns: "{{call}}"}
          checker_bar2: {instance_of: FixedContentQueryChecker, params: {q: str = ""}, returns: "{{call}}"}
        routes:
          - GET /c: {params: {a: "CommonParams = Depends()", b: "Annotated[CommonParams, Depends()]", c: Depends(CommonParams)}, returns: ["{{a}}", "{{b}}", "{{c}}"]}
          - GET /i: {params: {a: Depends(checker_bar), b: Depends(checker_bar), c: Depends(checker_bar2)}, returns: ["{{a}}", "{{b}}", "{{c}}"]}
        """
        let t = try run(yaml, requests: ["GET /c?q=foo&skip=2", "GET /i"])
        #expect(calls(t[0]) == ["CommonParams"])
        #expect(t[0].bodyText == #"[{"q":"foo","skip":2},{"q":"foo","skip":2},{"q":"foo","skip":2}]"#)
        #expect(t[1].bodyText == "[1,1,1]")
        #expect(calls(t[1]) == ["checker_bar", "checker_bar2"])
    }
}
