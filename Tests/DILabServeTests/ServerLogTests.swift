import DILab
@testable import DILabServe
import Foundation
import Testing

/// The live log is written by a thread of its own: these pin that it keeps every line and its order at human
/// rates, that `flush` and `close` really wait for the output, and how it sheds under load (and says so).
@Suite("serve's live log")
struct ServerLogTests {
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [String] = []
        func append(_ s: String) { lock.withLock { chunks.append(s) } }
        var text: String { lock.withLock { chunks.joined() } }
        var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    static func event(_ n: Int, request: Int = 1) -> TraceEvent {
        TraceEvent(t: n, request: request, kind: n.isMultiple(of: 2) ? .enter : .exit, subject: "get_db", detail: "event \(n)",
                   depth: 1, thread: .loop)
    }

    @Test("every line, in order, byte for byte what the renderer says; flush waits for the writer")
    func orderAndFormat() {
        let out = Output()
        let log = ServerLog(format: .text, write: out.append)
        var expected: [String] = []
        log.message("listening")
        expected.append("dilab serve: listening")
        for n in 0..<200 {
            log.event(Self.event(n), id: "7")
            expected.append("[7] " + TextRenderer().line(Self.event(n)).dropLast())
        }
        log.event(TraceEvent(t: 3, request: nil, kind: .lifespanStart, subject: "open pool"))
        expected.append("[lifespan] " + TextRenderer().line(TraceEvent(t: 3, request: nil, kind: .lifespanStart, subject: "open pool")).dropLast())
        #expect(log.flush())
        #expect(out.lines == expected)
        log.close()
    }

    @Test("the JSON form: one object per line, the request id first")
    func jsonFormat() {
        let out = Output()
        let log = ServerLog(format: .json, write: out.append)
        log.event(Self.event(2), id: "s1")
        log.message("stopped")
        log.close()
        #expect(out.lines.count == 2)
        #expect(out.lines[0].hasPrefix(#"{"id":"s1","#))
        #expect(out.lines[1] == #"{"server":"stopped"}"#)
    }

    @Test("past the lines-per-second limit events are counted, not shown, and the count is said; messages always show")
    func shedsAtRate() {
        let out = Output()
        let log = ServerLog(format: .text, linesPerSecond: 5, write: out.append)
        for n in 0..<20 { log.event(Self.event(n), id: "1") }
        log.message("still here")
        log.close()
        let lines = out.lines
        #expect(lines.filter { $0.hasPrefix("[1]") }.count == 5)
        #expect(lines.contains("dilab serve: still here"))
        #expect(lines.last?.hasPrefix("dilab serve: … 15 trace lines not shown (load: more than 5 a second;") == true)
    }

    @Test("the count of what was shed comes when its second is over, with nothing else to write")
    func summaryWithoutMoreEvents() async throws {
        let out = Output()
        let log = ServerLog(format: .text, linesPerSecond: 1, write: out.append)
        for n in 0..<3 { log.event(Self.event(n), id: "1") }
        let deadline = Date().addingTimeInterval(10)
        while !out.text.contains("not shown"), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(out.lines.last == "dilab serve: … 2 trace lines not shown (load: more than 1 a second; /_dilab/traces/{X-Request-ID} keeps the newest traces, --log-limit 0 shows every line)")
        log.close()
    }

    @Test("an output that does not keep up: at most maxQueued lines wait, the rest are counted")
    func boundedQueue() {
        let out = Output()
        let gate = DispatchSemaphore(value: 0)
        let blocked = DispatchSemaphore(value: 0)
        let first = Flag()
        let log = ServerLog(format: .text, linesPerSecond: 0, maxQueued: 10, write: { text in
            if first.setOnce() { blocked.signal(); gate.wait() }
            out.append(text)
        })
        log.message("first")
        blocked.wait()   // the writer is stuck in its first write
        for n in 0..<30 { log.event(Self.event(n), id: "1") }
        gate.signal()
        log.close()
        let lines = out.lines
        #expect(lines.first == "dilab serve: first")
        #expect(lines.filter { $0.hasPrefix("[1]") }.count == 10)
        #expect(lines.last?.hasPrefix("dilab serve: … 20 trace lines not shown (load: more than the output takes;") == true)
    }

    @Test("after close, lines are written at once by the caller")
    func synchronousAfterClose() {
        let out = Output()
        let log = ServerLog(format: .text, write: out.append)
        log.close()
        log.message("late")
        #expect(out.lines == ["dilab serve: late"])
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var set = false
        func setOnce() -> Bool { lock.withLock { defer { set = true }; return !set } }
    }
}
