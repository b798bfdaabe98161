@testable import DILabConsole
import Testing

@Suite("step, next, back, timeline")
struct StepAndTimelineTests {
    static let request = "GET /users/1 Authorization:t"

    @Test func stepWalksForwardsAndBackwardsWithTheRule() {
        var (state, _, _) = Fixtures.fixtureSession([Self.request])
        let console = Console()
        let first = console.execute("step", in: &state)
        #expect(first.text.hasPrefix("event 1 of 11 · GET /users/1 (request 1, profile latest)"))
        #expect(first.text.contains("▶   #1     0 ms  call       └ get_settings"))
        #expect(first.text.contains("rule: Resolution order"))
        #expect(console.execute("next", in: &state).text.contains("▶   #2"))
        #expect(console.execute("n", in: &state).text.contains("rule: Per-request cache"))
        #expect(console.execute("back", in: &state).text.contains("▶   #2"))
        #expect(state.cursor == 2)
        let last = console.execute("step last", in: &state)
        #expect(last.text.contains("▶  #11    25 ms  exit       get_db"), "numbers are right-aligned in four columns")
        #expect(last.text.contains("rule: Request-scoped cleanup"))
        #expect(console.execute("step 9", in: &state).text.contains("rule: Background tasks"))
        #expect(console.execute("step first", in: &state).text.contains("▶   #1 "))
    }

    @Test func stepStopsAtBothEnds() {
        var (state, _, _) = Fixtures.fixtureSession([Self.request, "step"])
        let console = Console()
        #expect(console.execute("back", in: &state).error?.message == "already at the first event")
        _ = console.execute("step last", in: &state)
        #expect(console.execute("next", in: &state).error?.message == "already at the last event (11)")
        #expect(console.execute("step 0", in: &state).error?.message == "no event #0")
        #expect(console.execute("step 12", in: &state).error?.message == "there are only 11 events")
        #expect(console.execute("step sideways", in: &state).failed)
        #expect(state.cursor == 11, "a failed step leaves the cursor where it was")
    }

    @Test func aNewRequestResetsTheCursor() {
        let (state, _, _) = Fixtures.fixtureSession([Self.request, "step", "step", Self.request])
        #expect(state.cursor == nil)
        #expect(Fixtures.fixtureSession(["step"]).1.error?.message == "no request yet")
    }

    @Test func timelineDrawsTheSessionAcrossTheSentLine() {
        let (_, out, _) = Fixtures.fixtureSession([Self.request, "timeline"])
        let lines = out.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "timeline · GET /users/1 -H 'Authorization: t' (request 1, profile latest)")
        let db = lines.first { $0.hasPrefix("get_db yield") }
        let task = lines.first { $0.hasPrefix("audit task") }
        let sentMarker = lines.first { $0.contains("▲ response sent (200) at 5 ms") }
        #expect(db != nil && task != nil && sentMarker != nil)
        // The session bar crosses the sent column (┿) and ends after the task's bar ends.
        let sentColumn = Array(sentMarker!).firstIndex(of: "▲")!
        #expect(Array(db!)[sentColumn] == "┿")
        #expect(Array(task!)[sentColumn] == "│")
        #expect(Array(db!).lastIndex(of: "●")! > Array(task!).lastIndex(of: "●")!)
        #expect(out.text.contains("get_db closed after the response was sent and after the background tasks (event #11)"))
    }

    @Test func timelineUnderFunctionScopeProfileClosesBeforeTheResponse() {
        let (_, out, _) = Fixtures.fixtureSession(["profile 0.115", Self.request, "timeline"])
        #expect(out.text.contains("get_db closed before the response was sent and before the background tasks"))
        #expect(Fixtures.fixtureSession(["timeline"]).1.error?.message == "no request yet")
    }
}
