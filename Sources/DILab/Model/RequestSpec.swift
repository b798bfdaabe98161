/// A request to simulate.
public struct RequestSpec: Sendable, Equatable {
    public var method: String
    public var target: String
    public var headers: [(String, String)]
    public var cookies: [(String, String)]
    public var body: Value?
    /// The body as bytes, when it came over a wire or a command line: decoded by the engine with FastAPI's
    /// content-type rule, and only for routes that read a body (`decodedBody(profile:)`).
    public var rawBody: [UInt8]?
    /// The body could not be decoded (a real HTTP request in serve mode): FastAPI reports it before any dependency runs.
    public var bodyProblem: BodyProblem?
    /// `app.dependency_overrides` replaced from this request on (`{}` is `.clear()`); nil leaves them as they are.
    public var overrides: [String: String]?
    public var location: SourceLocation
    /// `at: 100ms`: when the request arrives on the app's one timeline. Without it a request arrives when the one
    /// before it has finished, and is simulated alone (the scenario has no concurrency).
    public var at: Int?
    /// `disconnect: 50ms`: the client goes away this long after arriving, and the server says so with
    /// `http.disconnect` (uvicorn's way: the app is not cancelled; a stream stops at its next await).
    public var disconnect: Int?
    /// `cancel: 50ms`: the server cancels the app's task this long after arrival (an AnyIO cancel scope).
    public var cancel: Int?
    /// A `websocket:` connection's client: what it sends, waits for and how it leaves.
    public var client: ClientScript?

    public init(method: String, target: String, headers: [(String, String)] = [], cookies: [(String, String)] = [],
                body: Value? = nil, rawBody: [UInt8]? = nil, bodyProblem: BodyProblem? = nil, overrides: [String: String]? = nil,
                location: SourceLocation = .unknown) {
        self.overrides = overrides
        self.rawBody = rawBody
        self.bodyProblem = bodyProblem
        self.method = method
        self.target = target
        self.headers = headers
        self.cookies = cookies
        self.body = body
        self.location = location
    }

    public static func == (a: RequestSpec, b: RequestSpec) -> Bool {
        a.method == b.method && a.target == b.target && a.body == b.body && a.rawBody == b.rawBody
            && a.headers.map { "\($0.0.lowercased()):\($0.1)" } == b.headers.map { "\($0.0.lowercased()):\($0.1)" }
            && a.cookies.map { "\($0.0)=\($0.1)" } == b.cookies.map { "\($0.0)=\($0.1)" }
            && a.client == b.client
    }

    /// `GET /x?q=1`, plus headers, cookies and body when present: how requests are named in output.
    public var line: String { "\(method) \(target)" }

    public var path: String {
        guard target.utf8.contains(UInt8(ascii: "?")) else { return target }   // no query: no split, no array
        return String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    public var query: [(String, String)] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: "&").map { item in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).removingPercentEncodingLenient
            let value = kv.count > 1 ? String(kv[1]).removingPercentEncodingLenient : ""
            return (key, value)
        }
    }
}

/// A resource with a capacity, e.g. a database connection pool of 10.
public struct Pool: Sendable {
    public var name: String
    public var size: Int
    public var location: SourceLocation
    public init(name: String, size: Int, location: SourceLocation = .unknown) {
        self.name = name
        self.size = size
        self.location = location
    }
}

/// `max_concurrency=` as written; FastAPI accepts only a positive `int` (`True` is refused, though a bool is an int).
public enum MaxConcurrency: Sendable, Equatable {
    case limit(Int)
    /// What Python would see, for the `ValueError` at import time.
    case invalid(String)
}

/// Why FastAPI could not read a request body.
public enum BodyProblem: Error, Sendable, Equatable {
    /// Malformed JSON: a 422 with this error object (`json_invalid`).
    case invalidJSON(Value)
    /// Anything else FastAPI answers with `HTTPException(400, "There was an error parsing the body")`.
    case unreadable
}

extension String {
    var removingPercentEncodingLenient: String {
        let plus = replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

import Foundation

/// A golden expectation for one request, optionally pinned to one profile.
public struct Expectation: Sendable {
    public var request: String
    public var profile: Profile?
    public var status: Int?
    public var body: Value?
    public var trace: [String]?
    public var location: SourceLocation
    public var traceLocation: SourceLocation?
    /// Where `body:` was written, so a body mismatch points at it.
    public var bodyLocation: SourceLocation?
    /// Where each expected trace line was written, so a failure can point at the exact line.
    public var traceLineLocations: [SourceLocation] = []
    /// A websocket client's messages, in order, and the close code it saw.
    public var received: [String]?
    public var close: Int?
    /// Response headers to pin (`headers:`): names compared case-insensitively, values exactly; only these names.
    /// A nil value (`X-Id: null`) pins the header's absence.
    public var headers: [(String, String?)]?
    public init(request: String, profile: Profile? = nil, status: Int? = nil, body: Value? = nil, trace: [String]? = nil,
                location: SourceLocation = .unknown, traceLocation: SourceLocation? = nil) {
        self.request = request
        self.profile = profile
        self.status = status
        self.body = body
        self.trace = trace
        self.location = location
        self.traceLocation = traceLocation
    }
}
