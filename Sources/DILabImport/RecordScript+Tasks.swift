/// Record mode's background tasks: `BackgroundTasks.add_task` patched to record each task's arguments and run,
/// and `_patch`, which puts the recording wrappers into a route's Dependant tree.
extension RecordScript {
    static let tasks = #"""
TASKS = {}


def _task_key(func):
    key = id(func)
    if key not in TASKS:
        file, line = _source(func)
        inner = func.func if isinstance(func, functools.partial) else func
        try:
            params = [n for n in inspect.signature(func).parameters]
        except (TypeError, ValueError):
            params = []
        TASKS[key] = {"id": key, "python_name": getattr(inner, "__name__", "task"), "file": file, "line": line,
                      "async": inspect.iscoroutinefunction(inner), "params": params}
    return key


def _patch_background_tasks():
    from starlette.background import BackgroundTasks
    original = BackgroundTasks.add_task

    def add_task(self, func, *args, **kwargs):
        key = _task_key(func)
        t = TASKS[key]
        try:
            bound = inspect.signature(func).bind(*args, **kwargs)
            bound.apply_defaults()
            call_args = {k: _plain(v) for k, v in bound.arguments.items()}
        except (TypeError, ValueError):
            call_args = {"<args>": _plain(list(args))}
        c = _current.get()
        if c is not None:
            c.entry["tasks"].append({"task": key, "args": call_args})
        record("task.add", t["python_name"])
        request = _request[0]

        def run_entry():
            entry = {"request": request, "callable": key, "role": "task", "args": call_args}
            CALLS.append(entry)
            return entry

        if t["async"]:
            async def runner(*a, **kw):
                entry = run_entry()
                record("task.start", t["python_name"])
                try:
                    await func(*a, **kw)
                except BaseException as exc:
                    entry["raised"] = _exc(exc)
                    record("task.fail", t["python_name"], _summary(exc))
                    raise
                record("task.end", t["python_name"])
        else:
            def runner(*a, **kw):
                entry = run_entry()
                record("task.start", t["python_name"])
                try:
                    func(*a, **kw)
                except BaseException as exc:
                    entry["raised"] = _exc(exc)
                    record("task.fail", t["python_name"], _summary(exc))
                    raise
                record("task.end", t["python_name"])
        return original(self, runner, *args, **kwargs)

    BackgroundTasks.add_task = add_task


def _patch(dependant, role):
    if dependant.call is not None and id(dependant.call) in CALLABLES and CALLABLES[id(dependant.call)]["form"] not in ("scheme", "unsupported"):
        dependant.call = wrap(dependant.call, role)
    for sub in dependant.dependencies:
        _patch(sub, "dependency")


"""#
}
