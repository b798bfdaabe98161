@testable import DILab
import Foundation
import Testing

/// TextRenderer.line pads its columns without Foundation (serve renders a line per event); the lines must stay
/// byte-identical to what `padding(toLength:)` gave, which counted UTF-16 units.
@Suite("text trace lines")
struct TextLineTests {
    static let samples = ["", "a", "get_db", "enter", "task.start", "lifespan.start", "└ get_settings", "    └ deep",
                          "task send_email", String(repeating: "x", count: 24), String(repeating: "y", count: 40),
                          "héllo", "日本語の依存", "naïve └ ü", "e\u{301}tat"]

    @Test("the padding is Foundation's wherever that did not cut the string", arguments: [10, 11, 24])
    func paddingMatchesFoundation(width: Int) {
        for s in Self.samples {
            let target = max(width, s.count)
            guard s.utf16.count <= target else { continue }   // where Foundation cut the string; now it is kept whole
            #expect(s.paddedRight(to: width) == s.padding(toLength: target, withPad: " ", startingAt: 0), "\(s)")
        }
    }

    @Test("a line as the trace has always printed it")
    func lineLayout() {
        let e = TraceEvent(t: 5, request: 1, kind: .enter, subject: "get_db", detail: #"yields "Session#1" · scope=request"#,
                           depth: 2, thread: .threadpool)
        #expect(TextRenderer().line(e) == #"     5 ms  enter      └ get_db                 threadpool  yields "Session#1" · scope=request"# + "\n")
        let sent = TraceEvent(t: 12345, request: 1, kind: .sent, subject: "200")
        #expect(TextRenderer().line(sent) == " 12345 ms  sent       200                                  ← the client has its answer here\n")
        let bare = TraceEvent(t: 0, request: 1, kind: .taskStart, subject: "audit")
        #expect(TextRenderer().line(bare) == "     0 ms  task.start task audit\n")
    }

    /// Issue 12: a 1,000-deep chain printed 2 MB, mostly indentation. Past 16 levels the depth is a number.
    @Test("a deep tree indents 16 levels, then writes the level, so a line's length stops growing")
    func deepLevelsAreNumbered() {
        func line(_ depth: Int) -> String {
            TextRenderer().line(TraceEvent(t: 0, request: 1, kind: .call, subject: "p", detail: "", depth: depth))
        }
        #expect(line(18) == "     0 ms  call       " + String(repeating: "  ", count: 16) + "└ p\n")
        #expect(line(19) == "     0 ms  call       " + String(repeating: "  ", count: 16) + "[17] └ p\n")
        #expect(line(900).count == line(19).count + 1)   // "[898]" is one digit longer than "[17]"
        #expect(line(900).contains("[898] └ p"))
    }
}
