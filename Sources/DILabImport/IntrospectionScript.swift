import DILab

/// The Python `dilab import` runs in the app's environment: it imports the app by path, walks its routes and
/// Dependants, and with `--record` drives requests through it over raw ASGI. Fixed text: nothing of a scenario in it.
enum IntrospectionScript {
    /// The whole script: introspection, the recording wrappers, then the ASGI driver and `main`.
    static var source: String { introspection + RecordScript.wrappers + RecordScript.driver }

    static let introspection = #"""
"""dilab import: reads a FastAPI app's routes and dependency trees as FastAPI built them, and (with --record)
runs requests through it over raw ASGI with every dependency, handler and task wrapped to record what it did.
Prints one JSON document on stdout. The app is the user's own code; nothing else is executed."""
import asyncio
import contextvars
import functools
import importlib
import inspect
import json
import os
import sys
import threading
import traceback
import typing

ARGS = {"app_file": None, "attr": None, "record": []}


def _parse_argv(argv):
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--app":
            ARGS["attr"] = argv[i + 1]
            i += 2
        elif a == "--record":
            ARGS["record"].append(argv[i + 1])
            i += 2
        else:
            ARGS["app_file"] = a
            i += 1


def _module_name_for(path):
    """The dotted name of `path` and the folder to put on sys.path: packages (folders with __init__.py) are
    walked up so relative imports inside the app work."""
    path = os.path.abspath(path)
    folder, base = os.path.split(path)
    parts = [os.path.splitext(base)[0]]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, pkg = os.path.split(folder)
        parts.insert(0, pkg)
    return ".".join(parts), folder


def load_app():
    spec = ARGS["attr"]
    attr = None
    if spec and ":" in spec:
        modname, attr = spec.split(":", 1)
        root = os.path.dirname(os.path.abspath(ARGS["app_file"])) if ARGS["app_file"] else os.getcwd()
        folder = os.getcwd()
        for candidate in (root, folder):
            if candidate not in sys.path:
                sys.path.insert(0, candidate)
    else:
        attr = spec
        modname, folder = _module_name_for(ARGS["app_file"])
        if folder not in sys.path:
            sys.path.insert(0, folder)
    module = importlib.import_module(modname)
    from fastapi import FastAPI
    if attr:
        obj = module
        for part in attr.split("."):
            obj = getattr(obj, part)
        return module, attr, obj
    if isinstance(getattr(module, "app", None), FastAPI):
        return module, "app", module.app
    for name, value in vars(module).items():
        if isinstance(value, FastAPI):
            return module, name, value
    raise LookupError(f"no FastAPI instance in {modname}; name it with --app module:attr")


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
    elif callable(call):
        d["form"], d["instance_of"] = "instance", type(call).__name__
        d["python_name"] = NAMES.get(key) or type(call).__name__.lower()
        inner = type(call).__call__
    d["async"] = inspect.iscoroutinefunction(inner) or inspect.isasyncgenfunction(inner)
    d["generator"] = inspect.isgeneratorfunction(inner) or inspect.isasyncgenfunction(inner)
    return key


def _type_of(annotation):
    """(type name dilab knows, optional) for an annotation; 'model' for a pydantic model, 'other' otherwise."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_of(typing.get_args(annotation)[0])
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return _type_of(args[0])[0], optional
        return "any", optional
    base = origin or annotation
    names = {int: "int", float: "float", str: "str", bool: "bool", dict: "dict", list: "list"}
    if base in names:
        return names[base], optional
    if base is typing.Any or base is inspect.Parameter.empty:
        return "any", optional
    try:
        from pydantic import BaseModel
        if isinstance(base, type) and issubclass(base, BaseModel):
            return "model:" + base.__name__, optional
    except ImportError:
        pass
    return "other:" + getattr(base, "__name__", repr(base)), optional


def _json_value(v):
    try:
        json.dumps(v)
        return {"value": v}
    except (TypeError, ValueError):
        return {"unrepresentable": repr(v)}


def _request_param(field, location):
    info = getattr(field, "field_info", None)
    annotation = getattr(field, "type_", None) or getattr(field, "annotation", None)
    if info is not None and getattr(info, "annotation", None) is not None:
        annotation = info.annotation
    t, optional = _type_of(annotation)
    out = {"kind": location, "type": t, "optional": optional}
    required = field.required if isinstance(getattr(field, "required", None), bool) else info.is_required()
    if not required:
        default = field.default if hasattr(field, "default") else info.default
        out["default"] = _json_value(default)
    alias = getattr(field, "alias", None)
    if alias and alias != field.name:
        out["alias"] = alias
    constraints = []
    for m in getattr(info, "metadata", []) or []:
        for k in ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern"):
            if getattr(m, k, None) is not None:
                constraints.append(k)
    for k in ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "regex", "pattern"):
        if getattr(info, k, None) is not None:
            constraints.append(k)
    if constraints:
        out["constraints"] = sorted(set(constraints))
    return out


def _depends(sub, parent):
    d = {"callable": describe_callable(sub.call), "use_cache": sub.use_cache}
    if getattr(sub, "scope", None) is not None:
        d["scope"] = sub.scope
    own = getattr(sub, "own_oauth_scopes", None)
    if own is None and isinstance(getattr(sub, "security_scopes", None), list):
        # before 0.121 a sub-dependant carries its parent's scopes followed by its own Security(scopes=...)
        inherited = getattr(parent, "security_scopes", None) or []
        own = sub.security_scopes[len(inherited):]
    if own:
        d["scopes"] = list(own)
    concurrency = getattr(sub, "concurrency", None)
    if concurrency is not None:
        d["max_concurrency"] = concurrency.max_concurrency
    return d


def dependant_params(dependant, call):
    """The parameters of one callable in signature order, from FastAPI's own Dependant."""
    by_name = {}
    for location, fields in (("path", dependant.path_params), ("query", dependant.query_params),
                             ("header", dependant.header_params), ("cookie", dependant.cookie_params),
                             ("body", dependant.body_params)):
        for f in fields:
            by_name[f.name] = _request_param(f, location)
    for sub in dependant.dependencies:
        if sub.name:
            by_name[sub.name] = {"kind": "depends", "depends": _depends(sub, dependant)}
    for attr, kind in (("request_param_name", "request"), ("websocket_param_name", "websocket"),
                       ("http_connection_param_name", "http_connection"), ("response_param_name", "response"),
                       ("background_tasks_param_name", "background_tasks"),
                       ("security_scopes_param_name", "security_scopes")):
        name = getattr(dependant, attr, None)
        if name:
            by_name[name] = {"kind": kind}
    order = []
    try:
        target = call.__init__ if inspect.isclass(call) else call
        order = [n for n in inspect.signature(target).parameters if n != "self"]
    except (TypeError, ValueError):
        pass
    names = [n for n in order if n in by_name] + [n for n in by_name if n not in order]
    return [dict(by_name[n], name=n) for n in names]


def walk(dependant, seen):
    for sub in dependant.dependencies:
        if sub.call is None:
            continue
        key = describe_callable(sub.call)
        d = CALLABLES[key]
        if key not in seen:
            seen.add(key)
            if d["form"] not in ("scheme", "unsupported"):
                d["params"] = dependant_params(sub, sub.call)
            walk(sub, seen)


def _route_list(app):
    from fastapi import routing
    contexts = getattr(routing, "iter_route_contexts", None)
    return list(contexts(app.routes)) if contexts else list(app.routes)


def introspect(module, attr, app):
    import fastapi
    from fastapi.routing import APIRoute, APIWebSocketRoute
    _index_names([m for m in list(sys.modules.values()) if getattr(m, "__file__", None) and
                  os.path.abspath(m.__file__).startswith(os.path.dirname(os.path.abspath(module.__file__)))])
    routes = []
    seen = set()
    for r in _route_list(app):
        original = getattr(r, "original_route", r)
        if not isinstance(original, (APIRoute, APIWebSocketRoute)):
            if type(original).__name__ not in ("Route",) or getattr(original, "path", "") not in (
                    app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url):
                UNSUPPORTED.append({"where": f"route {getattr(r, 'path', '?')}", "what": f"a {type(original).__name__} (not an APIRoute)"})
            continue
        dependant = r.dependant
        handler = describe_callable(dependant.call)
        CALLABLES[handler]["params"] = dependant_params(dependant, dependant.call)
        walk(dependant, seen)
        is_ws = isinstance(original, APIWebSocketRoute)
        entry = {"kind": "websocket" if is_ws else "http", "path": r.path, "handler": handler,
                 "methods": [] if is_ws else sorted(m for m in (r.methods or []) if m != "HEAD"),
                 "dependencies": [_depends(s, dependant) for s in dependant.dependencies if not s.name and s.call is not None]}
        if not is_ws:
            entry["status_code"] = getattr(r, "status_code", None)
            rc = getattr(r, "response_class", None)
            rc = getattr(rc, "value", rc)
            entry["response_class"] = getattr(rc, "__name__", None)
        routes.append(entry)
    app_deps = [_depends_marker(dep) for dep in (app.router.dependencies or [])]
    overrides = [[describe_callable(k), describe_callable(v)] for k, v in app.dependency_overrides.items()]
    from fastapi.dependencies.utils import get_dependant
    for replacement in app.dependency_overrides.values():
        # FastAPI builds an override's Dependant per request, from its own signature: read it the same way.
        d = CALLABLES[id(replacement)]
        if d["form"] not in ("scheme", "unsupported") and id(replacement) not in seen:
            seen.add(id(replacement))
            try:
                dependant = get_dependant(path="/", call=replacement)
            except Exception as exc:  # e.g. DependencyScopeError: FastAPI raises it per request, not at import
                UNSUPPORTED.append({"where": f"override {d['python_name']}", "what": f"FastAPI refuses its Dependant: {type(exc).__name__}: {exc}"})
                continue
            d["params"] = dependant_params(dependant, replacement)
            walk(dependant, seen)
    lifespan = app.router.lifespan_context
    has_lifespan = _is_user_lifespan(lifespan)
    has_events = bool(getattr(app.router, "on_startup", None) or getattr(app.router, "on_shutdown", None))
    handlers = [getattr(k, "__name__", str(k)) for k in app.exception_handlers
                if getattr(k, "__name__", "") not in ("HTTPException", "RequestValidationError", "WebSocketRequestValidationError")]
    for h in handlers:
        UNSUPPORTED.append({"where": "app", "what": f"exception handler for {h} (its response is not introspected)"})
    if app.user_middleware:
        for m in app.user_middleware:
            UNSUPPORTED.append({"where": "app", "what": f"middleware {getattr(m.cls, '__name__', m.cls)}"})
    return {"fastapi": fastapi.__version__, "python": sys.version.split()[0], "module": module.__name__, "attr": attr,
            "lifespan": has_lifespan or has_events, "app_dependencies": app_deps, "dependency_overrides": overrides,
            "routes": routes, "callables": [CALLABLES[k] for k in CALLABLES], "unsupported": UNSUPPORTED}


def _is_user_lifespan(ctx, depth=0):
    """Whether a lifespan is the app's own: not the default, and (0.165 merges an included router's lifespan into
    the app's with `merged_lifespan`) not a merge of defaults only."""
    if depth > 50:
        return True
    if type(ctx).__name__ == "_DefaultLifespan":
        return False
    inner = getattr(ctx, "__wrapped__", ctx)
    if getattr(inner, "__name__", "") == "merged_lifespan" and getattr(inner, "__closure__", None):
        return any(_is_user_lifespan(c.cell_contents, depth + 1) for c in inner.__closure__ if callable(c.cell_contents))
    return True


def _depends_marker(dep):
    d = {"callable": describe_callable(dep.dependency), "use_cache": dep.use_cache}
    if getattr(dep, "scope", None) is not None:
        d["scope"] = dep.scope
    if getattr(dep, "scopes", None):
        d["scopes"] = list(dep.scopes)
    return d


"""#
}
