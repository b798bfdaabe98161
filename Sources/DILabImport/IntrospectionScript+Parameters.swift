/// A callable's request parameters read from FastAPI's own Dependant: location, type, default, alias,
/// constraints, and its sub-dependencies with use_cache, scope, scopes and max_concurrency.
extension IntrospectionScript {
    static let parameters = #"""
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
    if base is list and len(typing.get_args(annotation)) == 1:  # list[Item], list[EmailStr]: validated per item
        inner = _type_of(typing.get_args(annotation)[0])[0]
        if inner.startswith("model:") or inner in ("EmailStr", "other:EmailStr"):
            return "list:" + inner.replace("other:", ""), optional
    names = {int: "int", float: "float", str: "str", bool: "bool", dict: "dict", list: "list"}
    if base in names:
        return names[base], optional
    if base is typing.Any or base is inspect.Parameter.empty:
        return "any", optional
    if getattr(base, "__name__", "") == "EmailStr" and getattr(base, "__module__", "").startswith("pydantic"):
        return "EmailStr", optional
    try:
        from pydantic import BaseModel
        if isinstance(base, type) and issubclass(base, BaseModel):
            return "model:" + _model(base), optional
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


"""#
}
