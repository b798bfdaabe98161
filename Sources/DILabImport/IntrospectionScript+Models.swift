/// Pydantic models (v2) read into what dilab's `models:` section can say: each field's type in dilab's words,
/// its default as a Python literal, and its `Field(...)` constraints; what it cannot say marks the model unsupported
/// (the parameter is then a `dict` body, with the reason as a warning).
extension IntrospectionScript {
    static let models = #"""
# ── pydantic models ──────────────────────────────────────────────────────────────────────────────
MODELS = {}  # class name -> description
_ORDER = []  # names as each model is finished: a nested model before the one using it
_CONSTRAINTS = ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern")
_LITERALS = (type(None), bool, int, float, str)


def _literal(v, depth=0):
    """A default as the Python literal dilab reads, or None when it is not plain data."""
    if depth > 10:
        return None
    if isinstance(v, _LITERALS) and not (isinstance(v, float) and (v != v or v in (float("inf"), float("-inf")))):
        return repr(v)
    if isinstance(v, list):
        items = [_literal(x, depth + 1) for x in v]
        return None if None in items else "[" + ", ".join(items) + "]"
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        items = [(repr(k), _literal(x, depth + 1)) for k, x in v.items()]
        return None if any(x is None for _, x in items) else "{" + ", ".join(f"{k}: {x}" for k, x in items) + "}"
    return None


def _field_type(ann):
    """(dilab's spelling, scalar) of a field annotation; raises ValueError naming what dilab has no word for."""
    from pydantic import BaseModel
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Annotated:
        return _field_type(args[0])
    if origin is typing.Union or type(ann).__name__ == "UnionType":
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(rest) < len(args):
            text, scalar = _field_type(rest[0])
            return text + " | None", scalar
        raise ValueError(f"the union {ann!r}")
    names = {str: "str", int: "int", float: "float", bool: "bool"}
    if ann in names:
        return names[ann], True
    if ann is dict or origin is dict:
        return "dict", False
    if ann is typing.Any:
        return "Any", False
    if getattr(ann, "__name__", "") == "EmailStr" and getattr(ann, "__module__", "").startswith("pydantic"):
        return "EmailStr", True
    if origin is list and len(args) == 1:
        return f"list[{_field_type(args[0])[0]}]", False
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        name = _model(ann)
        if MODELS[name].get("unsupported"):
            raise ValueError(f"the model {name} (not imported: {MODELS[name]['unsupported']})")
        return name, False
    raise ValueError(f"the type {getattr(ann, '__name__', repr(ann))}")


def _model(cls):
    """Registers a model class (and the models its fields use); returns its name."""
    name = cls.__name__
    if name in MODELS:
        if MODELS[name]["class"] is not cls:
            MODELS[name].setdefault("unsupported", f"two model classes are named {name}")
        elif not MODELS[name].get("done"):
            MODELS[name].setdefault("unsupported", "a recursive model (dilab refuses them)")
        return name
    d = {"name": name, "class": cls, "fields": []}
    MODELS[name] = d
    d["file"], d["line"] = _source(cls)
    fields = getattr(cls, "model_fields", None)
    if fields is None:
        d["unsupported"] = "a pydantic v1 model"
        return name
    decorators = getattr(cls, "__pydantic_decorators__", None)
    if decorators is not None and any(getattr(decorators, k, None) for k in (
            "validators", "field_validators", "root_validators", "model_validators", "field_serializers", "model_serializers")):
        d["unsupported"] = "its validators or serializers"
    config = {k: v for k, v in dict(getattr(cls, "model_config", {}) or {}).items() if k not in ("title", "json_schema_extra")}
    if config.get("extra") in ("forbid", "ignore"):
        # `model_config = {"extra": "forbid"}` is dilab's `model_config: {extra: forbid}`; "ignore" is the default.
        d["extra_forbid"] = config.pop("extra") == "forbid"
    if config:
        d.setdefault("unsupported", "model_config " + ", ".join(sorted(config)))
    for fname, f in fields.items():
        if f.alias or getattr(f, "validation_alias", None) or f.default_factory is not None:
            d.setdefault("unsupported", f"field {fname}: alias or default_factory")
            continue
        try:
            text, scalar = _field_type(f.annotation)
        except ValueError as exc:
            d.setdefault("unsupported", f"field {fname}: {exc}")
            continue
        constraints = []
        for m in f.metadata:
            for k in _CONSTRAINTS:
                if getattr(m, k, None) is not None:
                    constraints.append(f"{k}={_literal(getattr(m, k))}")
        if constraints and not scalar:
            d.setdefault("unsupported", f"field {fname}: constraints on a list or model field")
            continue
        out = {"name": fname, "type": text}
        if not f.is_required():
            lit = _literal(f.default)
            if lit is None:
                d.setdefault("unsupported", f"field {fname}: its default {f.default!r} is not data")
                continue
            out["default"] = lit
        if constraints:
            out["field"] = "Field(" + ", ".join(([out.pop("default")] if "default" in out else []) + constraints) + ")"
        d["fields"].append(out)
    d["done"] = True
    _ORDER.append(name)
    return name


def _models_out():
    names = _ORDER + [n for n in MODELS if n not in _ORDER]
    return [{k: v for k, v in MODELS[n].items() if k not in ("class", "done")} for n in names]


"""#
}
