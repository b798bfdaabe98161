import Foundation

/// One deterministic event loop for requests that overlap: asyncio's single loop, on a virtual clock.
///
/// Every request is a task with its own thread, but only one thread ever runs: the loop hands a baton to the
/// task it wakes and waits until that task blocks again (an await with a positive duration, a full limiter) or
/// ends. So the engine's code stays straight-line and every shared structure is touched by one thread at a time.
/// On the real clock (serve) there is no loop thread in between: whichever thread holds the baton schedules the
/// next step itself (`EventLoop+HandOver.swift`), so one hand-off wakes one thread.
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
        /// Waiting for the server (the body being written), not for the loop: never a deadlock.
        var awaitingOutside = false
        var body: (() -> Void)?
        init(id: Int) { self.id = id }
    }

    enum Action {
        case start(Task, () -> Void)
        case resume(Task, ticket: Int)
        case client(() -> Void)
    }

    struct Entry {
        var time: Int
        var seq: Int
        var action: Action
    }

    var now: Int
    var queue = WakeQueue<Entry>(before: { ($0.time, $0.seq) < ($1.time, $1.seq) })
    var seq = 0
    var tickets = 0
    /// Held by the one thread that runs (virtual clock): the loop's, or the task it handed it to.
    let baton = DispatchSemaphore(value: 0)
    var tasks: [Task] = []
    /// Called on the loop's thread when no task can run and some are blocked: the stuck tasks, in id order.
    var onDeadlock: (([Task]) -> Void)?

    init(start: Int = 0) {
        now = start
        real = nil
    }

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

    /// Drives every task to its end. On the virtual clock it returns when nothing is left to run; on the real
    /// clock it waits for the next timer or submission until `stop()`, and then for the tasks still running.
    func run() {
        if real != nil { return runHandingOver() }
        while true {
            takeInbox()
            if let top = queue.peek {
                if let real {
                    let early = top.time - real.now
                    if early > 0 {
                        _ = wakeup.wait(timeout: .now() + real.seconds(early))
                        continue
                    }
                }
                _ = queue.pop()
                now = real.map { max(now, $0.now) } ?? max(now, top.time)
                perform(top.action)
                continue
            }
            tasks.removeAll { $0.done }
            if haltStuckTasks() { continue }
            if real == nil || isStopping {
                // Let the idle workers' threads end: nothing will start on them again.
                starting = nil
                for w in idle { w.job.signal() }
                idle.removeAll()
                if real == nil || tasks.isEmpty { return }
            }
            wakeup.wait()
        }
    }

    /// Nothing can run: when no task waits for the server either, the blocked ones are stuck for good and are
    /// woken as deadlocked (true). A task waiting for the server (its body being written) will move again and may
    /// release what the others wait for.
    func haltStuckTasks() -> Bool {
        let stuck = tasks.contains { $0.awaitingOutside } ? [] : tasks.filter { !$0.halted }
        guard !stuck.isEmpty else { return false }
        onDeadlock?(stuck)
        for task in stuck {
            task.halted = true
            task.waitingOn?.abandon(task)
            task.waitingOn = nil
            wakeNow(task, .deadlocked)
        }
        return true
    }

    private func perform(_ action: Action) {
        switch action {
        case .client(let action): action()
        case .start(let task, let body):
            task.body = body
            starting = task
            idleWorker().job.signal()
            baton.wait()   // the worker holds the baton until its task blocks or ends
        case .resume(let task, let ticket):
            guard ticket == task.timer, !task.done else { return }
            if task.awaitingOutside { task.awaitingOutside = false }
            hand(to: task)
        }
    }

    // MARK: threads: one per running task, reused once its task has ended

    final class Worker: @unchecked Sendable {
        let job = DispatchSemaphore(value: 0)
    }
    var idle: [Worker] = []
    var starting: Task?

    /// A worker takes the task being started, runs it to its end, then waits for the next one.
    private func idleWorker() -> Worker {
        if let w = idle.popLast() { return w }
        let w = Worker()
        let thread = Thread { [self] in
            while true {
                w.job.wait()
                guard let task = starting else { return }
                starting = nil
                task.body?()
                task.body = nil
                task.done = true
                idle.append(w)
                baton.signal()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return w
    }

    // MARK: the real clock (serve)

    let real: RealClock?
    let wakeup = DispatchSemaphore(value: 0)
    /// Jobs the baton holder runs when it schedules (serve's HTTP handlers); nil on the virtual clock.
    var jobs: LoopExecutor?
    private let inboxLock = NSLock()
    private var inbox: [Action] = []
    /// The last batch's storage, reused: only the baton holder takes the inbox, so it needs no lock.
    private var inboxSpare: [Action] = []
    /// Requests that have arrived and not started yet, oldest first (`arrivalsStart` is the next one).
    var arrivals: [Action] = []
    var arrivalsStart = 0
    private var stopping = false
    var isStopping: Bool {
        inboxLock.lock(); defer { inboxLock.unlock() }
        return stopping
    }

    /// A loop on the real clock: durations are really waited out, and requests are submitted as they arrive.
    init(real clock: RealClock) {
        real = clock
        now = clock.now
    }

    /// From any thread: starts a task now (a request that just arrived).
    func submit(id: Int, _ body: @escaping (Task) -> Void) {
        let task = Task(id: id)
        post(.start(task, { body(task) }))
    }

    /// From any thread: ends the loop once its running tasks have finished.
    func stop() {
        inboxLock.lock()
        stopping = true
        inboxLock.unlock()
        wakeup.signal()
    }

    private func post(_ action: Action) {
        inboxLock.lock()
        inbox.append(action)
        inboxLock.unlock()
        wakeup.signal()
    }

    /// What arrived from outside: a body written is scheduled now; a new request joins `arrivals`, which the
    /// scheduler starts only when nothing on the queue is due (`EventLoop+HandOver.swift`).
    func takeInbox() {
        var actions = inboxSpare
        inboxSpare = []
        inboxLock.lock()
        guard !inbox.isEmpty else {
            inboxLock.unlock()
            inboxSpare = actions
            return
        }
        swap(&actions, &inbox)
        inboxLock.unlock()
        defer {
            actions.removeAll(keepingCapacity: true)
            inboxSpare = actions
        }
        for a in actions {
            if case .start(let task, _) = a {
                tasks.append(task)
                arrivals.append(a)
            } else {
                push(now, a)
            }
        }
    }

    /// Blocks `task` until something outside the loop (the server, when the last body byte is out) calls the
    /// closure given to `start`. Other tasks run meanwhile.
    func awaitOutside(_ task: Task, _ start: (@escaping @Sendable () -> Void) -> Void) {
        tickets += 1
        let ticket = tickets
        task.timer = ticket
        task.awaitingOutside = true
        start { [self] in post(.resume(task, ticket: ticket)) }
        block(task, interruptible: false)
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
}
