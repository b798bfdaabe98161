/// The response classes a route may name (`response_class=`, `default_response_class=`): a closed set, each rendered
/// exactly as Starlette renders it. Nothing a scenario writes becomes code: an unknown name is refused at load.
public enum ResponseClass: String, Sendable, CaseIterable {
    case json = "JSONResponse"
    case plainText = "PlainTextResponse"
    case html = "HTMLResponse"
    case redirect = "RedirectResponse"

    /// Starlette's `content-type`: `text/*` media types gain `; charset=utf-8`; a RedirectResponse has none.
    public var contentType: String? {
        switch self {
        case .json: return "application/json"
        case .plainText: return "text/plain; charset=utf-8"
        case .html: return "text/html; charset=utf-8"
        case .redirect: return nil
        }
    }

    /// Names FastAPI has but dilab refuses, with the one sentence why.
    public static let refused: [String: String] = [
        "ORJSONResponse": "ORJSONResponse needs the orjson package (and is deprecated since FastAPI 0.120: FastAPI serializes to JSON itself)",
        "UJSONResponse": "UJSONResponse needs the ujson package (and is deprecated since FastAPI 0.120: FastAPI serializes to JSON itself)",
        "StreamingResponse": "a StreamingResponse is what a route's `stream:` returns; it is not a response_class dilab models",
        "FileResponse": "dilab does not model files",
        "Response": "dilab models JSONResponse, PlainTextResponse, HTMLResponse and RedirectResponse, not the bare Response",
        "EventSourceResponse": "dilab does not model server-sent events",
    ]

    /// Starlette's `RedirectResponse`: `location = quote(str(url), safe=":/%#?=@[]!$&'()*+,;")`.
    public static func location(_ url: String) -> String {
        let safe = Set(":/%#?=@[]!$&'()*+,;_.-~".utf8)
        var out = ""
        for b in url.utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || safe.contains(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

extension Template {
    /// A literal list or mapping (not a string or a hole): what no `str(url)` of dilab's can spell as Python would.
    var isContainer: Bool {
        switch self {
        case .array, .object: return true
        case .value(let v):
            if case .array = v { return true }
            if case .object = v { return true }
            return false
        case .text: return false
        }
    }
}
