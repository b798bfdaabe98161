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
