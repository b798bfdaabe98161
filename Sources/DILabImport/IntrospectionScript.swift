import DILab
import DILabExport

/// The Python `dilab import` runs in the app's environment: it imports the app by path, walks its routes and
/// Dependants, and with `--record` drives requests through it over raw ASGI. Fixed text: nothing of a scenario in it.
/// One string per concern (loading, callables, parameters, routes, record wrappers, tasks, driver), joined here.
enum IntrospectionScript {
    /// The whole script: introspection, the recording wrappers, then the ASGI driver and `main`.
    static var source: String {
        loading + callables + models + parameters + routes + appHooks + RecordScript.wrappers + RecordScript.tasks + RecordScript.webSocket + RecordScript.driver
    }

    /// The module docstring, imports, argument parsing and importing the app by path.
    static let loading = #"""
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


"""#
}
