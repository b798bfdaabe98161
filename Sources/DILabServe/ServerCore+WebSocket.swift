import DILab
import Foundation
import HTTPTypes

/// Starts one websocket connection in the engine: the spec, the peer it talks to, and the same observer and
/// `done` as an HTTP request's run. Returns the engine's request id.
typealias WebSocketConnector = @Sendable (RequestSpec, WebSocketPeer, @escaping (TraceEvent) -> Void,
                                          @escaping (RequestTrace) -> Void) -> Int

extension ServerCore {
    /// The engine's own connector, on the live loop every request shares.
    static func engineConnector(_ loop: LiveLoop) -> WebSocketConnector {
        { spec, peer, observer, done in loop.connect(spec, peer: peer, observer: observer, done: done) }
    }

    /// The upgrade check of a websocket request: the engine's connection runs up to its first decision
    /// (its dependencies, then accept, a denial or a close), awaited here off the event loop threads. The 101
    /// and the refusal both carry `x-request-id`, so a client can read the connection's trace.
    func handshake(_ head: HTTPRequest) async -> DILabHTTPChannel.Handshake {
        // HTTP/1.1's Host header arrives as the authority; Starlette's scope lists it with the other headers.
        let headers = (head.authority.map { [("host", $0)] } ?? []) + head.headerFields.map { ($0.name.canonicalName, $0.value) }
        let spec = RequestTranslator.spec(IncomingRequest(method: RequestSpec.webSocketMethod, target: head.path ?? "/", headers: headers))
        guard app.matchingRoute(method: RequestSpec.webSocketMethod, path: spec.path) != nil else {
            let id = recordUnroutedWebSocket(spec)
            return .refuse(WebSocketPeerBridge.Decision.closeBeforeAccept(code: 1000, reason: "").denial!, headers: [("x-request-id", id)])
        }
        inflight.enterAnonymous()
        defer { inflight.leaveAnonymous() }
        let bridge = WebSocketPeerBridge()
        let id = startConnection(spec, peer: bridge)
        let decision = await bridge.decision()
        if let refusal = decision.denial {
            return .refuse(refusal, headers: [("x-request-id", id)])
        }
        return .accept(bridge, headers: [("x-request-id", id)])
    }

    /// Submits the connection to the engine. Its events feed the log, the live stream and the trace store as a
    /// request's do; it leaves the in-flight set when the endpoint and its cleanup have finished.
    func startConnection(_ spec: RequestSpec, peer: WebSocketPeerBridge) -> String {
        let run = RunState(core: self, spec: spec)
        run.peer = peer
        return String(connect(spec, peer, run.record, run.finished))
    }

    /// A websocket request no `WEBSOCKET` route takes: Starlette's router closes it before accept, and uvicorn
    /// answers 403. The server records it itself (id `sN`), as it does a 413.
    func recordUnroutedWebSocket(_ spec: RequestSpec) -> String {
        let t = timeline.now
        let events = [
            TraceEvent(t: t, request: nil, kind: .request, subject: spec.line, detail: ""),
            TraceEvent(t: t, request: nil, kind: .wsDeny, subject: "403",
                       detail: "no websocket route matches \(spec.path): Starlette closes before accept, uvicorn answers 403",
                       data: ["status": "403"]),
        ]
        return recordServerAnswer(spec, events: events, trace: RequestTrace(id: 0, request: spec, profile: app.profile, events: events,
                                                                          status: 403, body: .null, bodyText: "", isJSON: false))
    }
}
