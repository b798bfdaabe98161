import DILabExport

extension RecordScript {
    /// Raw ASGI requests (as the export's driver sends them: the same scope, a body, then http.disconnect once the
    /// response is sent), the lifespan around them, and `main`, which prints one JSON document.
    static let driver = #"""
\#(PythonRuntime.asgiChannel)async def _one(app, spec):
    scope, body = _asgi_scope(spec)
    done = asyncio.Event()
    result = {"status": None, "headers": {}, "body": b""}
    receive, send = _http_channel(body, result, done)

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=60)
    except Exception as raised:
        record("server.error", type(_innermost(raised)).__name__)
    finally:
        done.set()
    text = result["body"].decode("utf-8", "replace")
    out = {"status": result["status"], "content_type": result["headers"].get("content-type", ""), "text": text}
    return out


async def drive(app, route_list, specs):
    from fastapi.routing import APIRoute, APIWebSocketRoute
    for r in route_list:
        if isinstance(getattr(r, "original_route", r), (APIRoute, APIWebSocketRoute)):
            _patch(r.dependant, "handler")
    for original, override in list(app.dependency_overrides.items()):
        app.dependency_overrides[original] = wrap(override, "dependency")
    _patch_background_tasks()
    _patch_app_hooks(app)
    messages, replies = asyncio.Queue(), asyncio.Queue()
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, messages.get, replies.put))
    await _lifespan("startup", messages, replies)
    results = []
    for i, spec in enumerate(specs, start=1):
        _request[0] = i
        results.append(await (_one_ws if "script" in spec else _one)(app, spec))
    _request[0] = 0
    await _lifespan("shutdown", messages, replies)
    await lifespan
    return results


def main():
    _parse_argv(sys.argv[1:])
    try:
        module, attr, app = load_app()
    except BaseException:
        traceback.print_exc()
        sys.exit(3)
    try:
        out = introspect(module, attr, app)
    except BaseException:
        traceback.print_exc()
        sys.exit(5)
    if ARGS["record"]:
        specs = [json.loads(s) for s in ARGS["record"]]
        try:
            out["responses"] = asyncio.run(drive(app, _route_list(app), specs))
        except BaseException:
            traceback.print_exc()
            sys.exit(4)
        out["calls"] = CALLS
        out["events"] = EVENTS
        out["tasks"] = list(TASKS.values())
        out["callables"] = [CALLABLES[k] for k in CALLABLES]
        out["middleware_runs"] = MIDDLEWARE_RUNS
        out["handler_runs"] = HANDLER_RUNS
    sys.stdout.write("\n" + json.dumps(out, ensure_ascii=False, default=repr) + "\n")


if __name__ == "__main__":
    main()
"""#
}
