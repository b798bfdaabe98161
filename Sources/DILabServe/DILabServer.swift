import DILab
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `dilab serve`: a scenario's routes as real HTTP endpoints, each request one run of the shared engine on the
/// real clock. Lifecycle as under uvicorn (fastapi-semantics p12, p16): lifespan startup before the port opens;
/// on shutdown, stop accepting, let running requests, their background tasks and cleanup finish, then run the
/// lifespan shutdown.
public final class DILabServer: @unchecked Sendable {
    /// How shutdown went: whether every request finished in time, and which did not.
    public struct ShutdownReport: Sendable {
        public init(drained: Bool, pending: [String], waitedMilliseconds: Int) {
            self.drained = drained
            self.pending = pending
            self.waitedMilliseconds = waitedMilliseconds
        }

        public var drained: Bool
        /// `[id] GET /x` for each request still running at the timeout.
        public var pending: [String]
        public var waitedMilliseconds: Int
    }

    public enum ServeError: Error, CustomStringConvertible {
        case appRefused([Diagnostic])
        case cannotListen(String)
        public var description: String {
            switch self {
            case .appRefused(let d): return "FastAPI refuses to build this app:\n" + d.map(\.description).joined(separator: "\n")
            case .cannotListen(let why): return "cannot listen: \(why)"
            }
        }
    }

    let core: ServerCore
    private let lock = NSLock()
    private var group: ServiceGroup?
    private var runTask: Task<Void, Error>?
    private var stopped = false
    private var runEnded = false
    public private(set) var port: Int?

    /// True once the HTTP server has stopped (after `stop()`, or by itself on an error).
    public var hasStopped: Bool { lock.withLock { runEnded } }

    /// - Parameter output: where the live log goes (standard output by default; tests capture it).
    public init(app: CompiledApp, options: ServeOptions = ServeOptions(), style: Style = .plain,
                output: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        core = ServerCore(app: app, options: options,
                          log: ServerLog(format: options.log, style: style, linesPerSecond: options.logLinesPerSecond, write: output))
    }

    /// Waits (at most `timeout` seconds) until every log line so far is written: the live log is written by a
    /// thread of its own, off the request path. False if the output did not take them in time.
    @discardableResult
    public func flushLog(timeout: Double = 10) -> Bool { core.log.flush(timeout: timeout) }

    /// The connections' I/O threads: half the cores (one on two). The engine runs one step at a time, on whichever
    /// thread holds its baton, so I/O threads beyond that only add wake-ups between threads: on the 2-core machine,
    /// one I/O thread instead of NIO's two (its singleton group) took serve from 2.4 to 1.6 context switches per
    /// request (docs/performance.md, "Serve, fewer hand-offs"). Shared by every server of the process.
    static let ioThreads = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount / 2))

    /// Runs the lifespan startup, then opens the port; returns the bound port (useful with port 0).
    public func start() async throws -> Int {
        let app = core.app
        guard app.appErrors.isEmpty else { throw ServeError.appRefused(app.appErrors) }
        let options = core.options
        core.log.message("\(app.scenario.name) · FastAPI \(app.profile.fastapiVersion) (profile \(app.profile.rawValue)) · time-scale \(options.timeScale)")
        for r in app.routes where r.fullPath.hasPrefix("/_dilab/") {
            core.log.message("warning: route \(r.route.method) \(r.fullPath) is shadowed by the server's own /_dilab/ endpoints")
        }
        await core.lifespan(startup: true)

        let logger = Logger(label: "dilab.serve", factory: { QuietLogHandler(label: $0) })
        let bound = Promise<Int>()
        let application = Application(
            responder: DILabResponder(core: core),
            server: DILabHTTPChannel.builder(options, handshake: { [core] head in await core.handshake(head) },
                                             executor: core.loop.executor, log: { [core] line in core.log.message(line) }),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil,
                                 availableConnectionsDelegate: MaximumAvailableConnections(max(1, options.maxConnections))),
            onServerRunning: { channel in bound.fulfill(.success(channel.localAddress?.port ?? 0)) },
            eventLoopGroupProvider: .shared(DILabServer.ioThreads),
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task { [self] in
            defer { lock.withLock { runEnded = true } }
            do {
                try await group.run()
                bound.fulfill(.failure(ServeError.cannotListen("the server stopped before it was listening")))
            } catch {
                bound.fulfill(.failure(ServeError.cannotListen("\(options.host):\(options.port): \(error)")))
                throw error
            }
        }
        lock.withLock {
            self.group = group
            self.runTask = task
        }
        let port: Int
        do {
            port = try await bound.value()
        } catch {
            // As uvicorn does when the bind fails after the lifespan started: shut the lifespan down, then fail.
            core.log.message("\(error)")
            await core.lifespan(startup: false)
            core.log.flush()
            throw error
        }
        lock.withLock { self.port = port }
        let shown = options.host.contains(":") ? "[\(options.host)]" : options.host
        core.log.message("listening on http://\(shown):\(port)  (traces: /_dilab/traces/{X-Request-ID}, live events: /_dilab/events)")
        for r in app.routes { core.log.message("  \(r.route.method) \(r.fullPath)  → \(r.route.handlerName)") }
        return port
    }

    /// Graceful shutdown: no new connections; running requests, their background tasks and request cleanup
    /// finish (up to `drainTimeout`, reported if exceeded); then the lifespan shutdown. Safe to call twice.
    public func stop() async -> ShutdownReport {
        let (alreadyStopped, group, task) = lock.withLock {
            defer { stopped = true }
            return (stopped, self.group, self.runTask)
        }
        guard !alreadyStopped else { return ShutdownReport(drained: true, pending: [], waitedMilliseconds: 0) }

        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int(core.options.drainTimeout * 1000))
        let running = core.inflight.pending
        core.log.message(running.isEmpty
            ? "shutting down: no request running"
            : "shutting down: no new connections; waiting for \(running.count) running request\(running.count == 1 ? "" : "s") (background tasks, cleanup): \(running.joined(separator: ", "))")
        await group?.triggerGracefulShutdown()
        var drained = await core.inflight.waitIdle(until: deadline)
        // Live-event subscribers would hold their connections open forever; the requests are done, so end them.
        core.events.close()
        if let task {
            if await !ServerTiming.waitFor(task, until: deadline) { drained = false }
        }
        if drained { drained = await core.inflight.waitIdle(until: deadline) }
        let pending = core.inflight.pending
        let waited = Int((ContinuousClock.now - started) / .milliseconds(1))
        if drained {
            core.log.message("all requests finished (\(waited) ms); running the lifespan shutdown")
        } else {
            core.log.message("drain timeout (\(core.options.drainTimeout) s) exceeded; still running: \(pending.isEmpty ? "open connections" : pending.joined(separator: ", ")); running the lifespan shutdown anyway")
        }
        core.loop.stop(wait: false)
        await core.lifespan(startup: false)
        core.log.message("stopped")
        core.log.close()
        return ShutdownReport(drained: drained, pending: pending, waitedMilliseconds: waited)
    }

    /// Number of traces held for `/_dilab/traces/{id}` (bounded by `keepTraces`).
    public var retainedTraces: Int { core.store.count }

    /// Bytes those traces account for (bounded by `keepBytes`, plus the trace being written).
    public var retainedTraceBytes: Int { core.store.accountedBytes }
}

/// A value delivered once from another thread (the first `fulfill` wins) and awaited without holding a thread
/// of the cooperative pool: the bound port from `onServerRunning`, or the error that stopped the server first.
final class Promise<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, Error>?
    private var waiter: CheckedContinuation<T, Error>?

    func fulfill(_ r: Result<T, Error>) {
        lock.lock()
        guard result == nil else { lock.unlock(); return }
        result = r
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(with: r)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { c in
            lock.lock()
            if let result {
                lock.unlock()
                c.resume(with: result)
            } else {
                waiter = c
                lock.unlock()
            }
        }
    }
}

enum ServerTiming {
    /// Waits for `task` to end or for `deadline`; true if it ended.
    static func waitFor(_ task: Task<Void, Error>, until deadline: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = await task.result; return true }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            // The group returns only when both children have; past the deadline, cancelling the task ends the first.
            if !first { task.cancel() }
            return first
        }
    }
}
