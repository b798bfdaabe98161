import Foundation

/// Runs independent jobs on a few threads and hands results back in input order, so output stays stable.
public enum OrderedParallel {
    public static func map<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ body: @escaping @Sendable (T) -> R) -> [R] {
        let box = Box<R>(count: items.count)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        for (i, item) in items.enumerated() {
            queue.addOperation { box.set(i, body(item)) }
        }
        queue.waitUntilAllOperationsAreFinished()
        return box.all
    }

    /// Results written from worker threads, read once all are done.
    final class Box<R>: @unchecked Sendable {
        private var results: [R?]
        private let lock = NSLock()
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: R) { lock.lock(); results[i] = r; lock.unlock() }
        var all: [R] { lock.lock(); defer { lock.unlock() }; return results.map { $0! } }
    }
}
