import DILab
@testable import DILabServe
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real server on 127.0.0.1, port 0, driven by URLSession: no extra HTTP client package (and no BoringSSL
/// build) for the tests. Linux URLSession rejects `[::1]`, hence the IPv4 loopback.
struct LiveServer {
    let server: DILabServer
    let port: Int
    let log: LogCapture
    let session: URLSession

    static func start(_ yaml: String, options: ServeOptions = ServeOptions(port: 0)) async throws -> LiveServer {
        let scenario = try ScenarioLoader.load(text: yaml, file: "test.yaml")
        let app = try Validator.compile(scenario)
        let log = LogCapture()
        var options = options
        options.port = 0
        let server = DILabServer(app: app, options: options, output: { log.append($0) })
        let port = try await server.start()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        return LiveServer(server: server, port: port, log: log, session: URLSession(configuration: configuration))
    }

    /// The server's log so far; it is written by a thread of its own, so first wait for what is queued.
    var logLines: [String] {
        server.flushLog()
        return log.lines
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    func send(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: url(path))
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields[String(describing: k).lowercased()] = String(describing: v) }
        return Reply(status: http.statusCode, body: String(decoding: data, as: UTF8.self), headers: fields)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply { try await send("GET", path, headers: headers) }

    /// `/_dilab/traces/{id}` once `complete` (polled; bounded so a broken server fails the test instead of hanging it).
    func completeTrace(_ id: String, within seconds: Double = 10) async throws -> Value {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let reply = try await get("/_dilab/traces/\(id)")
            if let v = reply.json, v["complete"] == .bool(true) { return v }
            if Date() > deadline { throw TestFailure("trace \(id) not complete after \(seconds) s: \(reply.body)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() async -> DILabServer.ShutdownReport {
        session.invalidateAndCancel()
        return await server.stop()
    }
}

struct Reply {
    var status: Int
    var body: String
    var headers: [String: String]
    var json: Value? { Value.parse(json: body) }
    var requestID: String? { headers["x-request-id"] }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ s: String) { lock.withLock { text += s } }
    var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
}

extension Value {
    /// The `compact` lines of a trace JSON (`kind subject [q]`).
    var compact: [String] {
        guard case .array(let items)? = self["compact"] else { return [] }
        return items.map(\.text)
    }

    var events: [Value] {
        guard case .array(let items)? = self["events"] else { return [] }
        return items
    }
}
