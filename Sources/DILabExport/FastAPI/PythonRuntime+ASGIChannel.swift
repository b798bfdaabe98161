/// The server side of one raw ASGI HTTP request — its scope, its receive and send — as both the export's drivers
/// and `dilab import`'s record mode send requests, so the two agree on what the app sees. Python text, no scenario in it.
extension PythonRuntime {
    public static let asgiChannel = #"""
def _innermost(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _asgi_scope(spec: dict, client_port: int = 50000):
    """The raw ASGI scope and body a server sends for one of REQUESTS (every driver builds them here)."""
    from urllib.parse import unquote
    path, _, query = spec["target"].partition("?")
    given = [(k.lower().encode(), v.encode()) for k, v in spec["headers"]]
    headers = ([] if any(k == b"host" for k, _ in given) else [(b"host", b"testserver")]) + given
    if spec["cookies"]:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in spec["cookies"]).encode()))
    body = spec["body"].encode() if spec["body"] is not None else b""
    if spec["body"] is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": spec["method"], "scheme": "http", "path": unquote(path), "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "", "headers": headers,
             "client": ("testclient", client_port), "server": ("testserver", 80), "extensions": {}}
    return scope, body


def _http_receive(body, done: asyncio.Event):
    """A server's receive for one HTTP request: the body in one message, then http.disconnect once `done` is set."""
    received = [False]

    async def receive():
        if not received[0]:
            received[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    return receive


def _http_channel(body, result: dict, done: asyncio.Event):
    """A server's receive and send for one HTTP request: the response goes into `result` (status, headers, body),
    and its last byte sets `done`. send keeps succeeding after a disconnect, as uvicorn's does. Shared by the
    sequential and the concurrent driver, and by `dilab import`."""
    receive = _http_receive(body, done)

    async def send(message):
        if message["type"] == "http.response.start":
            result["status"] = message["status"]
            result["headers"] = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
            record("response", message["status"])
        elif message["type"] == "http.response.body":
            result["body"] += message.get("body", b"")
            if not message.get("more_body", False):
                record("sent", result["status"])
                done.set()

    return receive, send


async def _lifespan(phase: str, messages: asyncio.Queue, replies: asyncio.Queue) -> None:
    """Drives the app's lifespan over raw ASGI, one phase (startup or shutdown); a failed phase raises."""
    await messages.put({"type": f"lifespan.{phase}"})
    reply = await asyncio.wait_for(replies.get(), timeout=30)
    if reply["type"].endswith(".failed"):
        raise RuntimeError(reply.get("message", f"lifespan {phase} failed"))



"""#
}
