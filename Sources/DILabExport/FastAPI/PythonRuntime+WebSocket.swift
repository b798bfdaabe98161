/// The Python an export with websocket routes carries: two helpers the app's code calls (`client_label`, `quoted`)
/// and the driver's side of each connection — the server half speaking raw ASGI to the app as uvicorn does, the
/// client half playing the scenario's script (docs/verify.md, "WebSockets").
extension PythonRuntime {
    static let webSocketHelpers = #"""

# ── dilab's recorder, websockets ─────────────────────────────────────────────────────────────────


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
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def close_q(code, reason) -> str:
    """A close frame in the trace: its code, then its reason if it has one."""
    return f"{code} {quoted(reason)}" if reason else str(code)
"""#

    /// `_connection_at`: one `websocket:` request of REQUESTS, started like `_request_at` (its `at:`, or when the
    /// request before it has finished). The server half is uvicorn's websockets implementation, message by message:
    /// a close before accept refuses the handshake with a bare 403; an app that ends without a handshake, or raises
    /// before one, gets 500; once the client has gone, send() raises `ClientDisconnected` (an OSError) until the app
    /// has read the disconnect, then RuntimeError; an app that returns without closing leaves the client a dropped
    /// connection (1006). The client half starts when the handshake completes, as a real client's connect() returns.
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
    state = {"connected": False, "handshake": None, "closed": False, "gone": False, "server_closed": False}
    handshake = asyncio.Event()
    frames: asyncio.Queue = asyncio.Queue()   # client → app: ASGI messages
    inbox: asyncio.Queue = asyncio.Queue()    # app → client: ("text", s), ("close", code, reason), ("end",)

    def endpoint() -> str:
        return getattr(scope.get("endpoint"), "__name__", "?")

    def unexpected(kind):
        return RuntimeError(f"Unexpected ASGI message '{kind}', after sending 'websocket.close' or response already completed.")

    async def receive():
        if not state["connected"]:
            state["connected"] = True
            return {"type": "websocket.connect"}
        await handshake.wait()
        if state["handshake"] != "accepted":
            return {"type": "websocket.disconnect", "code": 1006}
        if state["closed"]:
            return {"type": "websocket.disconnect", "code": 1005}
        message = await frames.get()
        if message["type"] == "websocket.disconnect":
            state["closed"] = True
            record("disconnect", endpoint(), f"code={message['code']}")
        else:
            record("ws.receive", endpoint(), quoted(message["text"]))
        return message

    async def send(message):
        kind = message["type"]
        if state["handshake"] is None:
            if kind == "websocket.accept":
                state["handshake"] = "accepted"
                outcome["accepted"] = True
                record("ws.accept", endpoint())
                handshake.set()
            elif kind == "websocket.close":  # before accept: uvicorn refuses the handshake with a bare 403
                record("ws.close", endpoint(), close_q(message.get("code", 1000), message.get("reason") or ""))
                state.update(handshake="denied", closed=True)
                result["status"] = 403
                record("ws.deny", 403)
                handshake.set()
            elif kind == "websocket.http.response.start":
                state["handshake"] = "denied"
                result["status"] = message["status"]
                result["headers"] = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
                record("ws.deny", message["status"])
            else:
                raise RuntimeError(f"Expected ASGI message 'websocket.accept', 'websocket.close', or 'websocket.http.response.start' but got '{kind}'.")
        elif state["handshake"] == "denied":
            if kind != "websocket.http.response.body" or state["closed"]:
                raise unexpected(kind)
            result["body"] += message.get("body", b"")
            if not message.get("more_body", False):
                state["closed"] = True
                handshake.set()
        elif state["closed"]:
            raise unexpected(kind)
        elif state["gone"]:
            raise ClientDisconnected("the client has gone")
        elif kind == "websocket.send":
            data = message.get("text")
            data = data if data is not None else (message.get("bytes") or b"").decode("utf-8", "replace")
            record("ws.send", label, quoted(data))
            inbox.put_nowait(("text", data))
        elif kind == "websocket.close":
            code, reason = message.get("code", 1000), message.get("reason") or ""
            record("ws.close", endpoint(), close_q(code, reason))
            state.update(closed=True, server_closed=True)
            if outcome["close"] is None:
                outcome.update(close=code, reason=reason)
            inbox.put_nowait(("close", code, reason))
        else:
            raise RuntimeError(f"Expected ASGI message 'websocket.send' or 'websocket.close', but got '{kind}'.")

    def client_leaves(code, reason, drop=False):
        if drop:
            _stamp(index, "client.drop", label, thread="loop")
        else:
            _stamp(index, "client.close", label, close_q(code, reason), thread="loop")
        outcome.update(close=1006 if drop else code, reason="" if drop else reason, closed_by_client=True)
        state["gone"] = True
        frames.put_nowait({"type": "websocket.disconnect", "code": 1006 if drop else code, **({} if drop else {"reason": reason})})

    async def next_message():
        item = await inbox.get()
        if item[0] == "text":
            outcome["received"].append(item[1])
            _stamp(index, "client.receive", label, quoted(item[1]), thread="loop")
            return True
        return False

    async def client():
        await handshake.wait()
        if state["handshake"] != "accepted":
            return
        # Messages that arrived before the server's close are still read; sending or closing after it ends the script
        # (a real client's send raises once the close frame is in).
        for step in spec["script"]:
            if step[0] != "receive" and step[0] != "wait" and state["server_closed"]:
                return
            if step[0] == "send":
                _stamp(index, "client.send", label, quoted(step[1]), thread="loop")
                frames.put_nowait({"type": "websocket.receive", "text": step[1]})
            elif step[0] == "receive":
                for _ in range(step[1]):
                    if not await next_message():
                        return
            elif step[0] == "wait":
                await asyncio.sleep(step[1] * TIME_SCALE / 1000)
            elif step[0] == "close":
                return client_leaves(step[1], step[2])
            elif step[0] == "drop":
                return client_leaves(1006, "", drop=True)
        if not state["server_closed"]:
            client_leaves(1000, "")

    _CALLED[0] += 1
    _SERVED[_CALLED[0]] = index
    talking = asyncio.create_task(client())
    try:
        try:
            await app(scope, receive, send)
        except ClientDisconnected:
            pass
        except Exception as raised:
            exc = _innermost(raised)
            _stamp(index, "server.error", type(exc).__name__, _slug(str(exc)), thread="loop")
        if state["handshake"] is None:  # uvicorn: no handshake when the app ended, so 500
            result["status"], result["body"] = 500, b"Internal Server Error"
            state["handshake"] = "denied"
            handshake.set()
        elif state["handshake"] == "accepted" and not state["closed"]:
            inbox.put_nowait(("end",))  # the transport closes without a close frame: the client sees 1006
            state["server_closed"] = True
        state["closed"] = True
        handshake.set()
        await talking
    except asyncio.CancelledError:
        talking.cancel()
        if index not in _HUNG:
            raise
    finally:
        done[index].set()
    if outcome["close"] is None and outcome["accepted"]:
        outcome["close"] = 1006
    result["body"] = result["body"].decode("utf-8", "replace")
    return result
"""#
}
