import DILab
import Foundation

/// The terminal side of `dilab serve`: every trace event as it happens, prefixed by its request id, plus the
/// server's own messages.
///
/// Off the request path: a request's thread only appends the event to a queue (one short lock, no rendering, no
/// system call); one writer thread renders what is queued, in order, and writes it with a single `write` per
/// batch. At human rates that is a line a few microseconds after its event, exactly as before. Under load the
/// log sheds instead of slowing requests down: at most `linesPerSecond` event lines are shown a second (0: no
/// limit; the ones over it are counted where they are logged, never queued), and when the output cannot keep up
/// (a paused terminal, a slow pipe) at most `maxQueued` lines wait; what is not shown is counted and said once a
/// second, `dilab serve: … 12,345 trace lines not shown (load: …)`. The server's own messages are never shed by
/// the rate limit. `flush()` waits until everything logged so far is written; `close()` (at the end of shutdown)
/// flushes, ends the writer and makes later lines synchronous.
final class ServerLog: @unchecked Sendable {
    let format: ServeOptions.LogFormat
    let style: Style
    /// Event lines shown per second at most; 0 shows every one.
    let linesPerSecond: Int
    /// Lines waiting for the writer at most; more are counted as not shown.
    let maxQueued: Int
    private let write: @Sendable (String) -> Void

    private enum Entry {
        case event(TraceEvent, String?)
        case message(String)
    }

    // Shared with the producers, under `condition`.
    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var droppedAtQueue = 0
    /// This second's admitted event lines and the ones shed over `linesPerSecond` so far.
    private var rate = RateWindow()
    private var enqueued: UInt64 = 0
    private var written: UInt64 = 0
    private var writerStarted = false
    private var writerWaiting = false
    private var closing = false
    private var closed = false

    // The writer thread's own.
    private var windowStart: ContinuousClock.Instant?
    private var notShown = 0
    /// Whether some of `notShown` were lost because the output did not keep up (`outputBehind`) or to the rate
    /// limit (`rateLimited`): the summary says which.
    private var outputBehind = false
    private var rateLimited = false

    init(format: ServeOptions.LogFormat, style: Style = .plain, linesPerSecond: Int = 1000, maxQueued: Int = 10_000,
         write: @escaping @Sendable (String) -> Void) {
        self.format = format
        self.style = style
        self.linesPerSecond = max(0, linesPerSecond)
        self.maxQueued = max(1, maxQueued)
        self.write = write
    }

    /// Unbuffered standard output: a pipe would otherwise hold lines back until the buffer fills,
    /// and a learner (or the smoke test) reading the log would see nothing live. (The writer batches.)
    static let standardOutput: @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `[3]    12 ms  enter      get_db ...`; lifespan events (no request) are prefixed `[lifespan]`.
    func event(_ e: TraceEvent, id: String? = nil) {
        enqueue(.event(e, id), isEvent: true)
    }

    /// A message from the server itself (listening, shutting down, warnings).
    func message(_ text: String) {
        enqueue(.message(text), isEvent: false)
    }

    /// Waits (at most `timeout` seconds) until every line logged before this call has been written.
    /// False if the output did not take them in time.
    @discardableResult
    func flush(timeout: Double = 10) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        let target = enqueued
        if writerWaiting { condition.signal() }
        while written < target {
            if !condition.wait(until: deadline) { return written >= target }
        }
        return true
    }

    /// Writes what is queued (and the count of what was not shown), ends the writer; later lines are written
    /// at once by their caller. Waits at most `timeout` seconds for the output.
    func close(timeout: Double = 10) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        closing = true
        guard writerStarted else {
            closed = true
            return
        }
        condition.broadcast()
        while !closed {
            if !condition.wait(until: deadline) { break }
        }
    }

    // MARK: - Producers

    /// `entry` is made only for a line that is kept: a shed event is never copied.
    private func enqueue(_ entry: @autoclosure () -> Entry, isEvent: Bool) {
        condition.lock()
        if closing {
            condition.unlock()
            // After shutdown (or while it ends the writer): in the caller's thread, as before the writer existed.
            if let text = render(entry()) { write(text) }
            return
        }
        if isEvent, linesPerSecond > 0 {
            switch rate.admit(at: ContinuousClock.now, limit: linesPerSecond) {
            case .shown: break
            case .shed(let first):
                // The first one shed in a second wakes the writer, so the count is said when the second is over
                // even if nothing else comes.
                if first, writerWaiting { condition.signal() }
                condition.unlock()
                return
            }
        }
        guard queue.count < maxQueued else {
            droppedAtQueue += 1
            condition.unlock()
            return
        }
        queue.append(entry())
        enqueued += 1
        if !writerStarted {
            writerStarted = true
            let thread = Thread { [self] in runWriter() }
            thread.name = "dilab-log"
            thread.start()
        }
        if writerWaiting { condition.signal() }
        condition.unlock()
    }

    /// The rate limit's state, one value: deciding an event line is one access to the log's state, not four
    /// (under load nearly every event is decided here and shed).
    private struct RateWindow {
        enum Verdict { case shown, shed(first: Bool) }
        var start: ContinuousClock.Instant?
        var admitted = 0
        /// Shed since the writer last took the count.
        var shed = 0

        mutating func admit(at now: ContinuousClock.Instant, limit: Int) -> Verdict {
            if let start, now - start < ServerLog.second {
                if admitted < limit {
                    admitted += 1
                    return .shown
                }
                shed += 1
                return .shed(first: shed == 1)
            }
            start = now
            admitted = 1
            return .shown
        }
    }

    /// One second, built once (`Duration.seconds(_:)` is generic: a dynamic cast per call).
    private static let second = Duration.seconds(1)

    // MARK: - The writer

    private func runWriter() {
        while true {
            condition.lock()
            while queue.isEmpty && droppedAtQueue == 0 && rate.shed == 0 && !closing {
                writerWaiting = true
                if notShown > 0, let start = windowStart {
                    // Say what was shed when the second is over, even if nothing else comes.
                    let end = Date(timeIntervalSinceNow: Self.seconds(start + Self.second - ContinuousClock.now))
                    if !condition.wait(until: end) {
                        writerWaiting = false
                        condition.unlock()
                        let text = rollWindow(now: ContinuousClock.now)
                        if !text.isEmpty { write(text) }
                        condition.lock()
                        continue
                    }
                } else {
                    condition.wait()
                }
                writerWaiting = false
            }
            writerWaiting = false
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let dropped = droppedAtQueue
            droppedAtQueue = 0
            let shed = rate.shed
            rate.shed = 0
            let target = enqueued
            let ending = closing && batch.isEmpty && dropped == 0 && shed == 0
            condition.unlock()

            if ending {
                let text = notShown > 0 ? summary(notShown) : ""
                notShown = 0
                if !text.isEmpty { write(text) }
                condition.lock()
                closed = true
                condition.broadcast()
                condition.unlock()
                return
            }

            let out = render(batch, droppedAtQueue: dropped, shedAtRate: shed)
            if !out.isEmpty { write(out) }

            condition.lock()
            written = target
            condition.broadcast()
            condition.unlock()

            // Under load, let the next batch gather instead of waking for every event.
            if batch.count >= 64 || notShown > 0 { usleep(10_000) }
        }
    }

    /// A batch as text: every message and every admitted event; what was not queued is counted.
    private func render(_ batch: [Entry], droppedAtQueue: Int, shedAtRate: Int) -> String {
        var out = rollWindowIfOver(now: ContinuousClock.now)
        notShown += droppedAtQueue + shedAtRate
        if droppedAtQueue > 0 { outputBehind = true }
        if shedAtRate > 0 { rateLimited = true }
        for entry in batch {
            if let text = render(entry) { out += text }
        }
        return out
    }

    private func rollWindowIfOver(now: ContinuousClock.Instant) -> String {
        if let start = windowStart, now - start < Self.second { return "" }
        return rollWindow(now: now)
    }

    /// Starts a new one-second window; the text says what the last one did not show.
    private func rollWindow(now: ContinuousClock.Instant) -> String {
        let text = notShown > 0 ? summary(notShown) : ""
        notShown = 0
        outputBehind = false
        rateLimited = false
        windowStart = now
        return text
    }

    /// `… 24,863 trace lines not shown (load: more than 1,000 a second; ...)`.
    private func summary(_ count: Int) -> String {
        var why: [String] = []
        if rateLimited { why.append("more than \(Self.grouped(linesPerSecond)) a second") }
        if outputBehind || why.isEmpty { why.append("more than the output takes") }
        return render(.message("… \(Self.grouped(count)) trace line\(count == 1 ? "" : "s") not shown (load: \(why.joined(separator: ", and ")); "
                               + "/_dilab/traces/{X-Request-ID} keeps the newest traces, --log-limit 0 shows every line)")) ?? ""
    }

    private func render(_ entry: Entry) -> String? {
        switch (entry, format) {
        case (.event(let e, let id), .text):
            let prefix = "[" + (id ?? e.request.map(String.init) ?? "lifespan") + "]"
            return style.dim(prefix) + " " + TextRenderer(style: style).line(e)
        case (.event(let e, let id), .json):
            var value = JSONRenderer.value(e)
            if let id, case .object(var pairs) = value {
                pairs.insert(("id", .string(id)), at: 0)
                value = .object(pairs)
            }
            return value.json + "\n"
        case (.message(let text), .text):
            return style.bold("dilab serve:") + " " + text + "\n"
        case (.message(let text), .json):
            return Value.object([("server", .string(text))]).json + "\n"
        }
    }

    /// 12345 → "12,345".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return max(0, Double(s) + Double(atto) / 1e18)
    }
}
