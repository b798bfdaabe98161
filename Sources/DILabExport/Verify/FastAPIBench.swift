import DILab
import Foundation

/// Real FastAPI, in process, driven over raw ASGI for `dilab bench --against-fastapi`: the scenario is exported
/// with `FastAPIExporter` (the same file `dilab verify` runs), imported by a fixed driver script in a managed
/// venv, and asked for timed rounds over the scenario's requests. The driver runs nothing from the scenario but
/// the generated export, and the export only defines the app; the requests are its sidecar's `REQUESTS`.
public final class FastAPIBench {
    /// One timed round on the Python side.
    public struct Round: Sendable {
        public var seconds: Double
        /// CPU seconds of the whole Python process (event loop and threadpool) over the round.
        public var cpuSeconds: Double
        public var requests: Int
        public var events: Int
    }

    public private(set) var fastapiVersion = "?"
    /// The status of each of the scenario's requests, in order, from the warm-up pass.
    public private(set) var statuses: [Int] = []

    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let stderrFile: String
    private let directory: String
    private var buffer = Data()

    /// Exports `app`, writes the app and the driver to a fresh temporary folder, starts the driver and runs one
    /// warm-up pass over the scenario's requests.
    public init(app: CompiledApp, python: PythonEnvironment) throws {
        directory = NSTemporaryDirectory() + "dilab-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let appFile = directory + "/bench_app.py", driverFile = directory + "/bench_driver.py"
        for f in FastAPIExporter(scenario: app.scenario, profile: app.profile).files(appName: "bench_app.py") {
            try f.text.write(toFile: directory + "/" + f.name, atomically: true, encoding: .utf8)
        }
        try Self.driver.write(toFile: driverFile, atomically: true, encoding: .utf8)
        stderrFile = directory + "/stderr.txt"
        FileManager.default.createFile(atPath: stderrFile, contents: nil)

        process = Process()
        process.executableURL = URL(fileURLWithPath: python.python.hasPrefix("/") ? python.python : "/usr/bin/env")
        process.arguments = (python.python.hasPrefix("/") ? [] : [python.python]) + [driverFile, appFile]
        process.environment = ProcessInfo.processInfo.environment.merging(["DILAB_TIME_SCALE": "0", "PYTHONDONTWRITEBYTECODE": "1"]) { $1 }
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: stderrFile)
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        do { try process.run() } catch { throw VerifyError.setup("cannot start \(python.python): \(error.localizedDescription)") }
        let ready = try reply()
        fastapiVersion = ready["fastapi"]?.text ?? "?"
        guard case .array(let codes)? = ready["statuses"] else { throw VerifyError.badOutput("no statuses in the driver's warm-up reply") }
        statuses = codes.map { if case .int(let s) = $0 { s } else { 0 } }
    }

    deinit { close() }

    /// `requests` requests, cycling through the scenario's, timed by the driver around the ASGI calls alone.
    public func round(requests: Int) throws -> Round {
        try send("round \(requests)")
        let r = try reply()
        guard case .int(let ns)? = r["ns"], case .int(let cpu)? = r["cpu_ns"], case .int(let n)? = r["requests"] else {
            throw VerifyError.badOutput("a round reply without ns/cpu_ns/requests")
        }
        var events = 0
        if case .int(let e)? = r["events"] { events = e }
        return Round(seconds: Double(ns) / 1e9, cpuSeconds: Double(cpu) / 1e9, requests: n, events: events)
    }

    /// Ends the driver (lifespan shutdown) and removes the temporary folder.
    public func close() {
        if process.isRunning {
            try? send("quit")
            try? input.close()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func send(_ line: String) throws {
        guard process.isRunning else { throw failure("the FastAPI driver exited") }
        input.write(Data((line + "\n").utf8))
    }

    private func reply() throws -> Value {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                guard let v = Value.parse(json: line) else { throw VerifyError.badOutput("not JSON: \(line.prefix(200))") }
                if let e = v["error"]?.text { throw failure("the FastAPI driver failed: \(e)") }
                return v
            }
            let chunk = output.availableData
            if chunk.isEmpty { throw failure("the FastAPI driver exited without replying") }
            buffer.append(chunk)
        }
    }

    private func failure(_ message: String) -> VerifyError {
        let err = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
        let tail = err.split(separator: "\n", omittingEmptySubsequences: false).suffix(15).map { "    " + $0 }.joined(separator: "\n")
        return .setup(tail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? message : message + ":\n" + tail)
    }

    /// The driver: fixed text with no scenario data in it. It imports the export by path (`argv[1]`), switches its
    /// recorder to keeping events (cleared after every request, so a long round stays flat), runs the lifespan,
    /// and answers one JSON line per command read from stdin: `round N` or `quit`.
    static let driver = #"""
"""dilab bench's FastAPI side: the exported app over raw ASGI, timed in rounds (stdin: `round N`, `quit`)."""
import asyncio
import importlib.util
import json
import os
import sys
import time


def load(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # the app imports its sidecar, dilab_trace.py, from there
    spec = importlib.util.spec_from_file_location("dilab_bench_app", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dilab_bench_app"] = module
    spec.loader.exec_module(module)
    return module


async def main():
    m = load(sys.argv[1])
    t = sys.modules["dilab_trace"]  # the recorder and the scenario's requests
    t.KEEP_EVENTS = True
    app, events, record = m.app, t.EVENTS, t.record
    plans = []
    for spec in t.REQUESTS:
        overrides = None
        if spec["overrides"] is not None:
            overrides = {getattr(m, k): getattr(m, v) for k, v in spec["overrides"].items()}
        plans.append((t._asgi_scope(spec), overrides))

    async def one(plan):
        (scope, body), overrides = plan
        if overrides is not None:
            app.dependency_overrides = overrides
        elif app.dependency_overrides:
            app.dependency_overrides = {}
        # The sidecar's receive; a send leaner than its _http_channel's (no body or headers kept): FastAPI is charged
        # only for what a server must do.
        status = [0]
        done = asyncio.Event()
        receive = t._http_receive(body, done)

        async def send(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                record("response", message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                record("sent", status[0])
                done.set()

        try:
            await app(dict(scope), receive, send)
        except Exception as exc:
            record("server.error", type(exc).__name__)
            status[0] = status[0] or 500
        finally:
            done.set()
        n = len(events)
        events.clear()
        return status[0], n

    messages, replies = asyncio.Queue(), asyncio.Queue()
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, messages.get, replies.put))
    await t._lifespan("startup", messages, replies)
    events.clear()

    def answer(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    statuses = [(await one(p))[0] for p in plans]
    answer({"fastapi": t._fastapi_version(), "statuses": statuses})
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "quit":
            break
        if line[0] == "round" and plans:
            count, total = int(line[1]), 0
            started, cpu = time.perf_counter_ns(), time.process_time_ns()
            for i in range(count):
                total += (await one(plans[i % len(plans)]))[1]
            answer({"ns": time.perf_counter_ns() - started, "cpu_ns": time.process_time_ns() - cpu, "requests": count, "events": total})
        else:
            answer({"error": f"unknown command {line!r}"})
    await t._lifespan("shutdown", messages, replies)
    await lifespan


try:
    asyncio.run(main())
except Exception as exc:
    sys.stdout.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
    sys.stdout.flush()
    raise
"""#
}
