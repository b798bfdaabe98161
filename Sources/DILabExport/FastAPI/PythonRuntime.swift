/// The Python the exported app carries besides its own code: a recorder that writes the events dilab's trace
/// names, and a driver (`python app.py --trace`) that sends the scenario's requests as raw ASGI calls.
/// It is the sidecar module `dilab_trace.py` next to `app.py` (or inlined above the app on standard output);
/// nothing here changes what FastAPI does.
public enum PythonRuntime {
    static let recorder = #"""
# ── dilab's recorder ─────────────────────────────────────────────────────────────────────────────
# Not part of the app's logic: it writes down the events dilab's trace names (call, enter, handler,
# raise, catch, exit, task.*, chunk) so a real FastAPI run can be compared with the simulation.
import asyncio
import gc
import json
import os
import sys
import threading
import time
from collections import Counter
from contextvars import ContextVar

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, SecurityScopes
from starlette.exceptions import HTTPException as StarletteHTTPException

TRACE_MODE = "--trace" in sys.argv[1:]
# Events are kept in EVENTS only while a driver reads them (`--trace`, `dilab bench`); served by uvicorn, each
# event is printed as it happens and nothing is kept, so a long-running server does not grow with its traffic.
KEEP_EVENTS = TRACE_MODE
EVENTS: list = []
CALLS: Counter = Counter()
STATE: dict = {}
TIME_SCALE = float(os.environ.get("DILAB_TIME_SCALE", "0" if TRACE_MODE else "1"))
_request_id: ContextVar = ContextVar("dilab_request_id", default=0)
_last_request = [0]
# Per-request state, dropped when the request is over (the latest is kept for code that runs outside any request).
_closed: dict = {}
_started: dict = {}
_in_flight: set = set()
# Called with every event after it is recorded (the concurrent driver stamps each with its time and request).
_LISTENERS: list = []
# The folder of the app's own module: a template reads the fields of the classes defined there, and no others.
_HERE = os.path.dirname(os.path.abspath(__file__))


def request_number() -> int:
    """The request being served, numbered from 1 (dilab's `{{request}}`)."""
    return _request_id.get() or _last_request[0]


def record(kind: str, subject, q: str = "") -> None:
    on_loop = threading.current_thread() is threading.main_thread()
    event = {"request": request_number() or None, "kind": kind, "subject": str(subject), "q": q,
             "thread": "loop" if on_loop else "threadpool"}
    if kind == "exit":
        _closed.setdefault(event["request"], set()).add(str(subject))
    if KEEP_EVENTS:
        EVENTS.append(event)
    else:
        print(f"dilab  #{event['request'] or '-'}  {kind:<13}{subject} {q}".rstrip(), file=sys.stderr, flush=True)
    for listener in _LISTENERS:
        listener(kind, subject, q)


def count(name: str) -> int:
    """How many times this callable's body has run in the app's lifetime (dilab's `{{call}}`)."""
    CALLS[name] += 1
    return CALLS[name]


def closed() -> dict:
    return {name: True for name in sorted(_closed.get(request_number(), ()))}


def now_ms() -> int:
    return int((time.monotonic() - _started.get(request_number(), time.monotonic())) * 1000)


def sleep_ms(ms: int) -> None:
    if ms and TIME_SCALE:
        time.sleep(ms * TIME_SCALE / 1000)


async def asleep_ms(ms: int) -> None:
    if ms and TIME_SCALE:
        await asyncio.sleep(ms * TIME_SCALE / 1000)


def summary(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    if type(exc).__name__ in ("WebSocketDisconnect", "WebSocketException"):
        return f"{type(exc).__name__} {exc.code}"
    return f"HTTPException {status}" if isinstance(exc, StarletteHTTPException) else type(exc).__name__


def traced(owner: str, exc: BaseException) -> BaseException:
    """Records `raise owner ...` and hands the exception back to be raised."""
    record("raise", owner, summary(exc))
    return exc


def hole_raising(kind: str, owner: str, compute):
    """A template hole Python may refuse (`1 // 0`): its exception is recorded (`raise` or `task.fail`), then raised."""
    try:
        return compute()
    except Exception as exc:
        record(kind, owner, summary(exc))
        raise


def task_failed(task: str, exc: BaseException) -> BaseException:
    """Records `task.fail task ...` and hands the exception back to be raised."""
    record("task.fail", task, summary(exc))
    return exc


def describe(exc: BaseException) -> dict:
    """The exception as dilab's templates see it (`exc.type`, `exc.status`, `exc.detail`, `exc.message`)."""
    is_http = isinstance(exc, StarletteHTTPException)
    return {"type": "HTTPException" if is_http else type(exc).__name__, "status": getattr(exc, "status_code", None),
            "detail": getattr(exc, "detail", None), "message": "" if is_http else str(exc)}


def _fields(value):
    """What a template may read on an object: the fields the app's own classes set, and the two FastAPI
    objects dilab models (and Starlette's Request). Never other attributes, never `_` names: a scenario cannot reach `__globals__`."""
    if isinstance(value, SecurityScopes):
        return {"scopes": list(value.scopes), "scope_str": value.scope_str}
    if isinstance(value, HTTPAuthorizationCredentials):
        return {"scheme": value.scheme, "credentials": value.credentials}
    if isinstance(value, Request):
        client = {"host": value.client.host, "port": value.client.port} if value.client else None
        return {"method": value.method, "url": str(value.url), "headers": dict(value.headers),
                "query_params": dict(value.query_params), "path_params": dict(value.path_params), "cookies": dict(value.cookies),
                "state": value.state, "client": client, "app": {"state": dict(value.app.state._state)}}
    if _is_state(value):
        return dict(value._state)
    if isinstance(getattr(type(value), "model_fields", None), dict):  # a pydantic model of `models:`: its fields
        return {k: getattr(value, k) for k in type(value).model_fields}
    if _defined_by_the_app(type(value)) and not isinstance(value, BaseException) and isinstance(getattr(value, "__dict__", None), dict):
        return {k: v for k, v in value.__dict__.items() if isinstance(k, str) and not k.startswith("_")}
    return None


def _defined_by_the_app(cls) -> bool:
    """A class of a module in this folder (the exported app), never a library's."""
    path = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return isinstance(path, str) and os.path.dirname(os.path.abspath(path)) == _HERE


def _plain(value):
    """The value as dilab shows it: data as is, objects as their `_fields`, anything else as `<TypeName>`."""
    if isinstance(value, (dict, list, tuple, str, int, float, bool)) or value is None:
        return value
    if isinstance(getattr(type(value), "model_fields", None), dict):
        return value.model_dump()
    found = _fields(value)
    if isinstance(value, Request):
        # As the engine shows a Request: `state` only once something is set in it, as a dict.
        state = dict(found.pop("state")._state)
        if state:
            found["state"] = state
    return found if found is not None else f"<{type(value).__name__}>"


def get(value, *path):
    """`a.b.0` in dilab's templates: dict keys, list indexes and `_fields`; None when missing."""
    for key in path:
        if _is_state(value):
            value = getattr(value, str(key))  # Starlette's State: an unset attribute is its AttributeError
            continue
        if not isinstance(value, (dict, list, tuple)):
            value = _fields(value)
        if isinstance(value, dict):
            value = dict.get(value, key, dict.get(value, str(key)))
        elif isinstance(value, (list, tuple)):
            value = value[key] if isinstance(key, int) and -len(value) <= key < len(value) else None
        else:
            return None
    return value


def _is_state(value) -> bool:
    """Starlette's `request.state` (a `State`), found by its class so the recorder needs no import of it."""
    return type(value).__name__ == "State" and type(value).__module__ == "starlette.datastructures"


def text(value) -> str:
    """How dilab interpolates a value into text: like str(), with JSON for lists and dicts."""
    value = _plain(value)
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class RequestIds:
    """Numbers requests and websocket connections 1, 2, 3... for `{{request}}` and the event log. Pure ASGI, so it
    changes nothing else."""

    def __init__(self, app):
        self.app = app
        self.served = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        self.served += 1
        number, previous = self.served, _last_request[0]
        _last_request[0] = number
        if previous not in _in_flight:
            _forget(previous)
        _in_flight.add(number)
        _started[number] = time.monotonic()
        token = _request_id.set(number)
        try:
            await self.app(scope, receive, send)
        finally:
            _request_id.reset(token)
            _in_flight.discard(number)
            if number != _last_request[0]:
                _forget(number)


def _forget(number: int) -> None:
    _closed.pop(number, None)
    _started.pop(number, None)


def traced_scheme(cls):
    """A FastAPI security scheme that also records its call (and the HTTPException it raises)."""

    class Traced(cls):
        def __init__(self, dilab_name: str, **kwargs):
            super().__init__(**kwargs)
            self.dilab_name = dilab_name

        async def __call__(self, request: Request):
            record("call", self.dilab_name)
            try:
                return await super().__call__(request)
            except StarletteHTTPException as exc:
                raise traced(self.dilab_name, exc)

    Traced.__name__ = cls.__name__
    # FastAPI fills `request` by its annotation: the scheme's own (Request; HTTPConnection since 0.165, which a
    # websocket also satisfies), so the wrapper asks for exactly what the real scheme asks for.
    Traced.__call__.__annotations__ = dict(cls.__call__.__annotations__)
    return Traced


def _report_app_error(kind, exc, tb):
    """Under --trace, an app FastAPI refuses to build is reported as data, not a traceback."""
    print(json.dumps({"fastapi": _fastapi_version(), "app_error": {"type": kind.__name__, "message": str(exc)}}))
    sys.exit(3)


def _fastapi_version() -> str:
    import fastapi
    return fastapi.__version__


if TRACE_MODE:
    sys.excepthook = _report_app_error
    sys.setrecursionlimit(400)  # a dependency cycle dies quickly, as it would anyway
# ─────────────────────────────────────────────────────────────────────────────────────────────────
"""#

    static let driver = #"""

# ── dilab's driver: `python app.py --trace` ─────────────────────────────────────────────────────
# Sends the scenario's requests through the app as raw ASGI calls (no server, no TestClient), marks the
# moment the last body byte is sent, and prints every request's events, status and body as JSON.

SLUGS = {
    "Caught handled exception, but response already started.": "response-already-started",
    "cannot access local variable 'response' where it is not associated with a value": "response-unbound",
}


def _slug(message: str) -> str:
    if message.startswith("Response not awaited."):
        return "response-not-awaited"
    if message.startswith("No response object was returned."):
        return "no-response-returned"
    return SLUGS.get(message, "")


\#(PythonRuntime.asgiChannel)async def _request(spec: dict) -> dict:
    target = spec["target"]
    scope, body = _asgi_scope(spec)
    done = asyncio.Event()
    result = {"request": f"{spec['method']} {target}", "status": None, "headers": {}, "body": b""}
    receive, send = _http_channel(body, result, done)
    start = len(EVENTS)
    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=60)
    except Exception as raised:
        exc = _innermost(raised)
        record("server.error", type(exc).__name__, _slug(str(exc)))
    finally:
        done.set()
    result["events"] = EVENTS[start:]
    result["body"] = result["body"].decode("utf-8", "replace")
    return result


async def _drive() -> dict:
    messages: asyncio.Queue = asyncio.Queue()
    replies: asyncio.Queue = asyncio.Queue()
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                       messages.get, replies.put))
    out = {"fastapi": _fastapi_version(), "app_error": None}
    await _lifespan("startup", messages, replies)
    out["startup"] = EVENTS[:]
    out["requests"] = []
    for spec in REQUESTS:
        if spec["overrides"] is not None:
            app.dependency_overrides = {PROVIDERS[k]: PROVIDERS[v] for k, v in spec["overrides"].items()}
        out["requests"].append(await _request(spec))
    mark = len(EVENTS)
    await _lifespan("shutdown", messages, replies)
    await lifespan
    out["shutdown"] = EVENTS[mark:]
    return out
"""#
}
