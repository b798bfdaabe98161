import Foundation

/// A Python process that has imported FastAPI once and forks a fresh child for every `python app.py --trace`.
/// Importing FastAPI and pydantic is nearly all of a traced run's CPU (~0.7 s of ~0.75 s), and `verify` runs a
/// thousand of them in CI. Each app still runs in its own process, from the top of its file, as `__main__`, with
/// what the interpreter's exit does (non-daemon threads joined, atexit handlers, flushing): only the imports are shared.
final class TraceServer: @unchecked Sendable {
    private let process: Process
    private let requests: FileHandle
    private let replies: FileHandle
    private var pending = Data()

    /// Starts a server for `python`; nil when it cannot start (the caller then runs a plain subprocess).
    init?(python: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", Self.script]
        p.environment = ProcessInfo.processInfo.environment.merging(["PYTHONDONTWRITEBYTECODE": "1"]) { $1 }
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        process = p
        requests = input.fileHandleForWriting
        replies = output.fileHandleForReading
        guard readLine() == "ready" else { p.terminate(); return nil }
    }

    deinit { if process.isRunning { process.terminate() } }

    /// Runs `python app --trace` in a forked child with `environment` added; nil when the server itself failed.
    func trace(appFile: String, environment: [String: String], timeout: Double) -> Subprocess.Result? {
        let base = NSTemporaryDirectory() + "dilab-trace-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let out = base + ".out", err = base + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        let request: [String: Any] = ["app": appFile, "env": environment, "out": out, "err": err, "timeout": timeout]
        guard process.isRunning, var line = try? JSONSerialization.data(withJSONObject: request) else { return nil }
        line.append(0x0A)
        do { try requests.write(contentsOf: line) } catch { return nil }
        guard let reply = readLine(), let status = Int32(reply) else { return nil }
        let read = { (path: String) in (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return Subprocess.Result(status: status, stdout: read(out), stderr: read(err))
    }

    private func readLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[(newline + 1)...])
                return line
            }
            // `availableData` returns what the pipe holds (corelibs' `read(upToCount:)` waits for the whole count).
            let chunk = replies.availableData
            guard !chunk.isEmpty else { return nil }
            pending.append(chunk)
        }
    }

    /// The server: preload, say "ready", then per request line fork; the parent waits (killing the child at its
    /// timeout) and answers the exit status, as `Process.terminationStatus` reports it (a signal's number).
    /// The child leaves the loop and runs the app at top level as `__main__`.
    static let script = #"""
import json, os, sys, time
for preload in ("asyncio", "anyio", "pydantic", "fastapi", "fastapi.security", "starlette.middleware.base", "email_validator"):
    try:
        __import__(preload)
    except ImportError:
        pass

def serve():
    sys.stdout.write("ready\n"); sys.stdout.flush()
    while True:
        line = sys.stdin.readline()
        if not line:
            return None
        req = json.loads(line)
        sys.stdout.flush(); sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            return req
        deadline = time.monotonic() + req["timeout"]
        pause = 0.0005
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.01)
        code = os.waitstatus_to_exitcode(status)
        sys.stdout.write("%d\n" % (code if code >= 0 else -code)); sys.stdout.flush()

req = serve()
if req is None:
    sys.exit(0)
for fd, path, mode in ((0, os.devnull, os.O_RDONLY), (1, req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                       (2, req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
    opened = os.open(path, mode, 0o600)
    os.dup2(opened, fd)
    os.close(opened)
os.environ.update(req["env"])
app = req["app"]
sys.argv = [app, "--trace"]
sys.path[0] = os.path.dirname(os.path.abspath(app))
del json, time, serve, req, fd, path, mode, opened, preload
import atexit, builtins, threading, types
main = types.ModuleType("__main__")
main.__file__, main.__builtins__, main.__cached__ = app, builtins, None
sys.modules["__main__"] = main
with open(app, "rb") as source:
    code = compile(source.read(), app, "exec")
# This module's frame stands below the app's, which is the first frame in a fresh process: give the recursion
# limit that level back, so a RecursionError (a dependency cycle, a deep chain) comes where it would. (A worker
# thread's stack starts empty either way; none recurses near the limit.)
below, frame = 0, sys._getframe()
while frame is not None:
    below, frame = below + 1, frame.f_back
sys.setrecursionlimit(sys.getrecursionlimit() + below)
del frame
try:
    exec(code, main.__dict__)
    status = 0
except SystemExit as exit:
    status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    if not isinstance(exit.code, (int, type(None))):
        print(exit.code, file=sys.stderr)
except BaseException:
    sys.excepthook(*sys.exc_info())
    status = 1
# What the interpreter's exit does that a traced run can observe: wait for non-daemon threads, run atexit
# handlers, flush. Tearing down the modules and the heap the server imported (a quarter second) is skipped.
getattr(threading, "_shutdown", lambda: None)()
atexit._run_exitfuncs()
sys.stdout.flush(); sys.stderr.flush()
os._exit(status)
"""#
}

/// Idle trace servers for one Python, shared by `verify`'s parallel jobs: a job takes one (or starts one) and
/// gives it back. `DILAB_TRACE_FORK=0` turns the servers off (every run a fresh `python app.py --trace`).
final class TraceServerPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String: [TraceServer]] = [:]
    private var broken: Set<String> = []

    static let shared = TraceServerPool()
    static let enabled = ProcessInfo.processInfo.environment["DILAB_TRACE_FORK"] != "0"

    func trace(python: String, appFile: String, environment: [String: String], timeout: Double) -> Subprocess.Result? {
        guard Self.enabled else { return nil }
        lock.lock()
        if broken.contains(python) { lock.unlock(); return nil }
        let reused = idle[python]?.popLast()
        lock.unlock()
        guard let server = reused ?? TraceServer(python: python) else {
            lock.lock(); broken.insert(python); lock.unlock()
            return nil
        }
        guard let result = server.trace(appFile: appFile, environment: environment, timeout: timeout) else { return nil }
        lock.lock(); idle[python, default: []].append(server); lock.unlock()
        return result
    }
}
