/// The Python an export carries for the scenario's concurrency: its `pools:`, and the driver that sends overlapping
/// requests (`at:`, `disconnect:`, `cancel:`) on a real, scaled clock. Kept apart from the recorder and the
/// sequential driver so either can change without touching the other.
extension PythonRuntime {
    /// `pools: {db_pool: 2}` as a tiny connection pool: a unit is handed straight to the first waiter, so waiters
    /// are served first come, first served whether they wait on the event loop (an async dependency) or inside a
    /// worker thread (a sync one, which keeps its threadpool token meanwhile).
    static let connectionPool = #"""

class ConnectionPool:
    """`size` connections, first come, first served — what a database pool does once every connection is in use.
    `async with pool.connection():` waits on the event loop; `with pool.connection():` (in a sync dependency)
    waits inside its worker thread, which stays taken while it waits."""

    def __init__(self, name: str, size: int):
        self.name = name
        self.free = size
        self._lock = threading.Lock()
        self._waiters: list = []  # threading.Event for a worker thread, asyncio.Future for the event loop

    def connection(self):
        return self

    def _take_or_queue(self, waiter) -> bool:
        with self._lock:
            if self.free and not self._waiters:
                self.free -= 1
                return True
            self._waiters.append(waiter)
            return False

    def _give_back(self) -> None:
        """The unit goes straight to the first waiter (a newcomer cannot overtake the queue), else back to the pool.
        A waiter taken off the queue here owns a unit, even if it was cancelled meanwhile: it gives it back itself."""
        with self._lock:
            if not self._waiters:
                self.free += 1
                return
            waiter = self._waiters.pop(0)
        if isinstance(waiter, threading.Event):
            waiter.set()
        else:
            waiter.get_loop().call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(True))

    async def __aenter__(self):
        waiter = asyncio.get_running_loop().create_future()
        if not self._take_or_queue(waiter):
            record("wait", self.name, "pool")
            try:
                await waiter
            except BaseException:
                with self._lock:
                    queued = waiter in self._waiters
                    if queued:
                        self._waiters.remove(waiter)
                if not queued:
                    self._give_back()
                raise
        record("acquire", self.name, "pool")
        return self

    async def __aexit__(self, *exc_info):
        record("release", self.name, "pool")
        self._give_back()

    def __enter__(self):
        waiter = threading.Event()
        if not self._take_or_queue(waiter):
            record("wait", self.name, "pool")
            waiter.wait()
        record("acquire", self.name, "pool")
        return self

    def __exit__(self, *exc_info):
        record("release", self.name, "pool")
        self._give_back()
"""#
}

extension PythonRuntime {
    /// `python app.py --trace` for a scenario whose requests overlap. Each request is a task started at its
    /// arrival time on the real clock (`DILAB_TIME_SCALE` real ms per virtual ms); `http.disconnect` arrives on
    /// `receive()` at the disconnect time while `send()` keeps succeeding; a cancel is an AnyIO cancel scope
    /// around the app call, cancelled at the cancel time. Every event is stamped with its virtual time and its
    /// place in one global order. A request still waiting when nothing has happened for HANG_MS is reported as
    /// `hung` (dilab's deadlock) and its later events are dropped.
    static let concurrentDriver = #"""

# ── dilab's driver for overlapping requests (at:, disconnect:, cancel:) ─────────────────────────────

import anyio

if not TIME_SCALE:
    TIME_SCALE = 1.0
_TIMELINE: list = []
_TIMELINE_LOCK = threading.Lock()
_SERVED: dict = {}   # RequestIds' number → the request's index in REQUESTS
_CALLED = [0]        # app calls so far: RequestIds numbers them in the same order, before the app first awaits
_HUNG: set = set()
_T0 = [0.0]


def _stamp(index, kind, subject, q="", thread=None) -> None:
    if index is None or index in _HUNG:
        return
    with _TIMELINE_LOCK:
        _TIMELINE.append({"index": index, "kind": kind, "subject": str(subject), "q": q,
                          "thread": thread or ("loop" if threading.current_thread() is threading.main_thread() else "threadpool"),
                          "t": round((time.monotonic() - _T0[0]) * 1000 / TIME_SCALE, 1), "seq": len(_TIMELINE)})


def _stamp_served(kind: str, subject, q: str = "") -> None:
    """A recorder listener: the event, stamped for the request RequestIds numbered."""
    _stamp(_SERVED.get(_request_id.get()), kind, subject, q)


async def _request_at(index: int, spec: dict, done: list, pending: list) -> dict:
    loop = asyncio.get_running_loop()
    if spec["at"] is not None:
        arrival = _T0[0] + spec["at"] * TIME_SCALE / 1000
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
    else:
        if index > 0:
            await done[index - 1].wait()
        arrival = time.monotonic()
    pending[0] -= 1
    if spec["overrides"] is not None:
        app.dependency_overrides = {PROVIDERS[k]: PROVIDERS[v] for k, v in spec["overrides"].items()}
    target = spec["target"]
    scope, body = _asgi_scope(spec, 50000 + index)
    line = f"{spec['method']} {target}"
    result = {"request": line, "status": None, "headers": {}, "body": b""}
    gone = asyncio.Event()      # the response is complete, or the client went away: receive() says http.disconnect
    finished = [False]
    receive, send = _http_channel(body, result, gone)

    def client_disconnects():
        pending[0] -= 1
        if not finished[0]:
            _stamp(index, "disconnect", line, "http.disconnect", thread="loop")
            gone.set()

    _CALLED[0] += 1
    _SERVED[_CALLED[0]] = index
    try:
        with anyio.CancelScope() as cancel_scope:
            # timed from the arrival on the loop's clock (time.monotonic), not from whenever this task got here
            if spec["disconnect"] is not None:
                loop.call_at(arrival + spec["disconnect"] * TIME_SCALE / 1000, client_disconnects)
            if spec["cancel"] is not None:
                def server_cancels():
                    pending[0] -= 1
                    cancel_scope.cancel()
                loop.call_at(arrival + spec["cancel"] * TIME_SCALE / 1000, server_cancels)
            await app(scope, receive, send)
    except asyncio.CancelledError:
        if index not in _HUNG:
            raise
    except Exception as raised:
        exc = _innermost(raised)
        _stamp(index, "server.error", type(exc).__name__, _slug(str(exc)), thread="loop")
    finally:
        finished[0] = True
        gone.set()
        done[index].set()
    result["body"] = result["body"].decode("utf-8", "replace")
    return result


async def _watch_for_hangs(tasks: list, pending: list) -> None:
    """Nothing recorded for HANG_MS and nothing left to arrive, disconnect or cancel: the waiting requests are hung."""
    seen, quiet_since = -1, time.monotonic()
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.02)
        if len(_TIMELINE) != seen or pending[0] > 0:
            seen, quiet_since = len(_TIMELINE), time.monotonic()
        elif time.monotonic() - quiet_since > HANG_MS * TIME_SCALE / 1000:
            for index, task in enumerate(tasks):
                if not task.done():
                    _stamp(index, "hung", "", thread="loop")
                    _HUNG.add(index)
                    task.cancel()
            return


async def _drive_together() -> dict:
    _LISTENERS.append(_stamp_served)
    messages: asyncio.Queue = asyncio.Queue()
    replies: asyncio.Queue = asyncio.Queue()
    lifespan_task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                            messages.get, replies.put))
    out = {"fastapi": _fastapi_version(), "app_error": None, "concurrent": True, "time_scale": TIME_SCALE}
    await _lifespan("startup", messages, replies)
    out["startup"] = EVENTS[:]
    with anyio.CancelScope():  # AnyIO loads its asyncio backend on first use: not on the requests' clock
        await asyncio.sleep(0)
    done = [asyncio.Event() for _ in REQUESTS]
    pending = [len(REQUESTS) + sum(s["disconnect"] is not None for s in REQUESTS) + sum(s["cancel"] is not None for s in REQUESTS)]
    _T0[0] = time.monotonic()
    # a websocket connection is a client task speaking raw ASGI (`_connection_at`, with the websocket routes)
    tasks = [asyncio.create_task((_connection_at if spec["method"] == "WEBSOCKET" else _request_at)(i, spec, done, pending))
             for i, spec in enumerate(REQUESTS)]
    watch = asyncio.create_task(_watch_for_hangs(tasks, pending))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    watch.cancel()
    out["requests"] = []
    for index, (spec, r) in enumerate(zip(REQUESTS, results)):
        if not isinstance(r, dict):
            r = {"request": f"{spec['method']} {spec['target']}", "status": None, "headers": {}, "body": ""}
        r["events"] = [{k: e[k] for k in ("kind", "subject", "q", "thread", "t", "seq")} for e in _TIMELINE if e["index"] == index]
        if spec["method"] == "WEBSOCKET" and "websocket" not in r:
            r["websocket"] = {"accepted": False, "received": [], "close": None, "reason": "", "closed_by_client": False}
        out["requests"].append(r)
    mark = len(EVENTS)
    await _lifespan("shutdown", messages, replies)
    await lifespan_task
    out["shutdown"] = EVENTS[mark:]
    return out
"""#
}
