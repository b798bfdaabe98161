/// The app's routes (with `iter_route_contexts()` where FastAPI has it), overrides, lifespan, and what is
/// reported as unsupported; `introspect` returns the JSON document's introspection half.
extension IntrospectionScript {
    static let routes = #"""
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
            entry.update(_response_model(r))
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
    return {"fastapi": fastapi.__version__, "python": sys.version.split()[0], "module": module.__name__, "attr": attr,
            "lifespan": has_lifespan or has_events, "app_dependencies": app_deps, "dependency_overrides": overrides,
            "routes": routes, "callables": [CALLABLES[k] for k in CALLABLES], "models": _models_out(),
            "middleware": _middleware(app), "exception_handlers": _exception_handlers(app), "unsupported": UNSUPPORTED}


def _response_model(route):
    """`response_model` (given, or FastAPI's reading of the return annotation) and its options; a model dilab
    cannot declare, or a type that is not a model, is named in `response_model_unsupported`."""
    rm = getattr(route, "response_model", None)
    if rm is None:
        return {}
    from pydantic import BaseModel
    listed = typing.get_origin(rm) is list and len(typing.get_args(rm)) == 1  # list[User] / List[User]
    if listed:
        rm = typing.get_args(rm)[0]
    if not (isinstance(rm, type) and issubclass(rm, BaseModel)):
        return {"response_model_unsupported": f"response_model {getattr(rm, '__name__', repr(rm))} (not a model class)"}
    name = _model(rm)
    if MODELS[name].get("unsupported"):
        return {"response_model_unsupported": f"response_model {name}: {MODELS[name]['unsupported']}"}
    out = {"response_model": name}
    if listed:
        out["response_model_list"] = True
    for k in ("exclude_unset", "exclude_defaults", "exclude_none"):
        if getattr(route, "response_model_" + k, False):
            out["response_model_" + k] = True
    for k in ("include", "exclude"):
        v = getattr(route, "response_model_" + k, None)
        if v is not None:
            if isinstance(v, (set, frozenset, list, tuple)) and all(isinstance(x, str) for x in v):
                out["response_model_" + k] = sorted(v)
            else:
                out["response_model_unsupported"] = f"response_model_{k}={v!r} (dilab takes a list of top-level names)"
    return out


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
