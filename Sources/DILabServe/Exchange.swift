import DILab
import Foundation

/// One request's engine run, seen from the async HTTP handler. The engine runs synchronously on its own thread
/// and calls `observe` for each event as it happens; the handler awaits `head` (the `response` event) and, for a
/// stream, `chunks` (until `sent`). At `sent` the engine thread waits until the server has really written the
/// last body byte, so background tasks and request-scoped cleanup start after the client has its answer,
/// as under uvicorn. Nothing about ordering is decided here: the engine's events drive everything.
final class Exchange: @unchecked Sendable {
    let head: AsyncStream<TraceEvent>
    let chunks: AsyncStream<String>
    private let headContinuation: AsyncStream<TraceEvent>.Continuation
    private let chunkContinuation: AsyncStream<String>.Continuation
    private let written = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var phase = Phase.waitingForResponse
    private var writtenSignalled = false
    let writeTimeout: Double

    enum Phase { case waitingForResponse, streaming, responded, sent }

    init(writeTimeout: Double) {
        self.writeTimeout = writeTimeout
        (head, headContinuation) = AsyncStream.makeStream(of: TraceEvent.self)
        (chunks, chunkContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Called on the engine thread. Returns false if the body was not written within `writeTimeout`
    /// (the client went away before the head was written); the engine then carries on regardless.
    @discardableResult
    func observe(_ e: TraceEvent) -> Bool {
        lock.lock()
        let phase = self.phase
        switch (e.kind, phase) {
        case (.response, .waitingForResponse):
            self.phase = e.data["streaming"] == "true" ? .streaming : .responded
            lock.unlock()
            headContinuation.yield(e)
            headContinuation.finish()
        case (.chunk, .streaming):
            lock.unlock()
            chunkContinuation.yield(e.data["chunk"] ?? e.detail)
        case (.sent, .streaming), (.sent, .responded):
            self.phase = .sent
            lock.unlock()
            chunkContinuation.finish()
            return written.wait(timeout: .now() + writeTimeout) == .success
        default:
            lock.unlock()
        }
        return true
    }

    /// The server has written the whole body (or given up writing it): the engine may go on past `sent`.
    func bodyWritten() {
        lock.lock()
        defer { lock.unlock() }
        guard !writtenSignalled else { return }
        writtenSignalled = true
        written.signal()
    }

    /// The engine returned without a response event (it always sends one; this keeps a handler from hanging if not).
    func engineFinished() {
        headContinuation.finish()
        chunkContinuation.finish()
    }
}
