import DILab
import DILabSuite
import Testing

/// `dilab check` validates `expect:`: a misspelt event kind or a request the file never sends is an input error.
@Suite struct ExpectationCheckTests {
    static func scenario(trace: String, request: String = "GET /items") -> String {
        """
        scenario: expectations
        tasks:
          audit: {}
        routes:
          - GET /items:
              handler: read_items
              params: {background_tasks: BackgroundTasks}
              adds_tasks: [audit]
              returns: ok
        requests:
          - GET /items
        expect:
          - request: \(request)
            trace:
              - handler read_items
              - \(trace)
        """
    }

    @Test func anUnknownEventKindGetsADidYouMeanAtItsLine() throws {
        let s = try ScenarioLoader.load(text: Self.scenario(trace: "task.begin audit"))
        let d = ExpectationCheck.diagnostics(s)
        #expect(d.count == 1)
        #expect(d.first?.message == "unknown event kind `task.begin` in an expected trace")
        #expect(d.first?.hint == "did you mean `task.start`?")
        #expect(d.first?.location.line == 16)
    }

    @Test func anExpectationForARequestNotSentIsReported() throws {
        let s = try ScenarioLoader.load(text: Self.scenario(trace: "task.start audit", request: "GET /item"))
        let d = ExpectationCheck.diagnostics(s)
        #expect(d.count == 1)
        #expect(d.first?.message.contains("'GET /item', a request this file does not send") == true)
        #expect(d.first?.hint?.hasPrefix("did you mean 'GET /items'?") == true)
    }

    @Test func aValidExpectationPasses() throws {
        #expect(ExpectationCheck.diagnostics(try ScenarioLoader.load(text: Self.scenario(trace: "task.start audit"))).isEmpty)
    }
}
