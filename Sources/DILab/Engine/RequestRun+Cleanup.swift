/// Leaving the exit stacks: except blocks, code after yield, finally — LIFO.
extension RequestRun {
    /// Exits a stack in LIFO order, letting each yield dependency see the exception in flight.
    func unwind(_ stack: inout [StackEntry], _ pending: PyError?) -> PyError? {
        var exc = pending
        while let entry = stack.popLast() {
            exc = exit(entry, exc)
        }
        return exc
    }

    /// `except` blocks first (if one matches the exception), then the success-path code after `yield`, then `finally`.
    func exit(_ entry: StackEntry, _ exc: PyError?) -> PyError? {
        // Borrowed from the compiled facts when there are some (`call`/`enter` do the same).
        if let box = entry.dependant.facts?.providerBox { return withExtendedLifetime(box) { exit(entry, box.value, exc) } }
        guard let provider = entry.dependant.provider else { return exc }
        return exit(entry, provider, exc)
    }

    func exit(_ entry: StackEntry, _ provider: Provider, _ exc: PyError?) -> PyError? {
        let th = thread(async: provider.isAsync)
        var result = exc
        var env = withContext(entry.env)
        var leaksPool = false
        defer {
            if let pool = entry.pool, !leaksPool { release(pool, for: provider.name, depth: entry.depth) }
            if let slot = entry.slot { release(slot, for: provider.name, depth: entry.depth) }
        }
        let cancelling = exc?.type == "CancelledError" || (task?.cancelRequested ?? false)
        if WrappedCallable.forwardsYields(provider), exc != nil || cancelling {
            // The test's gen_wrapper / async_gen_wrapper: `async for item in ...: yield item` takes the exception at
            // its own yield and leaves the wrapped generator suspended; Python closes it when the garbage collector
            // or a later loop turn drops it (observed at varying moments): refused, not guessed.
            emit(.violation, provider.name, WrappedCallable.forwardedExceptionRefusal(provider, exc ?? PyError(type: "CancelledError", message: "")),
                 q: "wrapped-async-generator-exception", depth: entry.depth)
            return exc ?? PyError(type: "CancelledError", message: "")
        }
        var seen = exc
        var closedByPython = false
        if cancelling, !provider.isAsync, !profile.shieldsCleanup {
            // Before 0.162.7 a sync generator's exit is `await to_thread.run_sync(...)` in the cancelled scope: AnyIO
            // refuses to start it, so FastAPI never runs the code after yield. On 0.106–0.120 CPython then closes the
            // generator as the unwinding drops it — GeneratorExit, on the event loop; on 0.105 it stays open until
            // the garbage collector gets to it, and so does whatever it holds (observed, docs/beyond-the-spec.md).
            // Only while the CancelledError itself unwinds the stack is the generator dropped at once; a cancel still
            // pending (the response went out first) leaves it referenced, like 0.105 always does.
            guard profile != .v0_105, exc?.type == "CancelledError" else {
                leaksPool = entry.pool != nil
                emit(.cancel, provider.name, "FastAPI never runs this cleanup: run_sync refuses to start in a cancelled scope (shielded only from 0.162.7); the generator stays open until Python's garbage collector closes it",
                     q: "CancelledError", depth: entry.depth, thread: th)
                closed.append(provider.name)
                return exc?.type == "CancelledError" ? exc : PyError(type: "CancelledError", message: "")
            }
            seen = PyError(type: "GeneratorExit", message: "")
            closedByPython = true
        }
        if let e = seen {
            env[Builtin.exc] = .object([("type", .string(e.type)), ("status", e.status.map(Value.int) ?? .null), ("detail", e.detail ?? .null), ("message", .string(e.message))])
            if let h = provider.handlers.first(where: { e.isInstance(of: $0.catches) }) {
                var action = h.action
                do throws(PyError) { if try !(h.when?.holds(in: env) ?? true) { action = .reraise } } catch {
                    // The `except` block's own condition raised: that exception replaces the one it saw.
                    action = .raise(RaiseSpec(exception: error.type, message: .value(.string(error.message))))
                }
                switch action {
                case .reraise:
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → re-raises", q: "\(e.summary) → re-raised", depth: entry.depth, thread: th)
                case .swallow:
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → swallows it (no raise)", q: "\(e.summary) → swallowed", depth: entry.depth, thread: th)
                    result = nil
                case .raise(let spec):
                    let converted: PyError
                    do throws(PyError) { converted = try makeError(spec, env: env) } catch { converted = error }
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → raises \(converted.display)", q: "\(e.summary) → \(converted.summary)", depth: entry.depth, thread: th)
                    result = converted
                }
            }
        }
        let when = exc?.type == "CancelledError" ? "as the cancellation unwinds"
            : connection != nil ? "when the websocket endpoint is done" : responseSent ? "after the response" : "before the response"
        if closedByPython {
            emit(.exit, provider.name, "not FastAPI's cleanup: run_sync refused to start it, and CPython closes the dropped generator with GeneratorExit, on the event loop (shielded only from 0.162.7)",
                 depth: entry.depth, thread: .loop, data: ["scope": entry.scope])
            if let loop, let task, loop.sleep(task, provider.cleanup.duration, interruptible: false) == .deadlocked { return halt() }
            closed.append(provider.name)
            return result?.type == "GeneratorExit" || result == nil ? PyError(type: "CancelledError", message: "") : result
        }
        let label = entry.scope == StackEntry.withBlock ? "async with" : entry.scope == "function" ? "scope=function" : (profile.lifecycle == .modern ? "scope=request" : "exit stack")
        emit(.exit, provider.name, .exit(label: label, when: entry.scope == StackEntry.withBlock ? "at the end of its block" : when, scope: entry.scope),
             depth: entry.depth, thread: th)
        if let cut = cleanupPause(provider, depth: entry.depth) {
            closed.append(provider.name)
            return cut
        }
        if exc == nil {
            do {
                // The owner's name is made only when there are tasks to add (a concatenation per cleanup, else).
                if !provider.cleanup.addsTasks.isEmpty { try addTasks(provider.cleanup.addsTasks, env: env, by: provider.name + " cleanup", depth: entry.depth) }
                try raiseIfDue(provider.cleanup.raises, env: env, by: provider.name, depth: entry.depth)
            } catch let e {
                result = e
            }
        }
        closed.append(provider.name)
        if result == nil, task?.cancelRequested ?? false, profile.shieldsCleanup, provider.isAsync {
            // The shielded exit finished; `checkpoint_if_cancelled()` after it delivers the pending cancellation.
            return cancelled(in: provider.name, depth: entry.depth)
        }
        return result
    }

    /// The cleanup's own await. From 0.162.7 an exit is shielded: it runs to its end, cancelled or not. Before,
    /// an async cleanup is cut at its first await when the task is cancelled; returns the CancelledError then.
    func cleanupPause(_ provider: Provider, depth: Int) -> PyError? {
        let shielded = profile.shieldsCleanup || !provider.isAsync
        guard let loop, let task else {
            clock.advance(provider.cleanup.duration)
            return nil
        }
        if shielded || provider.cleanup.duration <= 0 {
            if loop.sleep(task, provider.cleanup.duration, interruptible: false) == .deadlocked { return halt() }
            return nil
        }
        switch loop.sleep(task, provider.cleanup.duration, interruptible: true) {
        case .ready: return nil
        case .deadlocked: return halt()
        case .cancelled:
            emit(.cancel, provider.name, "cleanup cut at its first await: exits are shielded only from FastAPI 0.162.7", q: "CancelledError", depth: depth)
            return PyError(type: "CancelledError", message: "")
        }
    }
}

import Foundation
