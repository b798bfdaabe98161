/// Awaits, limiters, disconnects and cancellation: where a request meets the other requests on the loop.
/// A request simulated alone (no `at:`) has no loop: a duration only advances its clock, and a limiter that
/// is full can never be given back, so waiting on it is a deadlock at once.
extension RequestRun {
    /// An await of `ms`. Async code waits on the loop and a cancellation lands here; sync code runs in a worker
    /// thread, which AnyIO lets finish, so the cancellation shows when it returns.
    func pause(_ ms: Int, async isAsync: Bool, in subject: String, depth: Int = 0) throws(PyError) {
        guard let loop, let task else {
            clock.advance(ms)
            return
        }
        switch loop.sleep(task, ms, interruptible: isAsync) {
        case .ready: return
        case .cancelled: throw cancelled(in: subject, depth: depth)
        case .deadlocked: throw halt()
        }
    }

    /// CancelledError, landing in `subject` (at an await, or at `run_sync`'s check before it takes a thread).
    func cancelled(in subject: String, depth: Int) -> PyError {
        emit(.cancel, subject, "the server cancelled the request: CancelledError at this checkpoint", q: "CancelledError", depth: depth)
        return PyError(type: "CancelledError", message: "")
    }

    /// A deadlocked request stops for good: it emits nothing more, and its cleanups never run.
    func halt() -> PyError {
        if !halted, let (limiter, text) = deadlockReport {
            emit(.deadlock, limiter.subject, text, q: limiter.qualifier)
        }
        halted = true
        return PyError(type: "Deadlock", message: "")
    }

    /// Takes a unit of `limiter` for `subject`, waiting first come, first served. Slots and pools always show
    /// the acquire; the threadpool only when it had to wait (every sync call takes a token).
    func acquire(_ limiter: Limiter, for subject: String, interruptible: Bool, depth: Int) throws(PyError) {
        let what = limiter.subject
        // Acquiring is a checkpoint (AnyIO's `checkpoint_if_cancelled`, `run_sync`'s check before a thread).
        if interruptible, task?.cancelRequested == true { throw cancelled(in: subject, depth: depth) }
        if limiter.tryTake(id) {
            if limiter.kind != .threadpool {
                emit(.acquire, what, "\(subject) takes \(limiter.label) · \(limiter.inUse) of \(limiter.capacity) in use", q: limiter.qualifier, depth: depth)
            }
            return
        }
        guard let loop, let task else {
            emit(.wait, what, "\(subject) waits for \(limiter.label): all \(limiter.capacity) in use", q: limiter.qualifier, depth: depth)
            deadlockReport = (limiter, "request \(id) waits for \(limiter.label), held by request \(id) itself: nothing can give it back, so FastAPI hangs here until the client gives up")
            throw halt()
        }
        let holders = limiter.holderIDs.map { "request \($0)" }.joined(separator: ", ")
        emit(.wait, what, "\(subject) waits for \(limiter.label): held by \(holders)" + (limiter.waiters.isEmpty ? "" : ", \(limiter.waiters.count) already waiting"),
             q: limiter.qualifier, depth: depth)
        switch loop.acquire(limiter, task, interruptible: interruptible) {
        case .ready:
            emit(.acquire, what, "\(subject) gets \(limiter.label) after waiting · \(limiter.inUse) of \(limiter.capacity) in use", q: limiter.qualifier, depth: depth)
        case .cancelled:
            throw cancelled(in: subject, depth: depth)
        case .deadlocked:
            throw halt()
        }
    }

    func release(_ limiter: Limiter, for subject: String, depth: Int) {
        guard !halted else { return }
        let next = limiter.waiters.first?.id
        if let loop, let task { loop.release(limiter, task) } else { _ = limiter.give(from: id) }
        if limiter.kind != .threadpool {
            emit(.release, limiter.subject, "\(subject) gives back \(limiter.label) · " + (next.map { "handed straight to request \($0), first in the queue" }
                 ?? "\(limiter.inUse) of \(limiter.capacity) in use"), q: limiter.qualifier, depth: depth)
        }
    }

    /// A sync callable's worker thread: only a concurrent run can run out of tokens.
    func takeThread(_ isAsync: Bool, for subject: String, depth: Int) throws(PyError) {
        guard !isAsync, loop != nil else { return }
        try acquire(engine.threadpool, for: subject, interruptible: true, depth: depth)
    }

    func giveThread(_ isAsync: Bool, for subject: String) {
        guard !isAsync, loop != nil else { return }
        release(engine.threadpool, for: subject, depth: 0)
    }

    /// A callable's own duration (an await, or its time in a worker thread); its thread goes back afterwards,
    /// also when the await raises.
    func work(_ ms: Int, async isAsync: Bool, in subject: String, depth: Int = 0) throws(PyError) {
        defer { giveThread(isAsync, for: subject) }
        if middleware.heldStatus != nil { releaseHeldSent(async: isAsync, ms: ms) }
        try pause(ms, async: isAsync, in: subject, depth: depth)
    }

    /// What a provider's body takes before it runs: a worker thread if it is sync, then its pool's unit (a sync
    /// body waits for that inside its thread). The thread goes back if the pool wait raises.
    func takeThreadAndPool(_ provider: Provider, depth: Int) throws(PyError) -> Limiter? {
        try takeThread(provider.isAsync, for: provider.name, depth: depth)
        do throws(PyError) { return try takePool(provider, depth: depth) } catch {
            giveThread(provider.isAsync, for: provider.name)
            throw error
        }
    }

    /// `Depends(..., max_concurrency=N)` of this use site (an override keeps the original declaration's limit).
    /// `limited: false` (the compiled facts say the use has no `max_concurrency`) skips reading the declaration.
    func takeSlot(_ sub: Dependant, depth: Int, limited: Bool = true) throws(PyError) -> Limiter? {
        // Asked of the borrowed declaration first: most uses have no limit, and copying the spec is a dozen retains.
        guard limited, profile.supportsMaxConcurrency, case .limit(let n)? = sub.use?.maxConcurrency, let spec = sub.use else { return nil }
        let limiter = engine.limiter(.slot(provider: spec.provider, declaration: spec.declaration), capacity: n)
        try acquire(limiter, for: sub.callName, interruptible: true, depth: depth)
        return limiter
    }

    /// The pool a provider's body takes a unit from first; a sync body waits inside its thread.
    func takePool(_ provider: Provider, depth: Int) throws(PyError) -> Limiter? {
        guard let name = provider.acquires, let pool = app.scenario.pools.first(where: { $0.name == name }) else { return nil }
        let limiter = engine.limiter(.pool(name), capacity: pool.size)
        try acquire(limiter, for: provider.name, interruptible: provider.isAsync, depth: depth)
        return limiter
    }

    // MARK: the client and the server, from the loop's thread

    /// uvicorn's way: `http.disconnect` arrives on `receive()`; nothing is cancelled except a streaming body,
    /// whose `listen_for_disconnect` stops it at its next await.
    func clientDisconnects() {
        guard !halted, !finished else { return }
        clientGone = true
        emit(.disconnect, request.line, streaming ? "the client went away: http.disconnect; Starlette's listen_for_disconnect cancels the streaming body"
                                                  : "the client went away: uvicorn sends http.disconnect, but nothing listens for it now, so the app goes on",
             q: "http.disconnect")
        if streaming, let loop, let task { loop.interrupt(task) }
    }

    /// The server cancels the request's task (an AnyIO cancel scope around the app).
    func serverCancels() {
        guard !halted, !finished, let loop, let task else { return }
        loop.cancel(task)
    }
}
