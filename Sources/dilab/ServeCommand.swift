import ArgumentParser
import DILab
import DILabServe
import Foundation

/// `dilab serve`: the scenario's routes on a real HTTP server, each request run by the engine on the real clock.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a scenario over real HTTP.",
        discussion: """
        Every route becomes an endpoint; each request runs through the engine on the real clock and its trace is \
        printed live, background tasks and cleanup included. Responses carry X-Request-ID; \
        GET /_dilab/traces/{id} returns that trace as JSON ("complete" once its tasks and cleanup are done), \
        GET /_dilab/events streams every event as server-sent events (curl -N).

        The lifespan startup runs before the port opens. Ctrl-C (SIGINT) or SIGTERM stops accepting, waits for \
        running requests, their background tasks and cleanup (--drain-timeout), runs the lifespan shutdown and \
        exits 0; 1 if the drain timed out. A second signal exits at once (130).

        Memory is bounded: the kept traces within --keep-bytes (default 64 MiB; each string in them cut to 4 KiB), \
        so RSS is about 40 MiB of runtime plus --keep-bytes, plus the requests in flight (at most \
        --max-connections, each with a body of at most --max-body and the engine's copy of it). Measured: ~81 MB \
        after 1,000 POSTs of 1 MiB bodies (2 GB before the byte budget). Under a slow-header (or slow-body) \
        flood every connection is dropped after --header-timeout (--body-timeout), and other clients are served.
        """)

    @Argument(help: "The scenario file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(help: "Address to listen on. Loopback only unless you say otherwise (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (printed at startup).")
    var port = 8000

    @Option(name: .customLong("time-scale"), help: "Real time per scenario time: 0.1 runs a 2 s task in 200 ms.")
    var timeScale = 1.0

    @OptionGroup var profileOption: ProfileOption

    @Option(help: "Log format: text (trace lines) or json (one event per line).")
    var log: LogFormat = .text

    @Option(name: .customLong("log-limit"), help: """
        Event lines the live log shows per second at most; past it, one line a second counts what was not shown \
        (0: show every event). The log is written off the request path either way.
        """)
    var logLimit = 1000

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes; larger ones get 413.")
    var maxBody = 1 << 20

    @Option(name: .customLong("keep-traces"), help: "How many request traces /_dilab/traces keeps (oldest dropped).")
    var keepTraces = 1000

    @Option(name: .customLong("keep-bytes"), help: """
        Byte budget of the kept traces (oldest dropped beyond it); every string in a trace, a log line or a live \
        event is cut to 4 KiB and marked '…(truncated, N bytes)'.
        """)
    var keepBytes = 64 << 20

    @Option(name: .customLong("header-timeout"), help: """
        Seconds a client has for a whole request head, from connecting (or from the first byte of its next \
        request); then it is disconnected. A slow trickle of header lines does not extend it.
        """)
    var headerTimeout = 10.0

    @Option(name: .customLong("body-timeout"), help: "Seconds a client has for a whole request body, once its head is in.")
    var bodyTimeout = 30.0

    @Option(name: .customLong("idle-timeout"), help: "Seconds a keep-alive connection may wait between requests.")
    var idleTimeout = 60.0

    @Option(name: .customLong("max-connections"), help: """
        Open connections at most; more wait in the listen backlog. Keep it below `ulimit -n`.
        """)
    var maxConnections = 512

    @Option(name: .customLong("drain-timeout"), help: "Seconds shutdown waits for running requests and their tasks.")
    var drainTimeout = 30.0

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard timeScale > 0, timeScale.isFinite else { throw ValidationError("--time-scale must be a positive number") }
        guard logLimit >= 0 else { throw ValidationError("--log-limit must not be negative") }
        guard maxBody >= 0 else { throw ValidationError("--max-body must not be negative") }
        guard keepTraces >= 1 else { throw ValidationError("--keep-traces must be at least 1") }
        guard keepBytes >= 1 << 16 else { throw ValidationError("--keep-bytes must be at least 65536") }
        guard headerTimeout > 0, headerTimeout.isFinite, headerTimeout <= 86400 else { throw ValidationError("--header-timeout must be a positive number of seconds (at most 86400)") }
        guard bodyTimeout > 0, bodyTimeout.isFinite, bodyTimeout <= 86400 else { throw ValidationError("--body-timeout must be a positive number of seconds (at most 86400)") }
        guard idleTimeout > 0, idleTimeout.isFinite, idleTimeout <= 86400 else { throw ValidationError("--idle-timeout must be a positive number of seconds (at most 86400)") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must not be negative") }
    }

    func run() throws {
        let app = try loadApp(scenario, profile: try profileOption.profile())
        guard app.appErrors.isEmpty else {
            Terminal.printError("FastAPI refuses to build this app: importing it raises while the routes are registered.")
            Terminal.printError(app.appErrors.map(\.description).joined(separator: "\n"))
            throw ExitCode(2)
        }
        // Before any server thread exists, so every thread inherits the blocked mask and the signal waits for us.
        let signals = SignalWaiter.blockTerminationSignals()
        let options = ServeOptions(host: host, port: port, timeScale: timeScale, log: log == .json ? .json : .text, logLinesPerSecond: logLimit,
                                   maxBodyBytes: maxBody, keepTraces: keepTraces, keepBytes: keepBytes,
                                   headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout, maxConnections: maxConnections,
                                   drainTimeout: drainTimeout)
        let server = DILabServer(app: app, options: options, style: log == .text ? Terminal.style() : .plain)
        do {
            _ = try Blocking.run { try await server.start() }
        } catch {
            // The server has logged why (and run the lifespan shutdown, as uvicorn does when the bind fails).
            throw ExitCode(2)
        }
        let outcome = signals.wait(shouldStop: { server.hasStopped })
        server.flushLog(timeout: 2)
        switch outcome {
        case .signal(let sig):
            FileHandle.standardOutput.write(Data("dilab serve: \(SignalWaiter.name(sig)) received: graceful shutdown (again to exit at once)\n".utf8))
        case .stopped:
            Terminal.printError("dilab serve: the HTTP server stopped unexpectedly")
        }
        // A second signal during the drain means "now".
        Thread.detachNewThread {
            if case .signal = signals.wait() {
                server.flushLog(timeout: 1)
                FileHandle.standardError.write(Data("dilab serve: second signal: exiting without waiting\n".utf8))
                Foundation.exit(130)
            }
        }
        let report = Blocking.run { await server.stop() }
        if !report.drained { throw ExitCode(1) }
    }
}

/// Runs async work from this synchronous command (the root command is not async) and waits for its result.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    static func run(_ work: @escaping @Sendable () async -> DILabServer.ShutdownReport) -> DILabServer.ShutdownReport {
        let box = ResultBox<DILabServer.ShutdownReport>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.result = .success(await work())
            done.signal()
        }
        done.wait()
        if case .success(let report)? = box.result { return report }
        return DILabServer.ShutdownReport(drained: false, pending: [], waitedMilliseconds: 0)
    }

    final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }
}
