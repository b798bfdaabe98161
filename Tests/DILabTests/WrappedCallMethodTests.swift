@testable import DILab
import Testing

/// `wrapped_by: {decorates: __call__}`: `@noop_wrap def __call__` on a callable instance (tests/test_dependency_wrapped.py).
/// FastAPI classifies the decorated method as it does a wrapped instance: by `inspect.unwrap` on 0.165, by the
/// sync wrapper alone on 0.105–0.120 (observed on all four profiles).
@Suite("Decorated __call__ methods")
struct WrappedCallMethodTests {
    static func app(async: Bool, yield: Bool, wrapper: String = "{decorator: noop_wrap, decorates: __call__}") -> String {
        """
        providers:
          sub: {returns: S}
          dep:
            instance_of: Checker
            async: \(async)
            yield: \(yield)
            wrapped_by: \(wrapper)
            params: {q: int = 1, s: Depends(sub)}
            raises: {status: 401, detail: no, when: "q == 2"}
            returns: "v{{q}}"
        routes:
          - GET /r: {handler: h, dependencies: [dep], returns: ok}
        """
    }

    @Test("the reader keeps where the decorator is")
    func reads() throws {
        let s = try ScenarioLoader.load(text: Self.app(async: false, yield: false), file: "inline.yaml")
        #expect(s.provider(named: "dep")?.wrappedBy?.decoratesCall == true)
        let around = try ScenarioLoader.load(text: Self.app(async: false, yield: false, wrapper: "noop_wrap"), file: "inline.yaml")
        #expect(around.provider(named: "dep")?.wrappedBy?.decoratesCall == false)
    }

    @Test("0.165 unwraps the method: its async body is awaited, its raise the client's 401")
    func latestUnwraps() throws {
        for (async, yield) in [(false, false), (true, false), (false, true), (true, true)] {
            let t = try run(Self.app(async: async, yield: yield), profile: .latest, requests: ["GET /r?q=2"])[0]
            #expect(t.status == 401)
            #expect(lines(t, kinds: [.violation]).isEmpty)
        }
    }

    @Test("0.105–0.120: an async or generator __call__ behind the sync wrapper never runs", arguments: [Profile.v0_120, .v0_115, .v0_105])
    func olderPassThrough(profile: Profile) throws {
        for (async, yield, type) in [(true, false, "coroutine"), (false, true, "generator"), (true, true, "async_generator")] {
            let t = try run(Self.app(async: async, yield: yield), profile: profile, requests: ["GET /r?q=2"])[0]
            #expect(t.status == 200)
            #expect(lines(t, kinds: [.call, .enter, .exit]) == ["call sub"], "the sub-dependency is still solved")
            #expect(lines(t, kinds: [.violation]) == ["violation dep wrapped-\(type)"])
            #expect(t.events.contains { $0.kind == .violation && $0.detail.contains("the __call__ method") })
        }
    }

    @Test("a sync __call__ is the same on every profile", arguments: Profile.allCases)
    func syncEverywhere(profile: Profile) throws {
        let t = try run(Self.app(async: false, yield: false), profile: profile, requests: ["GET /r?q=2", "GET /r?q=x"])
        #expect(t[0].status == 401)
        #expect(t[1].status == 422, "the method's parameters are read through __wrapped__")
    }

    @Test("a class without wraps: TypeError from its __init__, on every profile", arguments: Profile.allCases)
    func classWithoutWraps(profile: Profile) throws {
        let yaml = "providers:\n  Audit: {class: true, wrapped_by: {decorator: bare, keeps_wrapped: false}}\n"
            + "routes:\n  - GET /c: {handler: h, dependencies: [Audit], returns: ok}\n"
        let t = try run(yaml, profile: profile, requests: ["GET /c?args=1&kwargs=2"])[0]
        #expect(t.status == 500)
        #expect(t.events.contains { $0.kind == .raise && $0.detail.contains("Audit.__init__() got an unexpected keyword argument 'args'") })
    }

    @Test("`decorates:` is refused on what has no __call__ of its own, and for other values")
    func refusals() {
        let base = "routes:\n  - GET /r: {handler: h, dependencies: [dep], returns: ok}\n"
        #expect(WrappedDependencyTests.refusal("providers:\n  dep: {wrapped_by: {decorator: d, decorates: __call__}}\n" + base)
            .contains("only a callable instance"))
        #expect(WrappedDependencyTests.refusal("providers:\n  dep: {class: true, wrapped_by: {decorator: d, decorates: __call__}}\n" + base)
            .contains("only a callable instance"))
        #expect(WrappedDependencyTests.refusal("providers:\n  dep: {instance_of: C, wrapped_by: {decorator: d, decorates: __init__}}\n" + base)
            .contains("`decorates: __init__` is not modelled"))
        #expect(WrappedDependencyTests.refusal("providers:\n  dep: {instance_of: C, wrapped_by: {decorator: d, decorates: __call__, keeps_wrapped: false}}\n" + base) == "",
                "a method decorated without functools.wraps is the instance-without-wraps case (observed)")
    }

    @Test("a __call__ decorated without functools.wraps: args and kwargs, then TypeError from the method, whatever its kind",
          arguments: Profile.allCases)
    func methodWithoutWraps(profile: Profile) throws {
        for (async, yield) in [(false, false), (true, false), (false, true)] {
            let yaml = """
            providers:
              dep: {instance_of: C, async: \(async), yield: \(yield), wrapped_by: {decorator: d, decorates: __call__, keeps_wrapped: false}, returns: v}
            routes:
              - GET /r: {handler: h, dependencies: [dep], returns: ok}
            """
            let t = try run(yaml, profile: profile, requests: ["GET /r", "GET /r?args=1&kwargs=2"])
            #expect(t[0].status == 422)
            #expect(t[1].status == 500)
            #expect(calls(t[1]).isEmpty)
            #expect(t[1].events.first { $0.kind == .raise }?.detail.contains("C.__call__() got an unexpected keyword argument 'args'") == true)
        }
    }
}
