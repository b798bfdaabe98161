@testable import DILab
import Testing

/// Core rule 1 and p01/p09: depth-first, post-order, left to right; dependency-list levels first.
@Suite("Resolution order")
struct ResolutionTests {
    static let p01 = """
    routes:
      - GET /items/{item_id}:
          params: {a: Depends(A), b: Depends(B)}
          returns: ok
      - GET /mixed/{item_id}:
          params: {x: int, b: Depends(B), y: str = "y", g: Depends(G), a: Depends(A)}
          returns: ok
    providers:
      F: {}
      C: {params: {f: Depends(F)}}
      D: {async: true}
      E: {params: {item_id: int, q: str = "dflt"}, returns: "{{item_id}}-{{q}}"}
      A: {params: {c: Depends(C), d: Depends(D), e: Depends(E)}}
      B: {params: {c: Depends(C)}}
      G: {}
    """

    @Test("p01: sub-dependencies first, siblings left to right, C cached for B", arguments: Profile.allCases)
    func p01(profile: Profile) throws {
        let traces = try run(Self.p01, profile: profile, requests: ["GET /items/7?q=hello", "GET /mixed/7?x=1"])
        #expect(calls(traces[0]) == ["F", "C", "D", "E", "A", "B"])
        #expect(traces[0].events.contains { $0.kind == .cacheHit && $0.subject == "C" })
        #expect(calls(traces[1]) == ["F", "C", "B", "G", "D", "E", "A"])
        #expect(traces[0].events.first { $0.subject == "E" && $0.kind == .call }?.data["value"] == "\"7-hello\"")
        #expect(traces[1].events.first { $0.subject == "E" && $0.kind == .call }?.data["value"] == "\"7-dflt\"")
    }

    @Test("p01: sync dependencies run in the threadpool, async ones on the loop")
    func threads() throws {
        let t = try run(Self.p01, requests: ["GET /items/7"])[0]
        #expect(t.events.first { $0.subject == "D" }?.thread == .loop)
        #expect(t.events.first { $0.subject == "F" }?.thread == .threadpool)
    }

    @Test("p09: app, include, router, decorator, then parameters; one cache for all levels")
    func levels() throws {
        let yaml = """
        app: {dependencies: [app_dep, app_gen]}
        routers:
          outer: {prefix: /o, dependencies: [outer_router_dep], include: {in: app, dependencies: [outer_include_dep]}}
          inner: {prefix: /i, dependencies: [router_dep], include: {in: outer, dependencies: [include_dep]}}
        providers:
          app_dep: {}
          app_gen: {yield: true}
          outer_include_dep: {}
          outer_router_dep: {}
          include_dep: {}
          router_dep: {}
          deco_dep: {}
          deco_gen: {yield: true}
          deco_dep2: {}
          param_dep: {}
        routes:
          - GET /x:
              router: inner
              dependencies: [deco_dep, deco_gen, deco_dep2]
              params: {p: Depends(param_dep)}
          - GET /cached:
              dependencies: [param_dep]
              params: {p: Depends(param_dep), a: Depends(app_dep)}
        requests: [GET /o/i/x, GET /cached]
        """
        let traces = try run(yaml)
        #expect(milestones(traces[0]).prefix(2) == ["setup app_gen", "setup deco_gen"])
        #expect(calls(traces[0]) == ["app_dep", "app_gen", "outer_include_dep", "outer_router_dep", "include_dep", "router_dep",
                                     "deco_dep", "deco_gen", "deco_dep2", "param_dep"])
        #expect(milestones(traces[0]).suffix(3) == ["SENT 200", "cleanup deco_gen", "cleanup app_gen"])
        #expect(calls(traces[1]) == ["app_dep", "app_gen", "param_dep"])
        #expect(traces[1].status == 200)
    }

    @Test("a missing or extra trailing slash is a 307 redirect (observed on 0.165)")
    func redirectSlashes() throws {
        let yaml = "routes:\n  - POST /register/: {returns: ok}\n  - GET /items: {returns: ok}\n"
        let t = try run(yaml, requests: ["POST /register", "GET /items/?q=1"])
        #expect(t.map(\.status) == [307, 307])
        #expect(t[0].headers.first { $0.0 == "location" }?.1 == "http://testserver/register/")
        #expect(t[1].headers.first { $0.0 == "location" }?.1 == "http://testserver/items?q=1")
        #expect(t[0].bodyText.isEmpty)
    }

    @Test("404 and 405 run no dependency")
    func routing() throws {
        let yaml = "app: {dependencies: [d]}\nproviders: {d: {}}\nroutes:\n  - GET /x: {returns: 1}\n"
        let t = try run(yaml, requests: ["GET /nope", "POST /x"])
        #expect(t[0].status == 404 && t[0].bodyText == #"{"detail":"Not Found"}"#)
        #expect(t[1].status == 405 && t[1].bodyText == #"{"detail":"Method Not Allowed"}"#)
        #expect(t[1].headers.contains { $0.0 == "allow" && $0.1 == "GET" })
        #expect(calls(t[0]).isEmpty && calls(t[1]).isEmpty)
    }
}
