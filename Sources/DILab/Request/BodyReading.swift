import Foundation

/// How FastAPI's `get_request_handler` turns body bytes into the value its body fields validate. Every door
/// (serve's sockets, `dilab run --body`, the REPL) hands the engine raw bytes and this decides, so a body
/// reads the same everywhere.
public enum BodyReading {
    /// JSON for `application/json` and `application/*+json`; any other media type leaves the raw text (validated
    /// as a string). Without a content-type, 0.165's `strict_content_type=True` keeps the raw text too, while 0.120
    /// and older parse JSON (fastapi/routing.py, both versions read).
    public static func decode(_ bytes: [UInt8], contentType: String?, profile: Profile) -> Result<Value, BodyProblem> {
        let parsesJSON: Bool
        if let contentType, !contentType.allSatisfy({ $0 == " " || $0 == "\t" }) {
            parsesJSON = isJSONMediaType(contentType)
        } else {
            parsesJSON = profile != .latest
        }
        // json.loads(bytes) decodes UTF-8 (a BOM is allowed); undecodable bytes are "an error parsing the body".
        var utf8 = bytes[...]
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { utf8 = utf8.dropFirst(3) }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            if !parsesJSON { return .success(.string(String(decoding: bytes, as: UTF8.self))) }
            return .failure(.unreadable)
        }
        guard parsesJSON else { return .success(.string(text)) }
        switch PythonJSON.loads(text, maxNesting: profile.jsonNestingLimit) {
        case .success(let value):
            return .success(value)
        case .failure(let e) where e.isJSONDecodeError:
            return .failure(.invalidJSON(.object([
                ("type", .string("json_invalid")), ("loc", .array([.string("body"), .int(e.position)])),
                ("msg", .string("JSON decode error")), ("input", .object([])), ("ctx", .object([("error", .string(e.message))])),
            ])))
        case .failure:
            // RecursionError, or ValueError for an integer past Python's digit limit: FastAPI's `except Exception` → 400.
            return .failure(.unreadable)
        }
    }

    /// `application/json` or `application/<anything>+json`, parameters ignored, case-insensitive.
    public static func isJSONMediaType(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        let parts = media.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 && parts[0] == "application" && (parts[1] == "json" || parts[1].hasSuffix("+json"))
    }
}

/// Starlette's `cookie_parser`: `;`-separated pairs, a chunk without `=` is a value with an empty name,
/// surrounding whitespace is stripped and double quotes removed; the last duplicate wins.
public enum CookieHeader {
    public static func parse(_ header: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for chunk in header.split(separator: ";", omittingEmptySubsequences: false) {
            let kv = chunk.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            var key = kv.count == 2 ? String(kv[0]) : ""
            var value = String(kv.count == 2 ? kv[1] : kv[0])
            key = key.trimmingCharacters(in: .whitespaces)
            value = value.trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard !key.isEmpty || !value.isEmpty else { continue }
            out.removeAll { $0.0 == key }
            out.append((key, value))
        }
        return out
    }
}

extension RequestSpec {
    /// The cookies FastAPI sees: every `Cookie` header as Starlette parses it, then the request's own
    /// `cookies` (a client's cookie jar is sent in the same header, after any written by hand).
    public var cookieJar: [(String, String)] {
        let written = headers.filter { $0.0.equalsIgnoringCase("cookie") }.map(\.1)
        var jar = written.isEmpty ? [] : CookieHeader.parse(written.joined(separator: "; "))
        for (k, v) in cookies {
            jar.removeAll { $0.0 == k }
            jar.append((k, v))
        }
        return jar
    }

    /// A body typed as JSON text at a command line (`--body`), sent as a JSON client sends it: the bytes, with
    /// `content-type: application/json` unless the request already names one.
    public mutating func setJSONBody(text: String) {
        rawBody = Array(text.utf8)
        body = nil
        if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { headers.append(("content-type", "application/json")) }
    }

    /// The body as FastAPI decodes it: a problem found at the door, a body given as a value (a scenario's `body:`),
    /// or raw bytes decoded by the content-type rule of `profile`.
    public func decodedBody(profile: Profile) -> Result<Value?, BodyProblem> {
        if let bodyProblem { return .failure(bodyProblem) }
        if let body { return .success(body) }
        guard let rawBody, !rawBody.isEmpty else { return .success(nil) }
        let contentType = headers.last { $0.0.lowercased() == "content-type" }?.1
        return BodyReading.decode(rawBody, contentType: contentType, profile: profile).map { $0 }
    }
}
