@testable import DILab
import Testing

/// The rest of tests/test_dependency_wrapped.py: `noop_wrap_async` around generators (the test's `gen_wrapper`
/// and `async_gen_wrapper`), and an endpoint that returns a passed-through object as it is (`return value`),
/// per profile as observed (docs/beyond-the-spec.md, "test_dependency_wrapped.py, route by route").
@Suite("test_dependency_wrapped.py: async wrappers around generators, returned pass-through objects")
struct WrappedMatrixTests {
    static func app(async: Bool, yield: Bool, wrapper: String, form: String = "") -> String {
        """
        providers:
          dep:
            async: \(async)
            yield: \(yield)
            \(form)
            wrapped_by: \(wrapper)
            returns: true
        routes:
          - GET /r: {handler: h, params: {value: Depends(dep)}, returns: "{{value}}"}
        """
    }

    static let asyncWrapper = "{decorator: noop_wrap_async, async: true}"

    @Test("noop_wrap_async around a generator is entered as the bare generator on every profile",
          arguments: Profile.allCases)
    func asyncWrapperAroundGenerators(profile: Profile) throws {
        for async in [false, true] {
            let t = try run(Self.app(async: async, yield: true, wrapper: Self.asyncWrapper), profile: profile, requests: ["GET /r"])[0]
            #expect(t.status == 200)
            #expect(t.bodyText == "true")
            let thread: TraceEvent.Thread = async ? .loop : .threadpool
            #expect(t.events.filter { $0.subject == "dep" }.map(\.kind) == [.enter, .exit])
            #expect(t.events.filter { $0.subject == "dep" }.allSatisfy { $0.thread == thread })
            // 0.115 cleans up before the response, the others after it, as for any generator.
            let m = milestones(t)
            let cleanedFirst = (m.firstIndex(of: "cleanup dep") ?? 0) < (m.firstIndex(of: "SENT 200") ?? 0)
            #expect(cleanedFirst == (profile == .v0_115), "\(m)")
        }
    }

    @Test("the same on a decorated __call__ (@noop_wrap_async def __call__ that yields)", arguments: Profile.allCases)
    func asyncWrapperAroundGeneratorMethods(profile: Profile) throws {
        let yaml = Self.app(async: false, yield: true, wrapper: "{decorator: noop_wrap_async, async: true, decorates: __call__}", form: "instance_of: Gen")
        let t = try run(yaml, profile: profile, requests: ["GET /r"])[0]
        #expect(t.bodyText == "true")
        #expect(lines(t, kinds: [.enter, .exit]) == ["enter dep", "exit dep"])
    }

    @Test("0.105–0.120: the handler returns the unstarted generator; jsonable_encoder runs it on the loop, before the response",
          arguments: [Profile.v0_120, .v0_115, .v0_105])
    func returnedGenerator(profile: Profile) throws {
        let t = try run(Self.app(async: false, yield: true, wrapper: "noop_wrap"), profile: profile, requests: ["GET /r"])[0]
        #expect(t.status == 200)
        #expect(t.bodyText == "[true]")
        #expect(lines(t).prefix(4) == ["violation dep wrapped-generator", "handler h", "enter dep", "exit dep"])
        #expect(t.events.filter { $0.subject == "dep" && $0.kind != .violation }.allSatisfy { $0.thread == .loop })
    }

    @Test("0.105–0.120: a returned coroutine or async generator is jsonable_encoder's ValueError, a 500",
          arguments: [Profile.v0_120, .v0_115, .v0_105])
    func returnedUnencodable(profile: Profile) throws {
        for (async, yield, type) in [(true, false, "coroutine"), (true, true, "async_generator")] {
            let t = try run(Self.app(async: async, yield: yield, wrapper: "noop_wrap"), profile: profile, requests: ["GET /r"])[0]
            #expect(t.status == 500)
            #expect(lines(t, kinds: [.handler, .raise]) == ["handler h", "raise noop_wrap ValueError"])
            let raised = t.events.first { $0.kind == .raise }
            #expect(raised?.detail.contains("'\(type)' object is not iterable") == true)
        }
    }

    @Test("0.165 unwraps: the returned value is the provider's own", arguments: [(false, true), (true, false), (true, true)])
    func latestReturnsTheValue(async: Bool, yield: Bool) throws {
        let t = try run(Self.app(async: async, yield: yield, wrapper: "noop_wrap"), profile: .latest, requests: ["GET /r"])[0]
        #expect(t.status == 200)
        #expect(t.bodyText == "true")
        #expect(lines(t, kinds: [.violation]).isEmpty)
    }

    @Test("an exception at the async wrapper's yield is refused by name in the trace, with no made-up cleanup",
          arguments: Profile.allCases)
    func exceptionAtTheForwardedYield(profile: Profile) throws {
        let yaml = """
        providers:
          dep: {yield: true, wrapped_by: {decorator: noop_wrap_async, async: true}, returns: s}
        routes:
          - GET /r: {handler: h, dependencies: [dep], raises: {status: 400, detail: boom}}
        """
        let t = try run(yaml, profile: profile, requests: ["GET /r"])[0]
        #expect(t.status == 400)
        #expect(lines(t, kinds: [.violation]) == ["violation dep wrapped-async-generator-exception"])
        #expect(lines(t, kinds: [.exit, .catch]).isEmpty)
    }

    @Test("what stays unmodelled is refused at load, by name")
    func refusals() {
        let r = WrappedDependencyTests.refusal
        let handlers = "providers:\n  dep: {yield: true, wrapped_by: {decorator: w, async: true}, except: swallow}\nroutes:\n  - GET /r: {handler: h, dependencies: [dep]}\n"
        #expect(r(handlers).contains("`except:` on 'dep' behind the async wrapper 'w'"))
        let instance = "providers:\n  dep: {instance_of: G, yield: true, wrapped_by: {decorator: w, async: true}}\nroutes:\n  - GET /r: {handler: h, dependencies: [dep]}\n"
        #expect(r(instance).contains("whose `__call__` is a generator"))
        let busy = "providers:\n  dep: {yield: true, wrapped_by: w, duration: 5ms}\nroutes:\n  - GET /r: {handler: h, params: {v: Depends(dep)}, returns: \"{{v}}\"}\n"
        #expect(r(busy).contains("returns the wrapped generator 'dep', which has more than"))
        let model = "providers:\n  dep: {async: true, wrapped_by: w}\nroutes:\n  - GET /r: {handler: h, status: 201, params: {v: Depends(dep)}, returns: \"{{v}}\"}\n"
        #expect(r(model).contains("with a stream, response class, response model, response background or status"))
        let partial = "providers:\n  dep: {async: true, wrapped_by: w}\nroutes:\n  - GET /r: {handler: h, params: {v: Depends(dep)}, returns: {v: \"{{v}}\"}}\n"
        #expect(r(partial).contains("reads 'v', the value of the wrapped provider"), "only the object returned as it is is modelled")
    }
}
