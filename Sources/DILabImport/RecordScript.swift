/// Record mode's half of the introspection script: wrappers FastAPI classifies as it does the app's callables,
/// which write down each call's arguments, value and exceptions.
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
    fields, anything else as `{"<opaque>": TypeName}` (never a string: a handler may return "<p>html</p>")."""
    if depth > 20:
        return {"<opaque>": "deep"}
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
    return {"<opaque>": type(value).__name__}


def _exc(exc):
    from starlette.exceptions import HTTPException as StarletteHTTPException
    if isinstance(exc, StarletteHTTPException):
        return {"type": "HTTPException", "status": exc.status_code, "detail": _plain(exc.detail),
                "headers": dict(exc.headers or {})}
    if type(exc).__name__ == "WebSocketException" and type(exc).__module__.startswith(("starlette", "fastapi")):
        return {"type": "WebSocketException", "code": exc.code, "reason": exc.reason or "", "message": str(exc), "builtin": False}
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
        from starlette.responses import StreamingResponse
        if self.entry["role"] == "handler" and isinstance(value, StreamingResponse):
            self.entry["chunks"] = chunks = []
            inner = value.body_iterator  # always async: Starlette wraps a sync iterator at construction

            async def recording():
                async for chunk in inner:
                    chunks.append(chunk.decode("utf-8", "replace") if isinstance(chunk, (bytes, bytearray)) else str(chunk))
                    yield chunk
            value.body_iterator = recording()

    def raised(self, exc):
        self.entry["raised"] = _exc(exc)
        if type(exc).__name__ != "WebSocketDisconnect":  # a client leaving is `disconnect`, not a raise, in the trace
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
    if d.get("keeps_wrapped") is False:  # FastAPI runs the functools.wraps-less wrapper: record it as what it is
        is_async, is_gen = d["wrapper_async"], inspect.isgeneratorfunction(call) or inspect.isasyncgenfunction(call)
    kind = "handler" if role == "handler" else ("enter" if is_gen else "call")

    # A functools.wraps-less wrapper: what FastAPI calls is the wrapper, whose own failure (calling the function
    # with `args=`, `kwargs=`) is the decorator's, before the function's body; its call event waits for success.
    hidden = d.get("keeps_wrapped") is False

    def start(kwargs):
        c = _Call(key, role, kwargs)
        if hidden:
            c.name = d["wrapped_by"]
        token = _current.set(c)
        if not is_gen and not hidden:
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
                record("raise", c.name, _summary(exc))  # the code after yield raised: the engine's order
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
                record("raise", c.name, _summary(exc))  # the code after yield raised: the engine's order
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
            if hidden:
                record(kind, d["python_name"])
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
            if hidden:
                record(kind, d["python_name"])
            return value
    wrapper.__signature__ = _signature(call)
    wrapper.__name__ = d["python_name"]
    WRAPPED[key] = wrapper
    return wrapper


"""#
}
