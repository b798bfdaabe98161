import Foundation

/// The real clock's scheduler (serve): the same queue, inbox, tie-breaks and deadlock rule as `run()`, but with no
/// loop thread between tasks. The thread holding the baton schedules the next step itself when its task blocks or
/// ends: it goes on at once when the next wake-up is its own, hands the baton straight to the task that is next,
/// and a thread whose task has ended starts the next arrival on its own stack. An idle server's baton holder waits
/// for the next submission or timer. Per request that is one wake-up per hand-off instead of two (task → loop →
/// task), and none when a request runs from arrival to its end without another one in between. Arrivals wait
/// until no wake-up is due, so under load a thread finishes its request (its body written) before it starts the
/// next arrival itself, rather than handing that to another thread and waiting to be handed back.
extension EventLoop {
    /// What the thread holding the baton does next.
    enum Turn {
        /// Its own task goes on.
        case proceed
        /// It has no task (its task ended): it runs this one's body.
        case start(Task)
        /// The loop is over: the thread ends.
        case end
    }

    /// `run()` on the real clock: this thread is the first free worker, and returns when the loop is over.
    func runHandingOver() {
        let me = Worker()
        runFree(realTurn(me: nil, worker: me), worker: me)
    }

    /// A free thread: runs the task it is given to its end, schedules, and so on until the loop is over.
    private func runFree(_ first: Turn, worker: Worker) {
        var turn = first
        while case .start(let task) = turn {
            task.body?()
            task.body = nil
            task.done = true
            turn = realTurn(me: nil, worker: worker)
        }
    }

    /// The thread holding the baton schedules until `me` may go on (`.proceed`) or, for a free thread (`me` nil),
    /// until it is given a task to start or the loop is over.
    @discardableResult
    func realTurn(me: Task?, worker: Worker? = nil) -> Turn {
        guard let real else { preconditionFailure("the hand-over scheduler runs on the real clock") }
        while true {
            jobs?.drain()   // serve's HTTP handlers, when they prefer the loop's executor (LoopExecutor.swift)
            takeInbox()
            // Due wake-ups first (a body written, a timer), then the oldest arrival, then wait for the next timer.
            let top: Entry
            if let due = queue.peek, due.time <= real.now {
                top = due
                _ = queue.pop()
            } else if let arrival = nextArrival() {
                top = Entry(time: now, seq: 0, action: arrival)
            } else if let next = queue.peek {
                _ = wakeup.wait(timeout: .now() + real.seconds(next.time - real.now))
                continue
            } else {
                tasks.removeAll { $0.done }
                if haltStuckTasks() { continue }
                if me == nil, tasks.isEmpty, isStopping {
                    // Nothing runs and nothing will start: the idle threads end too.
                    starting = nil
                    for w in idle { w.job.signal() }
                    idle.removeAll()
                    jobs?.detach()
                    return .end
                }
                wakeup.wait()
                continue
            }
            now = max(now, real.now)
            switch top.action {
            case .client(let action):
                action()
            case .start(let task, let body):
                task.body = body
                guard let me else { return .start(task) }
                starting = task
                handOverWorker().job.signal()
                me.resume.wait()
                return .proceed
            case .resume(let task, let ticket):
                guard ticket == task.timer, !task.done else { continue }
                if task.awaitingOutside { task.awaitingOutside = false }
                if task === me { return .proceed }
                return pass(to: task, me: me, worker: worker)
            }
        }
    }

    /// Hands the baton to `task`. A thread with a task waits until someone hands it back; a free one waits in the
    /// idle list (put there before the hand-off: from then on the other thread owns the loop's state).
    private func pass(to task: Task, me: Task?, worker: Worker?) -> Turn {
        if let me {
            task.resume.signal()
            me.resume.wait()
            return .proceed
        }
        guard let worker else { preconditionFailure("a free thread schedules with its worker") }
        idle.append(worker)
        task.resume.signal()
        return waitForWork(worker)
    }

    /// The oldest request that has arrived and not started (real clock only).
    private func nextArrival() -> Action? {
        guard arrivalsStart < arrivals.count else { return nil }
        let a = arrivals[arrivalsStart]
        arrivalsStart += 1
        if arrivalsStart == arrivals.count {
            arrivals.removeAll(keepingCapacity: true)
            arrivalsStart = 0
        }
        return a
    }

    /// An idle thread's wait: the next task to start, or the end of the loop.
    private func waitForWork(_ worker: Worker) -> Turn {
        worker.job.wait()
        guard let task = starting else { return .end }
        starting = nil
        return .start(task)
    }

    /// An idle thread, or a new one (8 MiB of stack, like a main thread), to start `starting` on.
    private func handOverWorker() -> Worker {
        if let w = idle.popLast() { return w }
        let w = Worker()
        let thread = Thread { [self] in runFree(waitForWork(w), worker: w) }
        thread.stackSize = 8 << 20
        thread.start()
        return w
    }
}
