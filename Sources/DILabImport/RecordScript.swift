/// Record mode's half of the introspection script: wrappers FastAPI classifies as it does the app's callables,
/// which write down each call's arguments, value and exceptions, and `BackgroundTasks.add_task` patched likewise.
enum RecordScript {
    static let wrappers = #"""
# ── record mode ──────────────────────────────────────────────────────────────────────────────────
EVENTS = []  # every event, tagged with the request number
CALLS = []  # one entry per call of a wrapped callable
_request = [0]
_current = contextvars.ContextVar("dilab_import_current", default=None)
WRAPPED = {}


def record(kind, subject, q=""):
    on_loop = threading.current_thread() is threading.main_thread()
    EVENTS.append({"request": _request[0], "kind": kind, "subject": subject, "q": q,
                   "thread": "loop" if on_loop else "threadpool"})


def _plain(value, depth=0):
    """A recorded value as dilab's templates would see it: data as is, the app's own objects as their public
    fields, anything else as `<TypeName>`."""
    if depth > 20:
        return "<deep>"
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    try:
        from pydantic import BaseModel
        if isinstance(value, BaseModel):
            return {"<model>": type(value).__name__, "fields": _plain(value.model_dump() if hasattr(value, "model_dump") else value.dict(), depth + 1)}
    except ImportError:
        pass
    fields = getattr(value, "__dict__", None)
    module = type(value).__module__ or ""
    if isinstance(fields, dict) and not module.startswith(("fastapi", "starlette", "builtins")) and not isinstance(value, BaseException):
        return {"<object>": type(value).__name__, "fields": {k: _plain(v, depth + 1) for k, v in fields.items() if isinstance(k, str) and not k.startswith("_")}}
    return f"<{type(value).__name__}>"


def _exc(exc):
    from starlette.exceptions import HTTPException as StarletteHTTPException
    if isinstance(exc, StarletteHTTPException):
        return {"type": "HTTPException", "status": exc.status_code, "detail": _plain(exc.detail),
                "headers": dict(exc.headers or {})}
    return {"type": type(exc).__name__, "message": str(exc), "builtin": type(exc).__module__ == "builtins"}


def _summary(exc):
    from starlette.exceptions import HTTPException as StarletteHTTPException
    return f"HTTPException {exc.status_code}" if isinstance(exc, StarletteHTTPException) else type(exc).__name__


class _Call:
    def __init__(self, key, role, kwargs):
        self.entry = {"request": _request[0], "callable": key, "role": role,
                      "args": {k: _plain(v) for k, v in kwargs.items()}, "tasks": []}
        CALLS.append(self.entry)
        self.name = CALLABLES[key]["python_name"] if key in CALLABLES else str(key)

    def returned(self, value):
        self.entry["returned"] = _plain(value)

    def raised(self, exc):
        self.entry["raised"] = _exc(exc)
        record("raise", self.name, _summary(exc))


def _signature(call):
    try:
        return inspect.signature(call, eval_str=True)
    except Exception:
        return inspect.signature(call)


def wrap(call, role):
    """A callable FastAPI classifies exactly as it does `call` (the same sync/async/generator kind, the same
    signature), that records its events, arguments, value and exceptions."""
    key = id(call)
    if key in WRAPPED:
        return WRAPPED[key]
    d = CALLABLES[key]
    is_async, is_gen = d["async"], d["generator"]
    kind = "handler" if role == "handler" else ("enter" if is_gen else "call")

    def start(kwargs):
        c = _Call(key, role, kwargs)
        token = _current.set(c)
        if not is_gen:
            record(kind, c.name)
        return c, token

    if is_gen and is_async:
        async def wrapper(**kwargs):
            c, token = start(kwargs)
            gen = call(**kwargs)
            try:
                value = await gen.__anext__()
            except BaseException as exc:
                c.raised(exc)
                raise
            finally:
                _current.reset(token)
            c.returned(value)
            record("enter", c.name)
            try:
                yield value
            except BaseException as exc:
                c.entry["thrown"] = _exc(exc)
                try:
                    await gen.athrow(exc)
                except StopAsyncIteration:
                    c.entry["after_throw"] = "swallow"
                except BaseException as again:
                    c.entry["after_throw"] = "reraise" if again is exc else "convert"
                    if again is not exc:
                        c.entry["converted"] = _exc(again)
                    record("exit", c.name)
                    raise
                record("exit", c.name)
                return
            try:
                await gen.__anext__()
            except StopAsyncIteration:
                pass
            except BaseException as exc:
                c.entry["cleanup_raised"] = _exc(exc)
                record("exit", c.name)
                raise
            record("exit", c.name)
    elif is_gen:
        def wrapper(**kwargs):
            c, token = start(kwargs)
            gen = call(**kwargs)
            try:
                value = next(gen)
            except BaseException as exc:
                c.raised(exc)
                raise
            finally:
                _current.reset(token)
            c.returned(value)
            record("enter", c.name)
            try:
                yield value
            except BaseException as exc:
                c.entry["thrown"] = _exc(exc)
                try:
                    gen.throw(exc)
                except StopIteration:
                    c.entry["after_throw"] = "swallow"
                except BaseException as again:
                    c.entry["after_throw"] = "reraise" if again is exc else "convert"
                    if again is not exc:
                        c.entry["converted"] = _exc(again)
                    record("exit", c.name)
                    raise
                record("exit", c.name)
                return
            try:
                next(gen)
            except StopIteration:
                pass
            except BaseException as exc:
                c.entry["cleanup_raised"] = _exc(exc)
                record("exit", c.name)
                raise
            record("exit", c.name)
    elif is_async:
        async def wrapper(**kwargs):
            c, token = start(kwargs)
            try:
                value = await call(**kwargs)
            except BaseException as exc:
                c.raised(exc)
                raise
            finally:
                _current.reset(token)
            c.returned(value)
            return value
    else:
        def wrapper(**kwargs):
            c, token = start(kwargs)
            try:
                value = call(**kwargs)
            except BaseException as exc:
                c.raised(exc)
                raise
            finally:
                _current.reset(token)
            c.returned(value)
            return value
    wrapper.__signature__ = _signature(call)
    wrapper.__name__ = d["python_name"]
    WRAPPED[key] = wrapper
    return wrapper


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

    /// Raw ASGI requests (as the export's driver sends them: the same scope, a body, then http.disconnect once the
    /// response is sent), the lifespan around them, and `main`, which prints one JSON document.
    static let driver = #"""
def _asgi_scope(spec):
    """The raw ASGI scope and body a server sends (as the export's driver builds them)."""
    from urllib.parse import unquote
    path, _, query = spec["target"].partition("?")
    headers = [(b"host", b"testserver")]
    headers += [(k.lower().encode(), v.encode()) for k, v in spec["headers"]]
    if spec["cookies"]:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in spec["cookies"]).encode()))
    body = spec["body"].encode() if spec["body"] is not None else b""
    if spec["body"] is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": spec["method"], "scheme": "http", "path": unquote(path), "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "", "headers": headers,
             "client": ("testclient", 50000), "server": ("testserver", 80), "extensions": {}}
    return scope, body


async def _one(app, spec):
    scope, body = _asgi_scope(spec)
    done = asyncio.Event()
    result = {"status": None, "headers": {}, "body": b""}
    received = [False]

    async def receive():
        if not received[0]:
            received[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            result["status"] = message["status"]
            result["headers"] = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
            record("response", message["status"])
        elif message["type"] == "http.response.body":
            result["body"] += message.get("body", b"")
            if not message.get("more_body", False):
                record("sent", result["status"])
                done.set()

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=60)
    except Exception as exc:
        while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
            exc = exc.exceptions[0]
        record("server.error", type(exc).__name__)
    finally:
        done.set()
    text = result["body"].decode("utf-8", "replace")
    out = {"status": result["status"], "content_type": result["headers"].get("content-type", ""), "text": text}
    return out


async def drive(app, route_list, specs):
    from fastapi.routing import APIRoute, APIWebSocketRoute
    for r in route_list:
        if isinstance(getattr(r, "original_route", r), (APIRoute, APIWebSocketRoute)):
            _patch(r.dependant, "handler")
    for original, override in list(app.dependency_overrides.items()):
        app.dependency_overrides[original] = wrap(override, "dependency")
    _patch_background_tasks()
    messages, replies = asyncio.Queue(), asyncio.Queue()
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, messages.get, replies.put))
    await messages.put({"type": "lifespan.startup"})
    reply = await asyncio.wait_for(replies.get(), timeout=30)
    if reply["type"].endswith(".failed"):
        raise RuntimeError(reply.get("message", "lifespan startup failed"))
    results = []
    for i, spec in enumerate(specs, start=1):
        _request[0] = i
        results.append(await _one(app, spec))
    _request[0] = 0
    await messages.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(replies.get(), timeout=30)
    await lifespan
    return results


def main():
    _parse_argv(sys.argv[1:])
    try:
        module, attr, app = load_app()
    except BaseException:
        traceback.print_exc()
        sys.exit(3)
    try:
        out = introspect(module, attr, app)
    except BaseException:
        traceback.print_exc()
        sys.exit(5)
    if ARGS["record"]:
        specs = [json.loads(s) for s in ARGS["record"]]
        try:
            out["responses"] = asyncio.run(drive(app, _route_list(app), specs))
        except BaseException:
            traceback.print_exc()
            sys.exit(4)
        out["calls"] = CALLS
        out["events"] = EVENTS
        out["tasks"] = list(TASKS.values())
        out["callables"] = [CALLABLES[k] for k in CALLABLES]
    sys.stdout.write("\n" + json.dumps(out, ensure_ascii=False, default=repr) + "\n")


if __name__ == "__main__":
    main()
"""#
}
