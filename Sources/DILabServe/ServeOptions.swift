/// How `dilab serve` runs: where it listens, how fast time passes, what it logs, and its safety limits.
public struct ServeOptions: Sendable {
    /// How the terminal shows each event: TextRenderer lines or one JSON object per line.
    public enum LogFormat: String, Sendable, CaseIterable { case text, json }

    /// Loopback by default: a teaching server should not be reachable from the network unless asked.
    public var host: String
    /// 0 asks the kernel for a free port (tests); the bound port is reported by `DILabServer.start()`.
    public var port: Int
    /// Passed to `RealClock`: 0.5 makes a 2 s task take 1 s.
    public var timeScale: Double
    public var log: LogFormat
    /// Event lines the live log shows per second at most (0: every one); beyond it, a count once a second.
    public var logLinesPerSecond: Int
    /// Larger bodies get 413 before the engine sees them.
    public var maxBodyBytes: Int
    /// How many request traces `/_dilab/traces/{id}` keeps; the oldest are dropped so memory stays flat.
    public var keepTraces: Int
    /// The byte budget of those traces (as `Footprint` accounts them); the oldest are dropped beyond it.
    public var keepBytes: Int
    /// Each string of a retained trace, a log line or a live event is cut to this many bytes (and says so).
    public var traceFieldBytes: Int
    /// Seconds a client has to send a whole request head, from connecting or from the first byte of the next
    /// request (slowloris); then the connection is closed.
    public var headerTimeout: Double
    /// Seconds a client has to send a whole request body once its head is in (slow POST).
    public var bodyTimeout: Double
    /// Seconds a keep-alive connection may sit idle between requests before it is closed.
    public var idleTimeout: Double
    /// Open connections at most; more wait in the listen backlog (so a flood cannot exhaust file descriptors).
    public var maxConnections: Int
    /// How long shutdown waits for in-flight requests, their background tasks and cleanup.
    public var drainTimeout: Double
    /// How long the engine waits, at `sent`, for the server to finish writing the body before running tasks.
    public var writeTimeout: Double

    public init(host: String = "127.0.0.1", port: Int = 8000, timeScale: Double = 1, log: LogFormat = .text, logLinesPerSecond: Int = 1000,
                maxBodyBytes: Int = 1 << 20, keepTraces: Int = 1000, keepBytes: Int = 64 << 20, traceFieldBytes: Int = 4096,
                headerTimeout: Double = 10, bodyTimeout: Double = 30, idleTimeout: Double = 60, maxConnections: Int = 512,
                drainTimeout: Double = 30, writeTimeout: Double = 10) {
        self.host = host
        self.port = port
        self.timeScale = timeScale
        self.log = log
        self.logLinesPerSecond = logLinesPerSecond
        self.maxBodyBytes = maxBodyBytes
        self.keepTraces = keepTraces
        self.keepBytes = keepBytes
        self.traceFieldBytes = traceFieldBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.drainTimeout = drainTimeout
        self.writeTimeout = writeTimeout
    }
}
