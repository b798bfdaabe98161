import DILab
import Foundation

/// One request's response, between the engine's event loop and the async HTTP handler. The engine calls
/// `start` with the typed head, `chunk` for a stream's pieces and `end` when the body is complete; the handler
/// awaits `head` and reads `chunks`, and calls `bodyWritten` once the last byte is out. Only then does the
/// engine go on with background tasks and request-scoped cleanup, as under uvicorn. Nothing about ordering is
/// decided here.
final class Exchange: ResponseChannel, @unchecked Sendable {
    let head: AsyncStream<ResponseStart>
    let chunks: AsyncStream<String>
    private let headContinuation: AsyncStream<ResponseStart>.Continuation
    private let chunkContinuation: AsyncStream<String>.Continuation
    private let lock = NSLock()
    private var written: (@Sendable () -> Void)?
    private var bodyDone = false
    let writeTimeout: Double
    /// Called when the body was not written in time; the engine carries on regardless.
    var onTimeout: (@Sendable () -> Void)?
    /// The head, for the trace store's partial trace.
    var onStart: ((ResponseStart) -> Void)?

    init(writeTimeout: Double) {
        self.writeTimeout = writeTimeout
        (head, headContinuation) = AsyncStream.makeStream(of: ResponseStart.self)
        (chunks, chunkContinuation) = AsyncStream.makeStream(of: String.self)
    }

    func start(_ head: ResponseStart) {
        onStart?(head)
        headContinuation.yield(head)
        headContinuation.finish()
    }

    func chunk(_ text: String) { chunkContinuation.yield(text) }

    func end(written: @escaping @Sendable () -> Void) {
        chunkContinuation.finish()
        lock.lock()
        if bodyDone {
            lock.unlock()
            written()
            return
        }
        self.written = written
        lock.unlock()
        DispatchQueue.global().asyncAfter(deadline: .now() + writeTimeout) { [self] in
            if let w = take() {
                onTimeout?()
                w()
            }
        }
    }

    private func take() -> (@Sendable () -> Void)? {
        lock.lock()
        defer { lock.unlock() }
        let w = written
        written = nil
        return w
    }

    /// The server has written the whole body (or given up writing it): the engine may go on past `sent`.
    func bodyWritten() {
        lock.lock()
        bodyDone = true
        lock.unlock()
        take()?()
    }

    /// The engine finished without a response (a deadlocked or cancelled request): the handler stops waiting.
    func engineFinished() {
        headContinuation.finish()
        chunkContinuation.finish()
    }
}
