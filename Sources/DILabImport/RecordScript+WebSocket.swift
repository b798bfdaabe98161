/// Record mode's websocket connections: the server half speaks raw ASGI to the app (as uvicorn's default
/// implementation does: a close before accept is a 403, sends after the client has gone raise an OSError), the
/// client half plays the given script. What the endpoint did on the wire — accept, each message it received and
/// sent, its close, the disconnect its receive raised — is its `log`, from which the importer writes `steps:`.
extension RecordScript {
    static let webSocket = #"""
async def _one_ws(app, spec):
    scope, _ = _asgi_scope(spec)
    del scope["method"]
    scope.update({"type": "websocket", "scheme": "ws", "subprotocols": [], "extensions": {"websocket.http.response": {}},
                  "state": {}})
    log = []
    ws = {"accepted": False, "received": [], "close": None, "log": log}
    out = {"status": None, "content_type": "", "text": "", "websocket": ws}
    frames, inbox = asyncio.Queue(), asyncio.Queue()
    c = {"connected": False, "closed": False, "gone": False, "ended": False, "body": b""}
    decided = asyncio.Event()

    async def receive():
        if not c["connected"]:
            c["connected"] = True
            return {"type": "websocket.connect"}
        message = await frames.get()
        if message["type"] == "websocket.receive":
            log.append(["receive", message.get("text")])
        else:
            log.append(["disconnect", message["code"]])
        return message

    async def send(message):
        kind = message["type"]
        if c["gone"]:
            raise OSError("the client has gone")
        if kind == "websocket.accept":
            ws["accepted"] = True
            log.append(["accept"])
            decided.set()
        elif kind == "websocket.send":
            data = message.get("text")
            data = data if data is not None else (message.get("bytes") or b"").decode("utf-8", "replace")
            log.append(["send", data])
            ws["received"].append(data)
            await inbox.put(data)
        elif kind == "websocket.close":
            code, reason = message.get("code", 1000), message.get("reason") or ""
            log.append(["close", code, reason if isinstance(reason, str) else ""])
            if ws["accepted"]:
                ws["close"] = code
            else:
                out["status"] = 403
            c["closed"] = True
            decided.set()
            await inbox.put(None)
        elif kind == "websocket.http.response.start":
            out["status"] = message["status"]
            out["content_type"] = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}.get("content-type", "")
            decided.set()
        elif kind == "websocket.http.response.body":
            c["body"] += message.get("body", b"")

    async def leave(code):
        for _ in range(20):  # an app that is about to return (or close) does so first, as dilab's loop orders it
            await asyncio.sleep(0)
        if c["ended"] or c["closed"]:  # the app has already closed, or returned (uvicorn dropped the connection: 1006)
            return
        ws["close"] = code
        c["gone"] = True
        await frames.put({"type": "websocket.disconnect", "code": code})

    async def client():
        await decided.wait()
        if not ws["accepted"]:
            return
        for step in spec["script"]:
            if (c["closed"] or c["ended"]) and inbox.empty():
                return
            if step[0] == "send":
                await frames.put({"type": "websocket.receive", "text": step[1]})
            elif step[0] == "receive":
                for _ in range(step[1]):
                    if await inbox.get() is None:
                        return
            elif step[0] == "close":
                return await leave(step[1])
            elif step[0] == "drop":
                return await leave(1005)
        await leave(1000)

    talker = asyncio.create_task(client())
    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=60)
    except Exception as raised:
        record("server.error", type(_innermost(raised)).__name__)
    finally:
        c["ended"] = True
        decided.set()
        await inbox.put(None)
    await asyncio.wait_for(talker, timeout=60)
    if out["status"] is None and not ws["accepted"]:
        out["status"] = 500  # uvicorn: the app ended (or raised) without a handshake
    elif ws["accepted"] and ws["close"] is None:
        ws["close"] = 1006  # it returned without closing: the connection just ends
    out["text"] = c["body"].decode("utf-8", "replace")
    return out


"""#
}
