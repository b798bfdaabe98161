import Foundation

/// Runs deep but bounded recursion (graph building and solving near FastAPI's recursion limit) on a thread
/// with a large stack, so that no door's thread (main, test, server worker) can overflow on it.
public enum DeepStack {
    /// Enough for `GraphBuilder.registrationDepthLimit` levels of building or solving in a debug build.
    public static let stackSize = 256 << 20
    /// Below this many levels the caller's own stack is ample and no thread is started.
    public static let inlineDepth = 64

    /// `body()` on the calling thread when `depth` is small, else on a fresh big-stack thread (waited for).
    public static func run<T>(depth: Int, _ body: () throws -> T) rethrows -> T {
        if depth <= inlineDepth { return try body() }
        return try withoutActuallyEscaping(body) { escapable in
            let job = Job(escapable)
            let thread = Thread { job.run() }
            thread.stackSize = stackSize
            thread.start()
            job.done.wait()
            return try job.result!.get()
        }
    }

    /// The closure and its result, handed to the thread; the caller waits on `done`, so nothing is shared at once.
    final class Job<T>: @unchecked Sendable {
        var body: (() throws -> T)?
        var result: Result<T, Error>?
        let done = DispatchSemaphore(value: 0)
        init(_ body: @escaping () throws -> T) { self.body = body }
        /// Drops the closure before signalling: it must not outlive `withoutActuallyEscaping`.
        func run() {
            if let body { result = Result { try body() } }
            body = nil
            done.signal()
        }
    }
}
