@testable import DILab
import Testing

/// `wrapped_by:`: a dependency behind a sync `@functools.wraps` decorator (tests/test_dependency_wrapped.py).
/// 0.165 classifies it by `inspect.unwrap(call)` too; 0.105–0.120 by the wrapper alone.
@Suite("Decorated (wrapped) dependencies")
struct WrappedDependencyTests {
    static func app(async: Bool, yield: Bool) -> String {
        """
        providers:
          sub: {returns: S}
          dep:
            async: \(async)
            yield: \(yield)
            wrapped_by: {decorator: log_calls}
            params: {q: int = 1, s: Depends(sub)}
            raises: {status: 401, detail: no, when: "q == 2"}
            returns: "v{{q}}"
        routes:
          - GET /r: {handler: h, dependencies: [dep], returns: ok}
        """
    }

    static func refusal(_ yaml: String) -> String {
        do {
            _ = try ScenarioLoader.load(text: yaml, file: "inline.yaml")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("0.165 unwraps: awaited, entered, run where the wrapped function's kind says",
          arguments: [(false, false, "call dep", TraceEvent.Thread.threadpool), (true, false, "call dep", .loop),
                      (false, true, "enter dep", .threadpool), (true, true, "enter dep", .loop)])
    func latestUnwraps(async: Bool, yield: Bool, first: String, thread: TraceEvent.Thread) throws {
        let t = try run(Self.app(async: async, yield: yield), profile: .latest, requests: ["GET /r"])[0]
        #expect(lines(t, kinds: [.call, .enter]) == ["call sub", first])
        #expect(t.events.first { $0.subject == "dep" && ($0.kind == .call || $0.kind == .enter) }?.thread == thread)
        #expect(lines(t, kinds: [.exit]) == (yield ? ["exit dep"] : []))
        let denied = try run(Self.app(async: async, yield: yield), profile: .latest, requests: ["GET /r?q=2"])[0]
        #expect(denied.status == 401)
    }

    @Test("0.105–0.120: an async or generator body behind a sync wrapper never runs; its raise never happens",
          arguments: [Profile.v0_120, .v0_115, .v0_105])
    func olderPassThrough(profile: Profile) throws {
        for (async, yield, type) in [(true, false, "coroutine"), (false, true, "generator"), (true, true, "async_generator")] {
            let t = try run(Self.app(async: async, yield: yield), profile: profile, requests: ["GET /r?q=2"])[0]
            #expect(t.status == 200)
            #expect(lines(t, kinds: [.call, .enter, .exit]) == ["call sub"], "the sub-dependency is still solved")
            #expect(lines(t, kinds: [.violation]) == ["violation dep wrapped-\(type)"])
        }
    }

    @Test("a sync function behind a sync wrapper is the same on every profile", arguments: Profile.allCases)
    func syncEverywhere(profile: Profile) throws {
        let t = try run(Self.app(async: false, yield: false), profile: profile, requests: ["GET /r?q=2", "GET /r?q=x"])
        #expect(t[0].status == 401)
        #expect(t[1].status == 422, "the wrapped function's parameters are read through __wrapped__")
    }

    @Test("an async wrapper (noop_wrap_async) is awaited on every profile; a sync function inside runs in the threadpool",
          arguments: Profile.allCases)
    func asyncWrapper(profile: Profile) throws {
        for async in [false, true] {
            let yaml = """
            providers:
              dep: {async: \(async), wrapped_by: {decorator: d, async: true}, params: {q: int = 1}, returns: "v{{q}}"}
            routes:
              - GET /r: {handler: h, params: {v: Depends(dep)}, returns: "{{v}}"}
            """
            let t = try run(yaml, profile: profile, requests: ["GET /r?q=4"])[0]
            #expect(t.bodyText == #""v4""#)
            #expect(t.events.first { $0.kind == .call }?.thread == (async ? .loop : .threadpool))
        }
    }

    @Test("without @functools.wraps: args and kwargs are required query parameters, then a TypeError", arguments: Profile.allCases)
    func noWraps(profile: Profile) throws {
        let yaml = """
        providers:
          dep: {async: true, wrapped_by: {decorator: d, keeps_wrapped: false}, returns: v}
        routes:
          - GET /r: {handler: h, dependencies: [dep], returns: ok}
        """
        let t = try run(yaml, profile: profile, requests: ["GET /r", "GET /r?args=1&kwargs=2"])
        #expect(t[0].status == 422)
        #expect(t[1].status == 500)
        #expect(calls(t[1]).isEmpty)
    }

    @Test("classification table")
    func table() {
        var p = Provider(name: "f", isAsync: true)
        #expect(WrappedCallable.classify(p, on: .v0_120) == .asWritten, "not wrapped")
        p.wrappedBy = WrappedBy(decorator: "deco")
        #expect(WrappedCallable.classify(p, on: .latest) == .asWritten)
        #expect(WrappedCallable.classify(p, on: .v0_105) == .passedThrough("coroutine"))
        p.isAsync = false
        #expect(WrappedCallable.classify(p, on: .v0_115) == .asWritten)
    }

    @Test("what is not modelled is refused at load, by name")
    func refusals() {
        let base = "routes:\n  - GET /r: {handler: h, dependencies: [dep], returns: ok}\n"
        #expect(Self.refusal("providers:\n  dep: {yield: true, wrapped_by: {decorator: d, async: true}}\n" + base) == "", "the test's gen_wrapper is modelled")
        #expect(Self.refusal("providers:\n  dep: {wrapped_by: d}\n  dep2: {wrapped_by: {decorator: d, async: true}}\n" + base).contains("written two ways"))
        #expect(Self.refusal("providers:\n  dep: {wrapped_by: {decorator: d, generator: true}}\n" + base).contains("a generator wrapper"))
        #expect(Self.refusal("providers:\n  dep: {params: {q: int}, wrapped_by: {decorator: d, keeps_wrapped: false}}\n" + base).contains("behind a wrapper without `@functools.wraps`"))
        #expect(Self.refusal("providers:\n  dep: {wrapped_by: {decorator: d, async: true, keeps_wrapped: false}}\n" + base).contains("an async wrapper without"))
        #expect(Self.refusal("providers:\n  dep: {wrapped_by: {async: false}}\n" + base).contains("needs the decorator's name"))
        #expect(Self.refusal("providers:\n  dep: {wrapped_by: traced}\n" + base).contains("traced"))
        #expect(Self.refusal("providers:\n  dep: {lru_cache: true, wrapped_by: d}\n" + base).contains("a factory product, @lru_cache or a security scheme"))
        #expect(Self.refusal("providers:\n  dep: {class: true, wrapped_by: {decorator: d, keeps_wrapped: false}}\n" + base) == "", "a class without wraps is modelled")
        #expect(Self.refusal("providers:\n  dep: {wrapped_by: h}\n" + base).contains("already a name of the app"))
        #expect(Self.refusal("pools: {db: 2}\nproviders:\n  dep: {wrapped_by: db}\n" + base).contains("already a name of the app"))
        #expect(Self.refusal("app: {threadpool_tokens: 1}\nproviders:\n  dep: {async: true, wrapped_by: d}\n" + base).contains("threadpool_tokens"))
        let reads = """
        providers:
          dep: {async: true, wrapped_by: d}
        routes:
          - GET /r: {handler: h, params: {v: Depends(dep)}, returns: {v: "{{v}}"}}
        """
        #expect(Self.refusal(reads).contains("reads 'v', the value of the wrapped provider 'dep'"), "returned as it is (`{{v}}`) is modelled")
        let override = """
        providers:
          dep: {async: true, wrapped_by: d}
          other: {}
        dependency_overrides: {dep: other}
        \(base)
        """
        #expect(Self.refusal(override).contains("dependency_overrides with a wrapped provider"))
        let syncRead = "providers:\n  dep: {wrapped_by: d}\nroutes:\n  - GET /r: {handler: h, params: {v: Depends(dep)}, returns: \"{{v}}\"}\n"
        #expect(Self.refusal(syncRead) == "", "a sync provider's value is the same on every profile")
    }
}
