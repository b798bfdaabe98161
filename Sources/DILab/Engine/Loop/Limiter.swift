/// A capacity shared by the requests of one app: a `max_concurrency` semaphore, a pool, AnyIO's thread limiter.
/// Waiters are served first come, first served, and a released unit goes straight to the first waiter
/// (AnyIO's `Semaphore` and `CapacityLimiter` hand over the same way), so a newcomer cannot overtake the queue.
final class Limiter: @unchecked Sendable {
    enum Kind: Equatable {
        /// `Depends(provider, max_concurrency=N)` at `declaration` (file:line:column of the `Depends(...)`).
        case slot(provider: String, declaration: String)
        case pool(String)
        case threadpool
    }

    let kind: Kind
    let capacity: Int
    private(set) var available: Int
    /// Request id → units it holds (a request may hold several: the same pool twice, say).
    private(set) var holders: [Int: Int] = [:]
    private(set) var waiters: [EventLoop.Task] = []

    init(_ kind: Kind, capacity: Int) {
        self.kind = kind
        self.capacity = capacity
        self.available = capacity
    }

    /// The qualifier its events carry (`wait get_db max_concurrency`).
    var qualifier: String {
        switch kind {
        case .slot: return "max_concurrency"
        case .pool: return "pool"
        case .threadpool: return "threadpool"
        }
    }

    /// The subject of its events: the limited provider, the pool's name, or `threadpool`.
    var subject: String {
        switch kind {
        case .slot(let provider, _): return provider
        case .pool(let name): return name
        case .threadpool: return "threadpool"
        }
    }

    /// What a learner calls it: "get_db's max_concurrency=1 slot", "pool db_pool (2)", "the threadpool (40 tokens)".
    var label: String {
        switch kind {
        case .slot(let provider, _): return "\(provider)'s max_concurrency=\(capacity) slot"
        case .pool(let name): return "pool \(name) (size \(capacity))"
        case .threadpool: return "the threadpool (\(capacity) token\(capacity == 1 ? "" : "s"))"
        }
    }

    var inUse: Int { capacity - available }

    func tryTake(_ request: Int) -> Bool {
        guard available > 0, waiters.isEmpty else { return false }
        available -= 1
        holders[request, default: 0] += 1
        return true
    }

    func enqueue(_ task: EventLoop.Task) { waiters.append(task) }

    /// A waiter that stops waiting (cancelled, deadlocked) leaves the queue without a unit.
    func abandon(_ task: EventLoop.Task) { waiters.removeAll { $0 === task } }

    /// Returns a unit from `request`; hands it to the first waiter, which is returned.
    func give(from request: Int) -> EventLoop.Task? {
        if let n = holders[request] { holders[request] = n > 1 ? n - 1 : nil }
        guard !waiters.isEmpty else {
            available = min(capacity, available + 1)
            return nil
        }
        let next = waiters.removeFirst()
        holders[next.id, default: 0] += 1
        return next
    }

    /// Holders in request order, for the deadlock report.
    var holderIDs: [Int] { holders.keys.sorted() }
}
