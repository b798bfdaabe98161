import Foundation

/// One deterministic event loop for requests that overlap: asyncio's single loop, on a virtual clock.
///
/// Every request is a task with its own thread, but only one thread ever runs: the loop hands a baton to the
/// task it wakes and waits until that task blocks again (an await with a positive duration, a full limiter) or
/// ends. So the engine's code stays straight-line and every shared structure is touched by one thread at a time.
///
/// Tie-break rule (documented in docs/concurrency.md): wake-ups are ordered by virtual time, then by the order in
/// which they were scheduled. Arrivals, disconnects and cancels are scheduled when the run starts (or when a
/// request without `at:` arrives), so at the same millisecond they come before the wake-ups scheduled later.
final class EventLoop: @unchecked Sendable {
    /// Why a blocked task was resumed.
    enum Wake { case ready, cancelled, deadlocked }

    /// A request's task on the loop.
    final class Task: @unchecked Sendable {
        let id: Int
        let resume = DispatchSemaphore(value: 0)
        /// The server asked to cancel it; delivered at its next interruptible await.
        var cancelRequested = false
        var wake: Wake = .ready
        /// What it waits for right now (nil while it runs or sleeps).
        var waitingOn: Limiter?
        /// The ticket of its pending timer: a timer whose ticket no longer matches was abandoned (cancelled sleep).
        var timer = 0
        var interruptible = false
        var done = false
        /// Deadlocked: it will never run again in FastAPI; it unwinds silently.
        var halted = false
        init(id: Int) { self.id = id }
    }

    private enum Action {
        case start(Task, () -> Void)
        case resume(Task, ticket: Int)
        case client(() -> Void)
    }

    private struct Entry {
        var time: Int
        var seq: Int
        var action: Action
    }

    private(set) var now: Int
    private var queue = WakeQueue<Entry>(before: { ($0.time, $0.seq) < ($1.time, $1.seq) })
    private var seq = 0
    private var tickets = 0
    private let baton = DispatchSemaphore(value: 0)
    private(set) var tasks: [Task] = []
    /// Called on the loop's thread when no task can run and some are blocked: the stuck tasks, in id order.
    var onDeadlock: (([Task]) -> Void)?

    init(start: Int = 0) { now = start }

    // MARK: scheduling (loop thread, or a task holding the baton)

    /// Starts `body` as a new task at `time`, on its own thread (8 MiB of stack, like a main thread).
    @discardableResult
    func spawn(id: Int, at time: Int, _ body: @escaping (Task) -> Void) -> Task {
        let task = Task(id: id)
        tasks.append(task)
        push(time, .start(task, { body(task) }))
        return task
    }

    /// Runs `action` on the loop at `time`, between tasks (a client's disconnect, a server's cancel).
    func at(_ time: Int, _ action: @escaping () -> Void) { push(time, .client(action)) }

    private func push(_ time: Int, _ action: Action) {
        seq += 1
        queue.push(Entry(time: max(time, now), seq: seq, action: action))
    }

    /// Drives every task to its end. Returns when nothing is left to run.
    func run() {
        while true {
            while let entry = queue.pop() {
                now = max(now, entry.time)
                switch entry.action {
                case .client(let action): action()
                case .start(let task, let body):
                    let work = Work(body)
                    let thread = Thread { [baton] in
                        task.resume.wait()
                        work.body()
                        task.done = true
                        baton.signal()
                    }
                    thread.stackSize = 8 << 20
                    thread.start()
                    hand(to: task)
                case .resume(let task, let ticket):
                    guard ticket == task.timer, !task.done else { continue }
                    hand(to: task)
                }
            }
            let stuck = tasks.filter { !$0.done }
            guard !stuck.isEmpty else { return }
            onDeadlock?(stuck)
            for task in stuck {
                task.halted = true
                task.waitingOn?.abandon(task)
                task.waitingOn = nil
                wakeNow(task, .deadlocked)
            }
        }
    }

    private func hand(to task: Task) {
        task.resume.signal()
        baton.wait()
    }

    /// Schedules a blocked task to continue at the current time.
    func wakeNow(_ task: Task, _ reason: Wake) {
        task.wake = reason
        tickets += 1
        task.timer = tickets
        push(now, .resume(task, ticket: tickets))
    }

    /// The server cancels `task`: delivered now if it waits interruptibly, else at its next interruptible await.
    func cancel(_ task: Task) {
        guard !task.done, !task.halted else { return }
        task.cancelRequested = true
        guard task.interruptible else { return }
        task.waitingOn?.abandon(task)
        task.waitingOn = nil
        wakeNow(task, .cancelled)
    }

    /// Ends an interruptible await of `task` early without cancelling the task (a stream's own cancel scope).
    func interrupt(_ task: Task) {
        guard !task.done, !task.halted, task.interruptible else { return }
        task.waitingOn?.abandon(task)
        task.waitingOn = nil
        wakeNow(task, .cancelled)
    }

    // MARK: awaiting (a task's own thread, holding the baton)

    /// An await of `ms`. Interruptible awaits end early when the task is cancelled; a sync callable's time in its
    /// worker thread is not interruptible (AnyIO waits for the thread), so a cancel then shows when it returns.
    func sleep(_ task: Task, _ ms: Int, interruptible: Bool) -> Wake {
        if task.halted { return .deadlocked }
        if interruptible, task.cancelRequested { return .cancelled }
        guard ms > 0 else { return .ready }
        tickets += 1
        task.timer = tickets
        task.wake = .ready
        seq += 1
        queue.push(Entry(time: now.addingReportingOverflow(ms).overflow ? Int.max : now + ms, seq: seq, action: .resume(task, ticket: tickets)))
        block(task, interruptible: interruptible)
        if !interruptible, task.cancelRequested, task.wake == .ready { return .cancelled }
        return task.wake
    }

    /// Waits (FIFO) until `limiter` hands this task a unit. Returns at once when one is free and nobody queues.
    func acquire(_ limiter: Limiter, _ task: Task, interruptible: Bool) -> Wake {
        if task.halted { return .deadlocked }
        if interruptible, task.cancelRequested { return .cancelled }
        if limiter.tryTake(task.id) { return .ready }
        limiter.enqueue(task)
        task.waitingOn = limiter
        task.wake = .ready
        task.timer = -1
        block(task, interruptible: interruptible)
        task.waitingOn = nil
        if !interruptible, task.cancelRequested, task.wake == .ready { return .cancelled }
        return task.wake
    }

    /// Gives a unit back; the first waiter (if any) gets it and continues now.
    func release(_ limiter: Limiter, _ task: Task) {
        if let next = limiter.give(from: task.id) {
            next.waitingOn = nil
            wakeNow(next, .ready)
        }
    }

    private func block(_ task: Task, interruptible: Bool) {
        task.interruptible = interruptible
        baton.signal()
        task.resume.wait()
        task.interruptible = false
    }
}

/// A task's body, handed to its thread; only ever run while that thread holds the baton.
private final class Work: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// A binary min-heap: the loop's pending wake-ups.
struct WakeQueue<Element> {
    private var items: [Element] = []
    let before: (Element, Element) -> Bool
    init(before: @escaping (Element, Element) -> Bool) { self.before = before }

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard before(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, before(items[l], items[m]) { m = l }
            if r < items.count, before(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
