/// The app's middleware and custom exception handlers: what they are (introspection), and with `--record` what
/// they did on each request, read from outside (request.state before and after, the headers added to the
/// response, an early response, the exception handler's response). Nothing of the middleware's code is read.
extension IntrospectionScript {
    static let appHooks = #"""
# ── middleware and exception handlers ──────────────────────────────────────────────────────────────
MIDDLEWARE_RUNS = []  # record mode: one entry per middleware per request
HANDLER_RUNS = []  # record mode: one entry per exception handler call
_DEFAULT_HANDLERS = ("HTTPException", "RequestValidationError", "WebSocketRequestValidationError")


def _mw_options(m):
    """A Middleware entry's keyword options (Starlette < 0.35 calls them `options`)."""
    return dict(getattr(m, "kwargs", None) or getattr(m, "options", None) or {}), tuple(getattr(m, "args", ()) or ())


def _middleware(app):
    """The app's user middleware, innermost first (the order `add_middleware` was called in, as dilab writes it)."""
    from starlette.middleware.base import BaseHTTPMiddleware
    out = []
    for m in reversed(app.user_middleware):
        cls = m.cls
        kwargs, args = _mw_options(m)
        name = getattr(cls, "__name__", repr(cls))
        module = getattr(cls, "__module__", "") or ""
        entry = {"name": name}
        if module.split(".")[-1] == "dilab_trace" and name == "RequestIds":
            entry["kind"] = "dilab_trace"
        elif cls is BaseHTTPMiddleware and set(kwargs) == {"dispatch"} and not args:
            entry["kind"], entry["name"] = "http", getattr(kwargs["dispatch"], "__name__", "dispatch")
            entry["file"], entry["line"] = _source(kwargs["dispatch"])
        elif isinstance(cls, type) and issubclass(cls, BaseHTTPMiddleware):
            entry["kind"], entry["unsupported"] = "http", f"a BaseHTTPMiddleware subclass ({name})"
        elif module.startswith(("starlette.", "fastapi.")):
            entry["kind"], entry["unsupported"] = "asgi", f"{module}.{name} (dilab models the app's own middleware only)"
        elif kwargs or args:
            entry["kind"], entry["unsupported"] = "asgi", f"{name} takes options ({', '.join(kwargs) or 'positional'})"
        else:
            entry["kind"] = "asgi"
            entry["file"], entry["line"] = _source(cls)
        out.append(entry)
    return out


def _exception_handlers(app):
    out = []
    for key, handler in app.exception_handlers.items():
        if isinstance(key, int):
            out.append({"exception": str(key), "unsupported": f"an exception handler for status {key}"})
            continue
        name = getattr(key, "__name__", str(key))
        if name in _DEFAULT_HANDLERS and getattr(handler, "__module__", "").startswith("fastapi."):
            continue
        file, line = _source(handler)
        out.append({"exception": name, "handler": getattr(handler, "__name__", "handler"), "file": file, "line": line,
                    "builtin": getattr(key, "__module__", "") == "builtins"})
    return out


def _state(request):
    return {k: _plain(v) for k, v in dict(getattr(request.state, "_state", {})).items()}


def _changed(before, after):
    return {k: v for k, v in after.items() if k not in before or before[k] != v}


def _response_body(response):
    body = getattr(response, "body", None)
    return body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else None


def _recording_dispatch(name, dispatch):
    async def recording(request, call_next):
        run = {"request": _request[0], "middleware": name, "called": False,
               "query_params": dict(request.query_params), "headers_in": {k.lower(): v for k, v in request.headers.items()}}
        MIDDLEWARE_RUNS.append(run)
        start = _state(request)
        mark = {}

        async def observed_call_next(req):
            run["called"] = True
            mark.update(_state(request))
            run["before_state"] = _changed(start, mark)
            try:
                response = await call_next(req)
            except BaseException as exc:  # what the app below raised: the dispatch may catch it (`except:`)
                run["next_raised"] = _exc(exc)
                raise
            run["inner_headers"] = [[k, v] for k, v in response.headers.items()]
            mark.clear()
            mark.update(_state(request))
            return response

        try:
            response = await dispatch(request, observed_call_next)
        except BaseException as exc:
            run["raised"] = _exc(exc)
            if not run["called"]:  # its own raise (one from call_next is the app's, already recorded)
                record("raise", name, _summary(exc))
            raise
        run["headers"] = [[k, v] for k, v in response.headers.items()]
        run["status"] = response.status_code
        if "next_raised" in run:  # caught what call_next raised, and answered itself
            run["body"] = _response_body(response)
            run["media_type"] = response.media_type
        elif run["called"]:
            run["after_state"] = _changed(mark, _state(request))
        else:
            run["before_state"] = _changed(start, _state(request))
            run["body"] = _response_body(response)
            run["media_type"] = response.media_type
        return response
    recording.__name__ = name
    return recording


def _recording_handler(name, handler):
    async def recording(request, exc):
        response = handler(request, exc)
        if inspect.isawaitable(response):
            response = await response
        HANDLER_RUNS.append({"request": _request[0], "exception": name, "message": str(exc),
                             "status": response.status_code, "body": _response_body(response),
                             "media_type": response.media_type})
        return response
    return recording


def _patch_app_hooks(app):
    """Before the first call builds the middleware stack: record what each http middleware and exception handler did."""
    from starlette.middleware.base import BaseHTTPMiddleware
    for m in app.user_middleware:
        kwargs, args = _mw_options(m)
        if m.cls is BaseHTTPMiddleware and set(kwargs) == {"dispatch"} and not args:
            wrapped = _recording_dispatch(getattr(kwargs["dispatch"], "__name__", "dispatch"), kwargs["dispatch"])
            if hasattr(m, "kwargs"):
                m.kwargs["dispatch"] = wrapped
            else:
                m.options["dispatch"] = wrapped
    for key, handler in list(app.exception_handlers.items()):
        if not isinstance(key, int):
            name = getattr(key, "__name__", str(key))
            if not (name in _DEFAULT_HANDLERS and getattr(handler, "__module__", "").startswith("fastapi.")):
                app.exception_handlers[key] = _recording_handler(name, handler)


"""#
}
