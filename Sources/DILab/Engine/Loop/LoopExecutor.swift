import Foundation

/// Serve's HTTP handlers as jobs of the engine's own threads: a `TaskExecutor` whose jobs the thread holding the
/// real-clock loop's baton runs whenever it schedules (`EventLoop.realTurn`). A connection's task that prefers it
/// (`withTaskExecutorPreference`) reads its request, submits it, resumes when the engine sends the head and writes
/// the body on the engine's thread, so none of those steps wakes another thread: the engine's task that waits for
/// its body to be written finds the body written when it next looks, and goes on. Nothing about ordering changes:
/// a job only posts what happened outside (an arrival, a body written), exactly as a handler on the cooperative
/// pool did. Once the loop has ended, a thread of the executor's own runs what is left (connections still closing).
public final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [UnownedJob] = []
    /// The last batch's storage, reused for the next: only the thread holding the baton drains (after the loop,
    /// only the executor's own thread), so it needs no lock.
    private var spare: [UnownedJob] = []
    private var detached = false
    private let wake: @Sendable () -> Void
    private let fallback = DispatchSemaphore(value: 0)

    /// `wake` nudges the loop's baton holder (its wake-up semaphore).
    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.lock()
        jobs.append(job)
        let alone = detached
        lock.unlock()
        if alone { fallback.signal() } else { wake() }
    }

    /// Runs the jobs queued so far (not the ones they enqueue: the next turn does); true if it ran any.
    @discardableResult
    func drain() -> Bool {
        var batch = spare
        spare = []
        lock.lock()
        guard !jobs.isEmpty else {
            lock.unlock()
            spare = batch
            return false
        }
        swap(&batch, &jobs)
        lock.unlock()
        let me = asUnownedTaskExecutor()
        for job in batch { job.runSynchronously(on: me) }
        batch.removeAll(keepingCapacity: true)
        spare = batch
        return true
    }

    /// The loop is over: a thread of the executor's own runs later jobs (and any left), so no task is stranded.
    func detach() {
        lock.lock()
        guard !detached else { lock.unlock(); return }
        detached = true
        lock.unlock()
        let thread = Thread { [self] in
            while true {
                while drain() {}
                fallback.wait()
            }
        }
        thread.name = "dilab-executor"
        thread.start()
    }
}
