import DILab

/// What the engine's `response` event says the client gets: the server writes exactly this and decides nothing.
struct ResponseHead: Equatable {
    var status: Int
    /// The complete body; empty for a stream, whose body arrives as `chunk` events.
    var body: String
    var isJSON: Bool
    var isStreaming: Bool
    /// Headers the app set (`allow` on a 405, an HTTPException's `headers=`), in order.
    var headers: [(String, String)]

    init(status: Int, body: String, isJSON: Bool, isStreaming: Bool = false, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.isJSON = isJSON
        self.isStreaming = isStreaming
        self.headers = headers
    }

    init(_ event: TraceEvent) {
        let data = event.data
        status = Int(data["status"] ?? event.subject) ?? 500
        isStreaming = data["streaming"] == "true"
        body = data["body"] ?? ""
        isJSON = !isStreaming && data["json"] != "false"
        if let text = data["headers"], case .object(let pairs)? = Value.parse(json: text) {
            headers = pairs.map { ($0.0, $0.1.text) }
        } else {
            headers = []
        }
    }

    /// Starlette's media types: JSONResponse, PlainTextResponse (the 500), and none for a StreamingResponse
    /// or an empty RedirectResponse (redirect_slashes' 307).
    var contentType: String? {
        if isStreaming || (!isJSON && body.isEmpty) { return nil }
        return isJSON ? "application/json" : "text/plain; charset=utf-8"
    }

    static func == (a: ResponseHead, b: ResponseHead) -> Bool {
        a.status == b.status && a.body == b.body && a.isJSON == b.isJSON && a.isStreaming == b.isStreaming
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }
}
