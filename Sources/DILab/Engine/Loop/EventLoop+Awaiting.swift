import Foundation

/// A task's awaits, on its own thread while it holds the baton: a duration, a limiter's unit, a wake-up from
/// outside. Each blocks the task until the loop (or, on the real clock, the thread that schedules) wakes it.
extension EventLoop {
    /// An await of `ms`. Interruptible awaits end early when the task is cancelled; a sync callable's time in its
    /// worker thread is not interruptible (AnyIO waits for the thread), and the cancel lands at the next checkpoint.
    func sleep(_ task: Task, _ ms: Int, interruptible: Bool) -> Wake {
        if task.halted { return .deadlocked }
        // A zero duration is no await, so no checkpoint: a pending cancellation waits for the next real one.
        guard ms > 0 else { return .ready }
        if interruptible, task.cancelRequested { return .cancelled }
        tickets += 1
        task.timer = tickets
        task.wake = .ready
        seq += 1
        queue.push(Entry(time: now.addingReportingOverflow(ms).overflow ? Int.max : now + ms, seq: seq, action: .resume(task, ticket: tickets)))
        block(task, interruptible: interruptible)
        // Sync code in a worker thread: AnyIO does not raise when the thread returns; a cancellation requested
        // meanwhile stays pending until the task's next checkpoint.
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
        return task.wake
    }

    /// Blocks until someone calls `wakeNow` for it (a websocket frame or message arriving): no timer, no limiter.
    /// A parked task counts as waiting, so when nothing else can move it is part of a deadlock.
    func park(_ task: Task, interruptible: Bool) -> Wake {
        if task.halted { return .deadlocked }
        if interruptible, task.cancelRequested { return .cancelled }
        task.wake = .ready
        task.timer = -1
        block(task, interruptible: interruptible)
        return task.wake
    }

    /// Gives a unit back; the first waiter (if any) gets it and continues now.
    func release(_ limiter: Limiter, _ task: Task) {
        if let next = limiter.give(from: task.id) {
            next.waitingOn = nil
            wakeNow(next, .ready)
        }
    }

    func block(_ task: Task, interruptible: Bool) {
        task.interruptible = interruptible
        if real != nil {
            realTurn(me: task)   // this thread schedules until `task` may go on (EventLoop+HandOver.swift)
        } else {
            baton.signal()
            task.resume.wait()
        }
        task.interruptible = false
    }
}
