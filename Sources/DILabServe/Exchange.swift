import DILab
import Foundation

/// One request's response, between the engine's event loop and the async HTTP handler. The engine calls
/// `start` with the typed head, `chunk` for a stream's pieces and `end` when the body is complete; the handler
/// awaits `nextHead()` and reads `chunks`, and calls `bodyWritten` once the last byte is out. Only then does the
/// engine go on with background tasks and request-scoped cleanup, as under uvicorn. Nothing about ordering is
/// decided here.
///
/// Per request this is one lock and at most one continuation: the head is a one-shot slot (no AsyncStream), the
/// chunk stream exists only for a streaming response, and the write deadline is a `WriteDeadlines` entry (no
/// timer per request).
final class Exchange: ResponseChannel, @unchecked Sendable {
    private let lock = NSLock()
    private var headValue: ResponseStart?
    private var headClosed = false
    private var headWaiter: CheckedContinuation<ResponseStart?, Never>?
    private var chunkStream: (stream: AsyncStream<String>, continuation: AsyncStream<String>.Continuation)?
    private var chunksFinished = false
    private var written: (@Sendable () -> Void)?
    private var bodyDone = false
    let deadlines: WriteDeadlines
    /// Called when the body was not written in time; the engine carries on regardless.
    var onTimeout: (@Sendable () -> Void)?
    /// The run it belongs to, told of the head (for the trace store's partial trace).
    var run: ServerCore.RunState?

    init(deadlines: WriteDeadlines) {
        self.deadlines = deadlines
    }

    // MARK: the engine's side (its event loop)

    func start(_ head: ResponseStart) {
        run?.started(head)
        lock.lock()
        guard !headClosed else { lock.unlock(); return }
        headClosed = true
        if let waiter = headWaiter {
            headWaiter = nil
            lock.unlock()
            waiter.resume(returning: head)
        } else {
            headValue = head
            lock.unlock()
        }
    }

    func chunk(_ text: String) { chunkChannel().continuation.yield(text) }

    func end(written: @escaping @Sendable () -> Void) {
        finishChunks()
        lock.lock()
        if bodyDone {
            lock.unlock()
            written()
            return
        }
        self.written = written
        lock.unlock()
        deadlines.watch(self)
    }

    /// The engine finished without a response (a deadlocked or cancelled request): the handler stops waiting.
    func engineFinished() {
        closeHead()
        finishChunks()
    }

    // MARK: the handler's side

    /// The head the engine sent, or nil if it finished without one.
    func nextHead() async -> ResponseStart? {
        if let ready = takeHead() { return ready }
        return await withCheckedContinuation { (waiter: CheckedContinuation<ResponseStart?, Never>) in
            install(waiter)
        }
    }

    /// The head if it is there (`.some(nil)`: the engine finished without one); nil: not yet.
    private func takeHead() -> ResponseStart?? {
        lock.lock()
        defer { lock.unlock() }
        if let head = headValue {
            headValue = nil
            return .some(head)
        }
        return headClosed ? .some(nil) : nil
    }

    private func install(_ waiter: CheckedContinuation<ResponseStart?, Never>) {
        lock.lock()
        if let head = headValue {
            headValue = nil
            lock.unlock()
            waiter.resume(returning: head)
        } else if headClosed {
            lock.unlock()
            waiter.resume(returning: nil)
        } else {
            headWaiter = waiter
            lock.unlock()
        }
    }

    /// A streaming response's chunks, ending at the engine's `end` (or when it finished without one).
    var chunks: AsyncStream<String> { chunkChannel().stream }

    /// The server has written the whole body (or given up writing it): the engine may go on past `sent`.
    func bodyWritten() {
        lock.lock()
        bodyDone = true
        lock.unlock()
        take()?()
    }

    /// The write deadline passed: the engine goes on as if the body had been written.
    func timedOut() {
        if let w = take() {
            onTimeout?()
            w()
        }
    }

    // MARK: plumbing

    private func take() -> (@Sendable () -> Void)? {
        lock.lock()
        let w = written
        written = nil
        lock.unlock()
        if w != nil { deadlines.forget(self) }
        return w
    }

    private func closeHead() {
        lock.lock()
        guard !headClosed else { lock.unlock(); return }
        headClosed = true
        let waiter = headWaiter
        headWaiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
    }

    private func chunkChannel() -> (stream: AsyncStream<String>, continuation: AsyncStream<String>.Continuation) {
        lock.lock()
        defer { lock.unlock() }
        if let chunkStream { return chunkStream }
        let made = AsyncStream.makeStream(of: String.self)
        if chunksFinished { made.continuation.finish() }
        chunkStream = made
        return made
    }

    private func finishChunks() {
        lock.lock()
        chunksFinished = true
        let c = chunkStream?.continuation
        lock.unlock()
        c?.finish()
    }
}

/// The write deadlines of every response whose body is being written: one watcher thread that wakes a few times a
/// second while any is pending, instead of a dispatch timer armed per request. A body not written within
/// `timeout` seconds (±¼ s) lets its engine run go on (`Exchange.timedOut`).
final class WriteDeadlines: @unchecked Sendable {
    let timeout: Double
    private let lock = NSLock()
    private var pending: [ObjectIdentifier: (exchange: Exchange, deadline: Double)] = [:]
    private var watching = false
    private let tick: Double

    init(timeout: Double) {
        self.timeout = timeout
        tick = min(0.25, max(0.01, timeout / 4))
    }

    func watch(_ exchange: Exchange) {
        lock.lock()
        pending[ObjectIdentifier(exchange)] = (exchange, Date.timeIntervalSinceReferenceDate + timeout)
        let startWatcher = !watching
        watching = true
        lock.unlock()
        if startWatcher {
            let thread = Thread { [self] in watch() }
            thread.name = "dilab-write-deadlines"
            thread.start()
        }
    }

    func forget(_ exchange: Exchange) {
        lock.lock()
        pending[ObjectIdentifier(exchange)] = nil
        lock.unlock()
    }

    /// Runs while anything is pending; ends (and is started again by the next `watch`) when nothing is.
    private func watch() {
        while true {
            Thread.sleep(forTimeInterval: tick)
            let now = Date.timeIntervalSinceReferenceDate
            lock.lock()
            let late = pending.values.filter { $0.deadline <= now }.map(\.exchange)
            if pending.isEmpty {
                watching = false
                lock.unlock()
                return
            }
            lock.unlock()
            for exchange in late { exchange.timedOut() }
        }
    }
}
