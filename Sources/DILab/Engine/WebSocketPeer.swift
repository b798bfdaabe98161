/// A real client at the other end of a websocket connection (serve). The engine calls it from the connection's
/// task, in the order FastAPI would send the ASGI messages; typed, so the server never parses trace events back.
public protocol WebSocketPeer: AnyObject, Sendable {
    /// `websocket.accept`: finish the handshake (HTTP 101).
    func accept()
    /// Refused before accept: answer the upgrade request with this HTTP response (uvicorn answers a close before
    /// accept with a bare 403).
    func deny(_ response: ResponseStart)
    /// A text frame to the client.
    func send(_ text: String)
    /// `websocket.close`: a close frame with this code and reason; nothing more is sent. Code 1006 means uvicorn
    /// drops the connection without a close frame (1006 is never sent on the wire).
    func close(code: Int, reason: String)
    /// Calls `next` once with the client's next frame (text, or the close/drop that ends the connection).
    func receive(_ next: @escaping @Sendable (ClientFrame) -> Void)
}

/// What arrives from a websocket client.
public enum ClientFrame: Sendable, Equatable {
    case text(String)
    /// A binary frame: FastAPI's `receive_text()` (and `receive_json()`) raise `KeyError('text')` on it.
    case binary(byteCount: Int)
    /// A close frame (its code and reason), or 1005 when the connection dropped without one (what uvicorn's default
    /// websocket implementation, websockets-sansio, tells the app).
    case disconnect(code: Int, reason: String)
}

extension ClientFrame {
    /// The code uvicorn's default websocket implementation (websockets-sansio, and wsproto) gives the app when the
    /// TCP connection drops without a close frame; the client itself sees 1006. (The legacy `--ws websockets` says 1006.)
    public static let droppedCode = 1005
    public static let dropped = ClientFrame.disconnect(code: droppedCode, reason: "")
}
