import DILab
import Foundation

/// Requests the server has taken on and not finished: from arrival until the engine returns, which is after
/// the background tasks and request-scoped cleanup. Shutdown waits for this to reach zero before the
/// lifespan shutdown runs, as uvicorn waits for its running tasks.
final class InflightTracker: @unchecked Sendable {
    private let lock = NSLock()
    /// Each running request's line, made only when `pending` is read (shutdown): a request does not pay for it.
    private var running: [String: RequestSpec] = [:]
    private var anonymous = 0

    /// A request that has no id yet (its body is still being read).
    func enterAnonymous() {
        lock.lock(); anonymous += 1; lock.unlock()
    }

    func leaveAnonymous() {
        lock.lock(); anonymous -= 1; lock.unlock()
    }

    /// The engine run `id` (described by its request's line in the shutdown report) has started.
    func enter(_ id: String, _ request: RequestSpec) {
        lock.lock(); running[id] = request; lock.unlock()
    }

    func leave(_ id: String) {
        lock.lock(); running[id] = nil; lock.unlock()
    }

    var isIdle: Bool {
        lock.lock(); defer { lock.unlock() }
        return running.isEmpty && anonymous == 0
    }

    /// `[id] line` for each request still running, oldest id first.
    var pending: [String] {
        lock.lock(); defer { lock.unlock() }
        return running.sorted { ($0.key.count, $0.key) < ($1.key.count, $1.key) }.map { "[\($0.key)] \($0.value.line)" }
    }

    /// Waits until idle or until `deadline`; true when idle.
    func waitIdle(until deadline: ContinuousClock.Instant) async -> Bool {
        while !isIdle {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
