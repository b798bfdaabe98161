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
        guard let provider = entry.dependant.provider else { return exc }
        let th = thread(async: provider.isAsync)
        var result = exc
        var env = entry.env
        if let e = exc {
            env[Builtin.exc] = .object([("type", .string(e.type)), ("status", e.status.map(Value.int) ?? .null), ("detail", e.detail ?? .null), ("message", .string(e.message))])
            if let h = provider.handlers.first(where: { e.isInstance(of: $0.catches) }) {
                let action = (h.when?.holds(in: env) ?? true) ? h.action : .reraise
                switch action {
                case .reraise:
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → re-raises", q: "\(e.summary) → re-raised", depth: entry.depth, thread: th)
                case .swallow:
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → swallows it (no raise)", q: "\(e.summary) → swallowed", depth: entry.depth, thread: th)
                    result = nil
                case .raise(let spec):
                    let converted = makeError(spec, env: env)
                    emit(.catch, provider.name, "except \(h.catches): saw \(e.display) → raises \(converted.display)", q: "\(e.summary) → \(converted.summary)", depth: entry.depth, thread: th)
                    result = converted
                }
            }
        }
        emit(.exit, provider.name, .exit(label: entry.scope == "function" ? "scope=function" : (profile.lifecycle == .modern ? "scope=request" : "exit stack"),
                                         afterResponse: responseSent, scope: entry.scope),
             depth: entry.depth, thread: th)
        clock.advance(provider.cleanup.duration)
        if exc == nil {
            do {
                try addTasks(provider.cleanup.addsTasks, env: env, by: provider.name + " cleanup", depth: entry.depth)
                try raiseIfDue(provider.cleanup.raises, env: env, by: provider.name, depth: entry.depth)
            } catch let e {
                result = e
            }
        }
        closed.append(provider.name)
        return result
    }
}

import Foundation
