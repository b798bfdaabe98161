/// Introspection of one dependency callable: its name, source line, form (function, class, instance, partial,
/// method, wrapped, security scheme) and sync/async/generator kind, as FastAPI will classify it.
extension IntrospectionScript {
    static let callables = #"""
# ── introspection ────────────────────────────────────────────────────────────────────────────────
UNSUPPORTED = []
CALLABLES = {}  # id(call) -> description
NAMES = {}  # module-level names of objects, for instances, partials and lambdas


def _index_names(modules):
    for m in modules:
        for k, v in list(vars(m).items()):
            if not k.startswith("_"):
                NAMES.setdefault(id(v), k)


def _source(obj):
    target = obj
    for _ in range(10):
        if isinstance(target, functools.partial):
            target = target.func
        elif hasattr(target, "__wrapped__"):
            target = target.__wrapped__
        else:
            break
    if not (inspect.isfunction(target) or inspect.isclass(target) or inspect.ismethod(target)):
        target = type(target).__call__ if callable(target) else type(target)
    try:
        file = inspect.getsourcefile(target) or ""
        line = inspect.getsourcelines(target)[1]
    except (TypeError, OSError):
        file, line = "", 0
    return os.path.relpath(file) if file and not os.path.relpath(file).startswith("..") else file, line


def _scheme(call):
    try:
        from fastapi.security import HTTPBearer, OAuth2PasswordBearer, APIKeyHeader
        from fastapi.security.base import SecurityBase
    except ImportError:
        return None, False
    # A subclass (the export's traced scheme is one) is read as the scheme it derives from, and said so.
    for cls, kind in ((HTTPBearer, "http_bearer"), (OAuth2PasswordBearer, "oauth2_password_bearer"), (APIKeyHeader, "api_key_header")):
        if isinstance(call, cls):
            out = {"kind": kind, "auto_error": call.auto_error}
            if cls is APIKeyHeader:
                out["header"] = call.model.name
            if type(call) is not cls:
                UNSUPPORTED.append({"where": NAMES.get(id(call), type(call).__name__), "what": f"a subclass of {cls.__name__} ({type(call).__module__}.{type(call).__qualname__}) is read as {cls.__name__}"})
            return out, True
    return None, isinstance(call, SecurityBase)


def _unwrapped_inner(call, key):
    """The function a `functools.wraps`-less decorator's wrapper closes over, when the module binds the wrapper
    under that function's name; else None."""
    if ".<locals>." not in call.__qualname__ or not call.__closure__:
        return None
    for cell in call.__closure__:
        try:
            inner = cell.cell_contents
        except ValueError:
            continue
        if inspect.isfunction(inner) and inner is not call and NAMES.get(key) == inner.__name__ != call.__name__:
            return inner
    return None


def describe_callable(call):
    key = id(call)
    if key in CALLABLES:
        return key
    d = {"id": key, "python_name": "", "form": "function", "async": False, "generator": False,
         "file": "", "line": 0, "params": []}
    CALLABLES[key] = d
    d["file"], d["line"] = _source(call)
    scheme, is_security = _scheme(call)
    inner = call
    if scheme:
        d["form"], d["scheme"] = "scheme", scheme
        d["python_name"] = NAMES.get(key) or type(call).__name__.lower()
        return key
    if is_security:
        d["form"], d["python_name"] = "unsupported", NAMES.get(key) or type(call).__name__
        d["unsupported"] = f"security scheme {type(call).__name__} (dilab models HTTPBearer, OAuth2PasswordBearer, APIKeyHeader)"
        return key
    if isinstance(call, functools.partial):
        d["form"] = "partial"
        bound = ", ".join([repr(a) for a in call.args] + [f"{k}={v!r}" for k, v in call.keywords.items()])
        d["factory"] = f"partial({getattr(call.func, '__name__', '?')}, {bound})" if bound else f"partial({getattr(call.func, '__name__', '?')})"
        inner = call.func
        d["python_name"] = NAMES.get(key) or getattr(call.func, "__name__", "partial") + "_partial"
    elif inspect.ismethod(call):
        d["form"], d["factory"] = "method", f"{type(call.__self__).__name__}().{call.__func__.__name__}"
        d["python_name"] = NAMES.get(key) or call.__func__.__name__
        inner = call.__func__
    elif isinstance(call, functools._lru_cache_wrapper):
        d["lru_cache"] = True
        inner = call.__wrapped__
        d["python_name"] = call.__name__
    elif inspect.isclass(call):
        d["form"], d["python_name"] = "class", call.__name__
        inner = call.__init__
    elif inspect.isfunction(call) or inspect.isbuiltin(call):
        d["python_name"] = call.__name__ if call.__name__ != "<lambda>" else NAMES.get(key, "lambda_dependency")
        if hasattr(call, "__wrapped__"):
            d["wrapped_by"] = call.__qualname__.split(".<locals>")[0] if ".<locals>" in call.__qualname__ else "wrapper"
            d["wrapper_async"] = inspect.iscoroutinefunction(call)
            inner = inspect.unwrap(call)
        elif _unwrapped_inner(call, key) is not None:
            # A decorator that forgot functools.wraps: FastAPI sees the wrapper, the module binds it under the
            # function's own name (`@log_calls` above `def require_key`).
            inner = _unwrapped_inner(call, key)
            d["python_name"] = inner.__name__
            d["wrapped_by"] = call.__qualname__.split(".<locals>")[0]
            d["wrapper_async"] = inspect.iscoroutinefunction(call)
            d["keeps_wrapped"] = False
    elif callable(call):
        d["form"], d["instance_of"] = "instance", type(call).__name__
        d["python_name"] = NAMES.get(key) or type(call).__name__.lower()
        inner = type(call).__call__
    d["async"] = inspect.iscoroutinefunction(inner) or inspect.isasyncgenfunction(inner)
    d["generator"] = inspect.isgeneratorfunction(inner) or inspect.isasyncgenfunction(inner)
    return key


"""#
}
