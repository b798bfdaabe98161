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
    /// (`noop_wrap_async`, line for line the test's, generator branches included), with or without `@functools.wraps`.
    func writeDecoratorDefinition(_ name: String, _ wrapped: WrappedBy, into w: inout PythonWriter) {
        w.line("def \(name)(func):")
        w.indented { w in
            if wrapped.isAsync {
                writeAsyncWrapperBody(into: &w)
                return
            }
            if wrapped.keepsWrapped { w.line("@functools.wraps(func)") }
            w.line("def wrapper(*args, **kwargs):")
            w.indented { $0.line("return func(*args, **kwargs)") }
            w.line()
            w.line("return wrapper")
        }
    }

    /// The test's `noop_wrap_async`: an async generator around a generator function (iterated in the threadpool)
    /// or an async generator function, otherwise a coroutine function that awaits or threadpools what it wraps.
    /// The test's `iscoroutinefunction` is asyncio's below Python 3.13, which the pinned venvs run.
    private func writeAsyncWrapperBody(into w: inout PythonWriter) {
        w.line("from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool")
        w.line()
        w.line("if inspect.isgeneratorfunction(func):")
        w.line()
        w.indented { w in
            w.line("@functools.wraps(func)")
            w.line("async def gen_wrapper(*args, **kwargs):")
            w.indented { w in
                w.line("async for item in iterate_in_threadpool(func(*args, **kwargs)):")
                w.indented { $0.line("yield item") }
            }
            w.line()
            w.line("return gen_wrapper")
        }
        w.line()
        w.line("elif inspect.isasyncgenfunction(func):")
        w.line()
        w.indented { w in
            w.line("@functools.wraps(func)")
            w.line("async def async_gen_wrapper(*args, **kwargs):")
            w.indented { w in
                w.line("async for item in func(*args, **kwargs):")
                w.indented { $0.line("yield item") }
            }
            w.line()
            w.line("return async_gen_wrapper")
        }
        w.line()
        w.line("@functools.wraps(func)")
        w.line("async def wrapper(*args, **kwargs):")
        w.indented { w in
            w.line("if inspect.isroutine(func) and asyncio.iscoroutinefunction(func):")
            w.indented { $0.line("return await func(*args, **kwargs)") }
            w.line("if inspect.isclass(func):")
            w.indented { $0.line("return await run_in_threadpool(func, *args, **kwargs)") }
            w.line("dunder_call = getattr(func, \"__call__\", None)  # noqa: B004")
            w.line("if asyncio.iscoroutinefunction(dunder_call):")
            w.indented { $0.line("return await dunder_call(*args, **kwargs)") }
            w.line("return await run_in_threadpool(func, *args, **kwargs)")
        }
        w.line()
        w.line("return wrapper")
    }
}
