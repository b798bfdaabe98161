/// The response as the engine decides it, for a door that writes it to a real client (serve). Typed, so the
/// server never parses status, headers or body back out of trace events.
public struct ResponseStart: Sendable, Equatable {
    public var status: Int
    /// Headers the app set (`allow` on a 405, an HTTPException's `headers=`, a redirect's `location`), in order.
    public var headers: [(String, String)]
    /// The complete body; empty for a stream, whose body arrives chunk by chunk.
    public var body: String
    public var isJSON: Bool
    public var isStreaming: Bool
    /// The engine's content-type (its response class's, `.some(nil)` for none); nil: derived from the body below.
    public var declaredContentType: String??

    public init(status: Int, headers: [(String, String)] = [], body: String = "", isJSON: Bool = true, isStreaming: Bool = false,
                contentType: String?? = nil) {
        self.declaredContentType = contentType
        self.status = status
        self.headers = headers
        self.body = body
        self.isJSON = isJSON
        self.isStreaming = isStreaming
    }

    public static func == (a: ResponseStart, b: ResponseStart) -> Bool {
        a.status == b.status && a.body == b.body && a.isJSON == b.isJSON && a.isStreaming == b.isStreaming
            && a.contentType == b.contentType
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }

    /// The response class's content-type when the engine declared one; otherwise Starlette's media types:
    /// JSONResponse, PlainTextResponse (the 500), and none for a StreamingResponse or an empty RedirectResponse
    /// (redirect_slashes' 307).
    public var contentType: String? {
        if let declared = declaredContentType { return declared }
        if isStreaming || (!isJSON && body.isEmpty) { return nil }
        return isJSON ? "application/json" : "text/plain; charset=utf-8"
    }
}

/// Where a request's response goes. The engine calls `start` when the status is decided, `chunk` for each piece
/// of a stream, and `end` when the body is complete; it goes on (background tasks, request-scoped cleanup) only
/// once `written` has been called, so those start after the client has its answer, as under uvicorn.
public protocol ResponseChannel: AnyObject, Sendable {
    func start(_ head: ResponseStart)
    func chunk(_ text: String)
    func end(written: @escaping @Sendable () -> Void)
}
