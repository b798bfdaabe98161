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


def _decorator_name(wrapper):
    """The decorator that made `wrapper`, from its code object's qualname (`noop_wrap.<locals>.wrapper`):
    functools.wraps copies `__qualname__` from what it wraps, not `co_qualname` (Python 3.11+)."""
    code = getattr(wrapper, "__code__", None)
    qualname = getattr(code, "co_qualname", None) or getattr(wrapper, "__qualname__", "")
    return qualname.split(".<locals>")[0] if ".<locals>." in qualname else None


def _takes_args_kwargs(wrapper):
    """Whether FastAPI reads `wrapper` as exactly `(*args, **kwargs)`: the two query parameters dilab's
    `keeps_wrapped: false` stands for."""
    try:
        ps = list(inspect.signature(wrapper, follow_wrapped=False).parameters.values())
    except (TypeError, ValueError):
        return False
    return [(p.name, p.kind) for p in ps] == [("args", inspect.Parameter.VAR_POSITIONAL), ("kwargs", inspect.Parameter.VAR_KEYWORD)]


def _unwrapped_inner(call, key):
    """What a `functools.wraps`-less decorator's wrapper closes over — a function or class the module binds the
    wrapper under the name of (`@log_calls def require_key`, `@log_calls class AuditTrail`), or a callable instance
    no module name holds (`checker = log_calls(KeyChecker())`) — when FastAPI reads the wrapper as
    `(*args, **kwargs)`; else None."""
    if _decorator_name(call) is None or not call.__closure__ or not _takes_args_kwargs(call):
        return None
    for cell in call.__closure__:
        try:
            inner = cell.cell_contents
        except ValueError:
            continue
        if inner is call:
            continue
        if (inspect.isfunction(inner) or inspect.isclass(inner)) and NAMES.get(key) == inner.__name__ != call.__name__:
            return inner
        if _is_instance(inner) and NAMES.get(key) and id(inner) not in NAMES:
            return inner
    return None


def _is_instance(obj):
    """A callable instance: not a function, class, method, partial or builtin."""
    return callable(obj) and not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)
                                  or inspect.isbuiltin(obj) or isinstance(obj, functools.partial))


def _wrapped_target(call, d, key, inner):
    """A decorated dependency: `wrapped_by` from the wrapper (its decorator, async or not, with or without
    functools.wraps), and what it wraps — a function, a class (`@noop_wrap class Settings`) or a callable
    instance (`noop_wrap(QueryChecker())`). Returns the callable whose kind the provider has."""
    d["wrapped_by"] = _decorator_name(call) or "wrapper"
    d["wrapper_async"] = inspect.iscoroutinefunction(call)
    if not hasattr(call, "__wrapped__"):
        d["keeps_wrapped"] = False
    chain, target = 0, call
    while hasattr(target, "__wrapped__") and chain < 10:
        target, chain = target.__wrapped__, chain + 1
    if chain > 1:
        UNSUPPORTED.append({"where": d["python_name"] or NAMES.get(key, "?"), "what": f"{chain} decorators: only the outermost, {d['wrapped_by']}, is written"})
    if inner is not None:
        target = inner
    d["file"], d["line"] = _source(target)
    if inspect.isclass(target):
        d["form"], d["python_name"] = "class", target.__name__
        return target.__init__
    if _is_instance(target):
        d["form"], d["instance_of"] = "instance", type(target).__name__
        d["python_name"] = NAMES.get(key) or type(target).__name__.lower()
        return inspect.unwrap(type(target).__call__)
    d["python_name"] = target.__name__ if inner is not None else d["python_name"]
    return inspect.unwrap(target)


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
            inner = _wrapped_target(call, d, key, None)
        elif _unwrapped_inner(call, key) is not None:
            # A decorator that forgot functools.wraps: FastAPI sees the wrapper, the module binds it under the
            # function's (or class's) own name, or the instance it wraps under the dependency's.
            inner = _wrapped_target(call, d, key, _unwrapped_inner(call, key))
    elif callable(call):
        d["form"], d["instance_of"] = "instance", type(call).__name__
        d["python_name"] = NAMES.get(key) or type(call).__name__.lower()
        inner = type(call).__call__
        if hasattr(inner, "__wrapped__"):
            # `@noop_wrap def __call__`: the method is decorated, the instance is the dependency.
            d["wrapped_by"], d["wrapper_async"], d["decorates_call"] = _decorator_name(inner) or "wrapper", inspect.iscoroutinefunction(inner), True
            inner = inspect.unwrap(inner)
    d["async"] = inspect.iscoroutinefunction(inner) or inspect.isasyncgenfunction(inner)
    d["generator"] = inspect.isgeneratorfunction(inner) or inspect.isasyncgenfunction(inner)
    return key


"""#
}
