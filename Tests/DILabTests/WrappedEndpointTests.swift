@testable import DILab
import Testing

/// `wrapped_by:` on a route: the decorated endpoint of tests/test_dependency_wrapped.py. The modelled kinds run
/// as the bare endpoint on every profile (observed); a sync wrapper around an `async def` is refused by name.
@Suite("Decorated (wrapped) endpoints")
struct WrappedEndpointTests {
    static func app(async: Bool, wrapper: String) -> String {
        """
        providers:
          session: {yield: true, returns: s}
        routes:
          - GET /r:
              handler: h
              async: \(async)
              wrapped_by: \(wrapper)
              params: {q: int, s: Depends(session)}
              raises: {status: 401, detail: no, when: "q == 2"}
              returns: "{{q}}"
        """
    }

    @Test("the wrapped endpoint's parameters, dependencies and thread are the bare endpoint's", arguments: Profile.allCases)
    func likeTheBareEndpoint(profile: Profile) throws {
        for (async, wrapper, thread) in [(false, "noop_wrap", TraceEvent.Thread.threadpool), (false, "{decorator: w, async: true}", .threadpool),
                                         (true, "{decorator: w, async: true}", .loop)] {
            let yaml = Self.app(async: async, wrapper: wrapper)
            let s = try ScenarioLoader.load(text: yaml, file: "inline.yaml")
            #expect(s.routes[0].wrappedBy != nil)
            let t = try run(yaml, profile: profile, requests: ["GET /r?q=1", "GET /r?q=2", "GET /r"])
            #expect(t[0].bodyText == "1")
            #expect(t[0].events.first { $0.kind == .handler }?.thread == thread)
            #expect(lines(t[0], kinds: [.enter, .exit]) == ["enter session", "exit session"])
            #expect(t[1].status == 401)
            #expect(t[2].status == 422)
        }
    }

    @Test("a sync wrapper around an async def endpoint: awaited on 0.165; on 0.105–0.120 a ValueError the yield dependency sees, a 500",
          arguments: Profile.allCases)
    func syncWrapperAroundAsync(profile: Profile) throws {
        let t = try run(Self.app(async: true, wrapper: "noop_wrap"), profile: profile, requests: ["GET /r?q=1"])[0]
        if profile == .latest {
            #expect(t.status == 200)
            #expect(lines(t, kinds: [.violation]).isEmpty)
        } else {
            #expect(t.status == 500)
            #expect(lines(t, kinds: [.violation]) == ["violation h wrapped-coroutine"])
            #expect(lines(t, kinds: [.handler]).isEmpty, "the body never runs")
            #expect(lines(t, kinds: [.enter, .exit]) == ["enter session", "exit session"])
            #expect(t.events.contains { $0.kind == .raise && $0.subject == "noop_wrap" && $0.detail.contains("ValueError") })
        }
    }

    @Test("what is not modelled about a decorated endpoint is refused by name")
    func refusals() {
        #expect(WrappedDependencyTests.refusal(Self.app(async: true, wrapper: "noop_wrap") + "\n      response_class: PlainTextResponse\n")
            .contains("a sync wrapper around an `async def` endpoint with a stream, response class"))
        #expect(WrappedDependencyTests.refusal(Self.app(async: false, wrapper: "{decorator: w, keeps_wrapped: false}")).contains("without `@functools.wraps`"))
        #expect(WrappedDependencyTests.refusal(Self.app(async: false, wrapper: "{decorator: w, decorates: __call__}")).contains("`decorates: __call__`"))
        #expect(WrappedDependencyTests.refusal(Self.app(async: false, wrapper: "session")).contains("already a name of the app"))
        let twoWays = Self.app(async: false, wrapper: "w") + "\n  - GET /o: {handler: o, wrapped_by: {decorator: w, async: true}, returns: ok}\n"
        #expect(WrappedDependencyTests.refusal(twoWays).contains("written two ways"))
    }
}
