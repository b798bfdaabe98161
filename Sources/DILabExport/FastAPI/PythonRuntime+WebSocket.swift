/// The Python an export with websocket routes carries: two helpers the app's code calls (`client_label`, `quoted`)
/// and the driver's side of each connection — the server half speaking raw ASGI to the app as uvicorn does, the
/// client half playing the scenario's script (docs/verify.md, "WebSockets").
extension PythonRuntime {
    static let webSocketHelpers = #"""

# ── dilab's recorder, websockets ─────────────────────────────────────────────────────────────────


current_worker: ContextVar = ContextVar("dilab_worker", default=1)  # with `workers:`, the connection's worker process


class ClientDisconnected(OSError):
    """What uvicorn's send() raises once the client has gone (its close frame arrived, or the connection dropped)."""


def client_label(websocket) -> str:
    """The client at the other end, as dilab's trace names it: the driver puts the label in the scope."""
    label = websocket.scope.get("dilab.client")
    if label is None:
        host, port = websocket.scope.get("client") or ("?", 0)
        label = f"{host}:{port}"
    return str(label)


def quoted(message) -> str:
    """A message as dilab's trace quotes it (a JSON string, with dilab's escapes)."""
    out = ['"']
    for ch in str(message):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ch < " ":
            out.append(f"\\u{ch.encode()[0]:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_q(value) -> str:
    """A JSON message as dilab's trace shows it: compact JSON, as Starlette's JSONResponse writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def close_q(code, reason) -> str:
    """A close frame in the trace: its code, then its reason if it has one. FastAPI's validation close passes the
    list of errors itself, which is no text: left out, as the engine does."""
    return f"{code} {quoted(reason)}" if reason and isinstance(reason, str) else str(code)
"""#

    /// `_connection_at`: one `websocket:` request of REQUESTS, started like `_request_at` (its `at:`, or when the
    /// request before it has finished). The server half is uvicorn's default websocket implementation
    /// (websockets-sansio, what `--ws auto` picks), message by message: a close before accept refuses the handshake
    /// with a bare 403; an app that ends without a handshake, or raises before one, gets 500; once the client has
    /// gone (its close frame, or a drop), every send() raises `ClientDisconnected` (an OSError); after the app's own
    /// close, RuntimeError; an app that returns without closing leaves the client a dropped connection (1006). The
    /// client half starts when the handshake completes, as a real client's connect() returns.
    static let webSocketDriver = #"""

# ── dilab's driver for websocket connections ───────────────────────────────────────────────────


async def _connection_at(index: int, spec: dict, done: list, pending: list) -> dict:
    if spec["at"] is not None:
        await asyncio.sleep(max(0.0, _T0[0] + spec["at"] * TIME_SCALE / 1000 - time.monotonic()))
    elif index > 0:
        await done[index - 1].wait()
    pending[0] -= 1
    if spec["overrides"] is not None:
        app.dependency_overrides = {PROVIDERS[k]: PROVIDERS[v] for k, v in spec["overrides"].items()}
    scope, _ = _asgi_scope(spec, 50000 + index)
    del scope["method"]
    scope.update({"type": "websocket", "scheme": "ws", "subprotocols": [], "dilab.client": spec["client"],
                  "extensions": {"websocket.http.response": {}}, "state": {}})
    label = spec["client"]
    result = {"request": f"WEBSOCKET {spec['target']}", "status": None, "headers": {}, "body": b""}
    outcome = result["websocket"] = {"accepted": False, "received": [], "close": None, "reason": "", "closed_by_client": False}
    # handshake: None, "accepted" or "refused"; server_closed: the app's close frame (or uvicorn ending the connection);
    # client_gone: the client's close frame or drop (uvicorn's transport is gone: every send raises ClientDisconnected)
    c = {"connected": False, "handshake": None, "server_closed": False, "client_gone": False, "response_done": False}
    frames: list = []   # client → app: ASGI messages not received yet
    unread: list = []   # app → client: messages the script has not read yet
    changed = asyncio.Event()   # wakes whichever side waits

    def poke():
        changed.set()

    async def until(ready):
        while not ready():
            changed.clear()
            await changed.wait()

    def endpoint() -> str:  # Starlette's router puts the matched endpoint in the scope; none matched: the router closes
        return getattr(scope.get("endpoint"), "__name__", "router")

    def unexpected(kind):
        return RuntimeError(f"Unexpected ASGI message '{kind}', after sending 'websocket.close'.")

    def server_closes(code, reason):
        c["server_closed"] = True
        if not c["client_gone"]:
            outcome.update(close=code, reason=reason)
        poke()

    def refuse(status, headers=()):
        c.update(handshake="refused", server_closed=True)
        result["status"] = status
        result["headers"] = {k.decode().lower(): v.decode() for k, v in headers}
        _stamp(index, "ws.deny", status, thread="loop")  # also once the app has returned (uvicorn's 500)
        poke()

    async def receive():
        if not c["connected"]:
            c["connected"] = True
            return {"type": "websocket.connect"}
        await until(lambda: c["handshake"] is not None)
        if c["handshake"] != "accepted":
            return {"type": "websocket.disconnect", "code": 1006}
        await until(lambda: frames)
        message = frames.pop(0)
        if message["type"] == "websocket.disconnect":
            record("disconnect", endpoint(), f"code={message['code']}")
        return message

    async def send(message):  # uvicorn's default (websockets-sansio) implementation, message by message
        kind = message["type"]
        if c["client_gone"]:
            raise ClientDisconnected("the client has gone")
        if c["handshake"] is None:
            if kind == "websocket.accept":
                c["handshake"] = "accepted"
                outcome["accepted"] = True
                record("ws.accept", endpoint())
                poke()
            elif kind == "websocket.close":  # before accept: uvicorn refuses the handshake with a bare 403
                code, reason = message.get("code", 1000), message.get("reason") or ""
                record("ws.close", endpoint(), close_q(code, reason))
                refuse(403)
                c["response_done"] = True
            elif kind == "websocket.http.response.start":
                refuse(message["status"], message.get("headers", []))
            else:
                raise RuntimeError(f"Expected ASGI message 'websocket.accept', 'websocket.close', or 'websocket.http.response.start' but got '{kind}'.")
        elif c["handshake"] == "refused":
            if kind != "websocket.http.response.body" or c["response_done"]:
                raise unexpected(kind)
            result["body"] += message.get("body", b"")
            c["response_done"] = not message.get("more_body", False)
        elif c["server_closed"]:
            raise unexpected(kind)
        elif kind == "websocket.send":
            data = message.get("text")
            data = data if data is not None else (message.get("bytes") or b"").decode("utf-8", "replace")
            record("ws.send", label, quoted(data))
            outcome["received"].append(data)
            unread.append(data)
            poke()
        elif kind == "websocket.close":
            code, reason = message.get("code", 1000), message.get("reason") or ""
            record("ws.close", endpoint(), close_q(code, reason))
            server_closes(code, reason)
        else:
            raise RuntimeError(f"Expected ASGI message 'websocket.send' or 'websocket.close', but got '{kind}'.")

    def from_client(message):
        if message["type"] == "websocket.disconnect":
            c["client_gone"] = True
        frames.append(message)
        poke()

    def leave(code, reason):
        if c["server_closed"] or c["client_gone"]:
            return
        _stamp(index, "client.close", label, str(code), thread="loop")
        outcome.update(close=code, reason=reason, closed_by_client=True)
        from_client({"type": "websocket.disconnect", "code": code, "reason": reason})

    async def client():
        """The script, from the moment the handshake completes (a real client's connect() returns then)."""
        await until(lambda: c["handshake"] is not None)
        if c["handshake"] != "accepted":
            return
        for step in spec["script"]:
            if c["server_closed"] and not unread:
                return
            if step[0] == "send":
                _stamp(index, "client.send", label, quoted(step[1]), thread="loop")
                from_client({"type": "websocket.receive", "text": step[1]})
            elif step[0] == "receive":
                wanted = step[1]
                while wanted:
                    await until(lambda: unread or c["server_closed"])
                    if not unread:
                        return
                    _stamp(index, "client.receive", label, quoted(unread.pop(0)), thread="loop")
                    wanted -= 1
            elif step[0] == "wait":
                await asyncio.sleep(step[1] * TIME_SCALE / 1000)
            elif step[0] == "close":
                return leave(step[1], step[2])
            elif step[0] == "drop":
                _stamp(index, "client.drop", label, "1006", thread="loop")
                outcome["closed_by_client"] = True
                if outcome["close"] is None:
                    outcome["close"] = 1006
                # uvicorn's default implementation tells the app 1005 for a connection lost after the handshake
                return from_client({"type": "websocket.disconnect", "code": 1005})
        if not c["server_closed"]:
            leave(1000, "")

    _CALLED[0] += 1
    _SERVED[_CALLED[0]] = index
    current_worker.set(spec["worker"])  # this task's context: the app call runs in it
    talking = asyncio.create_task(client())
    try:
        try:
            await app(scope, receive, send)
        except Exception as raised:  # ClientDisconnected too: uvicorn does not log it, but it did escape the app
            exc = _innermost(raised)
            _stamp(index, "server.error", type(exc).__name__, _slug(str(exc)), thread="loop")
        # what uvicorn does once the app has returned or raised
        if c["handshake"] is None:
            result["body"] = b"Internal Server Error"
            refuse(500)
        elif c["handshake"] == "accepted" and not c["server_closed"] and not c["client_gone"]:
            # the transport closes without a close frame: the client sees 1006, and for the app (a broadcast from
            # another endpoint) the websocket is still connected, so a send raises ClientDisconnected
            _stamp(index, "ws.close", "server", "1006", thread="loop")
            server_closes(1006, "")
            c["client_gone"] = True
        c["server_closed"] = True
        poke()
        await talking
    except asyncio.CancelledError:
        talking.cancel()
        if index not in _HUNG:
            raise
    finally:
        done[index].set()
    result["body"] = result["body"].decode("utf-8", "replace")
    return result
"""#
}
