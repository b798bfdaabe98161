import DILab

/// `wrapped_by:` decorators: defined once, before their first use, as FastAPI's test_dependency_wrapped.py writes them.
extension ProviderWriter {
    /// `wrapped_by:` — the decorator, defined before the first provider it wraps (the loader checked its name),
    /// as FastAPI's `test_dependency_wrapped.py` writes `noop_wrap`; then `@name` on the provider.
    func writeDecorator(_ name: String, for p: Provider, applied: Bool = true, into w: inout PythonWriter) {
        // Defined with the first provider written that uses it (dependencies are written before their dependants).
        let users = Set(scenario.providers.filter { $0.wrappedBy?.decorator == name }.map(\.name))
        if (writtenOrder.first(where: users.contains) ?? scenario.providers.first(where: { users.contains($0.name) })?.name) == p.name,
           let wrapped = p.wrappedBy {
            writeDecoratorDefinition(name, wrapped, into: &w)
            w.line()
            w.line()
        }
        if applied { w.line("@\(name)") }
    }

    /// `def noop_wrap(func): ...` as FastAPI's `test_dependency_wrapped.py` writes it: sync, or async
    /// (`noop_wrap_async`), with or without `@functools.wraps`.
    func writeDecoratorDefinition(_ name: String, _ wrapped: WrappedBy, into w: inout PythonWriter) {
        w.line("def \(name)(func):")
        w.indented { w in
            if wrapped.keepsWrapped { w.line("@functools.wraps(func)") }
            if wrapped.isAsync {
                w.line("async def wrapper(*args, **kwargs):")
                w.indented { w in
                    w.line("if asyncio.iscoroutinefunction(func):")
                    w.indented { $0.line("return await func(*args, **kwargs)") }
                    if scenario.providers.contains(where: { $0.wrappedBy?.decorator == name && $0.form == .instance && $0.wrappedBy?.decoratesCall != true }) {
                        // A callable instance is no coroutine function; its `async def __call__` is.
                        w.line("if not isinstance(func, type) and asyncio.iscoroutinefunction(func.__call__):")
                        w.indented { $0.line("return await func.__call__(*args, **kwargs)") }
                    }
                    w.line("from fastapi.concurrency import run_in_threadpool")
                    w.line()
                    w.line("return await run_in_threadpool(func, *args, **kwargs)")
                }
            } else {
                w.line("def wrapper(*args, **kwargs):")
                w.indented { $0.line("return func(*args, **kwargs)") }
            }
            w.line()
            w.line("return wrapper")
        }
    }
}
