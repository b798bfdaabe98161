import DILab
import Foundation

/// Requests typed as you would say them, httpie style:
/// `GET /users/1?q=x -H 'Authorization: Bearer t'`, `POST /register email=a@b.c age:=30 debug==1`.
///
/// - `k=v` a JSON body field (string), `k:=json` a body field with a raw JSON value
/// - `k==v` a query parameter, `Name:value` a header
/// - `-H 'Name: value'`, `--cookie k=v` (`-b`), `--body JSON` (`-d`) as in `dilab run`
public enum RequestLine {
    public static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", RequestSpec.webSocketMethod]

    public static func isMethod(_ word: String) -> Bool { methods.contains(word.uppercased()) }

    public static func parse(_ words: [String]) throws -> RequestSpec {
        guard let method = words.first, isMethod(method) else {
            throw ConsoleError("a request starts with a method", hint: "e.g. `GET /users/1`")
        }
        guard words.count >= 2, words[1].hasPrefix("/") else {
            throw ConsoleError("\(method.uppercased()) needs a path starting with /", hint: "e.g. `\(method.uppercased()) /users/1?q=x`")
        }
        var spec = RequestSpec(method: method.uppercased(), target: words[1])
        if spec.isWebSocket { spec.client = ClientScript(label: "client") }
        var fields: [(String, Value)] = []
        var rawBody: String?
        var query: [String] = []
        var i = 2
        func next(_ flag: String) throws -> String {
            i += 1
            guard i < words.count else { throw ConsoleError("\(flag) needs a value") }
            return words[i]
        }
        while i < words.count {
            let w = words[i]
            switch w {
            case "-H", "--header":
                let h = try next(w)
                guard let (k, v) = splitHeader(h) else { throw ConsoleError("bad header '\(h)'", hint: "write 'Name: value'") }
                spec.headers.append((k, v))
            case "-b", "--cookie":
                let c = try next(w)
                let kv = c.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { throw ConsoleError("bad cookie '\(c)'", hint: "write name=value") }
                spec.cookies.append((kv[0], kv[1]))
            case "-d", "--body", "--data":
                guard !spec.isWebSocket else { throw ConsoleError("a websocket has no request body", hint: "send it as a message: --send TEXT or --send-json JSON") }
                rawBody = try next(w)
            case "--send", "--send-json", "--receive", "--wait", "--close", "--drop", "--as":
                guard spec.isWebSocket else { throw ConsoleError("\(w) belongs to a websocket", hint: "e.g. `WEBSOCKET /ws --send hi --receive --close`") }
                try clientStep(w, next: next, peek: i + 1 < words.count ? words[i + 1] : nil, advance: { i += 1 }, into: &spec.client!)
            default:
                switch item(w) {
                case .query(let k, let v): query.append(encode(k) + "=" + encode(v))
                case .field(let k, let v): fields.append((k, .string(v)))
                case .rawField(let k, let json):
                    guard let v = Value.parse(json: json) else { throw ConsoleError("\(k):= needs a JSON value, got \(json)") }
                    fields.append((k, v))
                case .header(let k, let v): spec.headers.append((k, v))
                case nil:
                    throw ConsoleError("do not know what to do with '\(w)'",
                                       hint: "use k=v (body field), k:=json (raw body field), k==v (query), Name:value or -H 'Name: value' (header)")
                }
            }
            i += 1
        }
        if !query.isEmpty {
            spec.target += (spec.target.contains("?") ? "&" : "?") + query.joined(separator: "&")
        }
        if spec.isWebSocket, !fields.isEmpty {
            throw ConsoleError("a websocket has no request body", hint: "send it as a message: --send TEXT or --send-json JSON")
        }
        if rawBody != nil, !fields.isEmpty {
            throw ConsoleError("give the body either as --body JSON or as k=v fields, not both")
        }
        // A typed body stays bytes for the engine to decode (a malformed one is FastAPI's 422); fields are a value,
        // like a scenario's `body:`.
        if let rawBody { spec.setJSONBody(text: rawBody) } else if !fields.isEmpty { spec.body = .object(fields) }
        return spec
    }

    /// A websocket client's step from the command line: `--send hi --receive --wait 50ms --close 1000`.
    static func clientStep(_ flag: String, next: (String) throws -> String, peek: String?, advance: () -> Void, into script: inout ClientScript) throws {
        switch flag {
        case "--send": script.steps.append(.send(.string(try next(flag)), json: false))
        case "--send-json":
            let text = try next(flag)
            guard let v = Value.parse(json: text) else { throw ConsoleError("--send-json needs JSON, got \(text)") }
            script.steps.append(.send(v, json: true))
        case "--receive":
            if let p = peek, let n = Int(p), (1...10_000).contains(n) { advance(); script.steps.append(.receive(count: n)) } else { script.steps.append(.receive(count: 1)) }
        case "--wait":
            let text = try next(flag)
            let digits = text.hasSuffix("ms") ? String(text.dropLast(2)) : text
            guard let ms = Int(digits), (0...Scenario.maxDurationMs).contains(ms) else { throw ConsoleError("--wait needs milliseconds, got \(text)", hint: "e.g. --wait 50ms") }
            script.steps.append(.wait(ms))
        case "--close":
            if let p = peek, let code = Int(p) {
                guard (1000...4999).contains(code) else { throw ConsoleError("close code \(code) is outside 1000–4999") }
                advance()
                script.steps.append(.close(code: code, reason: ""))
            } else {
                script.steps.append(.close(code: 1000, reason: ""))
            }
        case "--drop": script.steps.append(.drop)
        default: script.label = try next(flag)
        }
    }

    enum Item: Equatable { case query(String, String), field(String, String), rawField(String, String), header(String, String) }

    /// httpie's rule: the earliest separator wins; at the same position the longer one (`==`, `:=`) wins.
    static func item(_ w: String) -> Item? {
        let separators = ["==", ":=", "=", ":"]
        var best: (String.Index, String)?
        for s in separators {
            guard let r = w.range(of: s) else { continue }
            if best == nil || r.lowerBound < best!.0 || (r.lowerBound == best!.0 && s.count > best!.1.count) { best = (r.lowerBound, s) }
        }
        guard let (at, sep) = best, at > w.startIndex else { return nil }
        let key = String(w[..<at])
        let value = String(w[w.index(at, offsetBy: sep.count)...])
        switch sep {
        case "==": return .query(key, value)
        case ":=": return .rawField(key, value)
        case "=": return .field(key, value)
        default: return .header(key, value.trimmingCharacters(in: .whitespaces))
        }
    }

    static func splitHeader(_ h: String) -> (String, String)? {
        let kv = h.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard kv.count == 2, !kv[0].isEmpty else { return nil }
        return (kv[0], kv[1])
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// The request as the user could type it again (for headers in `show` and diff titles).
    public static func describe(_ r: RequestSpec) -> String {
        var parts = [r.method, r.target]
        for (k, v) in r.headers { parts.append("-H '\(k): \(v)'") }
        for (k, v) in r.cookies { parts.append("--cookie \(k)=\(v)") }
        if let b = r.body { parts.append("--body '\(b.json)'") } else if let raw = r.rawBody { parts.append("--body '\(String(decoding: raw, as: UTF8.self))'") }
        for step in r.client?.steps ?? [] {
            switch step {
            case .send(let v, let json): parts.append(json ? "--send-json '\(v.json)'" : "--send '\(v.text)'")
            case .receive(let n): parts.append(n == 1 ? "--receive" : "--receive \(n)")
            case .wait(let ms): parts.append("--wait \(ms)ms")
            case .close(let code, _): parts.append("--close \(code)")
            case .drop: parts.append("--drop")
            }
        }
        return parts.joined(separator: " ")
    }
}
