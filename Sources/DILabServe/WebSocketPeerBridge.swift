import DILab
import Foundation

/// One websocket connection, between the engine's connection task and the socket. The engine calls the
/// `WebSocketPeer` side from its event loop thread and must never wait there, so every call only records or
/// queues and returns; the server's async side awaits `decision()` (in the upgrade check, before any 101 is
/// written), drains `outbound` onto the socket, and feeds client frames in with `deliver`. Nothing about ASGI
/// ordering is decided here: the bridge keeps the order in which each side spoke.
final class WebSocketPeerBridge: WebSocketPeer, @unchecked Sendable {
    /// The engine's answer to the upgrade request: the first of accept / deny / close, or the run ending first.
    enum Decision: Sendable, Equatable {
        case accept
        /// An HTTPException before accept (FastAPI answers with its status, headers and JSON body).
        case deny(ResponseStart)
        /// `websocket.close` before accept: uvicorn answers a bare HTTP 403, whatever the code.
        case closeBeforeAccept(code: Int, reason: String)
        /// The run ended without deciding (it returned without accepting, or crashed): uvicorn answers 500.
        case ended

        /// The HTTP response that refuses the upgrade; nil for `accept`.
        var denial: ResponseStart? {
            switch self {
            case .accept: return nil
            case .deny(let r): return r
            case .closeBeforeAccept: return ResponseStart(status: 403, body: "", isJSON: false)
            case .ended: return ResponseStart(status: 500, body: "Internal Server Error", isJSON: false)
            }
        }
    }

    /// What the server writes to the client after the handshake.
    enum Outbound: Sendable, Equatable {
        case text(String)
        /// The server's close frame; nothing is written after it.
        case close(code: Int, reason: String)
    }

    /// The frames to write, in the engine's order; it finishes after a close, or when the connection ends.
    let outbound: AsyncStream<Outbound>
    private let outboundContinuation: AsyncStream<Outbound>.Continuation
    private let lock = NSLock()
    private var decided: Decision?
    private var decisionWaiters: [CheckedContinuation<Decision, Never>] = []
    /// Client frames that arrived before the engine asked for them (ASGI's receive queue).
    private var inbox: [ClientFrame] = []
    /// The engine's pending `receive`, if it asked before a frame arrived.
    private var waiting: (@Sendable (ClientFrame) -> Void)?
    /// The disconnect, once seen: a later `receive` gets it again instead of waiting forever.
    private var disconnect: ClientFrame?
    private var closedByServer = false
    private var finished = false
    /// Calls the protocol forbids (a send before accept or after close); counted for the log, never fatal.
    private(set) var ignoredCalls = 0

    init() {
        (outbound, outboundContinuation) = AsyncStream.makeStream(of: Outbound.self)
    }

    // MARK: The engine's side (its event loop thread; never blocks)

    func accept() { decide(.accept) }

    func deny(_ response: ResponseStart) { decide(.deny(response)) }

    func close(code: Int, reason: String) {
        lock.lock()
        if decided == nil {
            lock.unlock()
            decide(.closeBeforeAccept(code: code, reason: reason))
            return
        }
        guard decided == .accept, !closedByServer else {
            ignoredCalls += 1
            lock.unlock()
            return
        }
        closedByServer = true
        lock.unlock()
        outboundContinuation.yield(.close(code: code, reason: reason))
        outboundContinuation.finish()
    }

    func send(_ text: String) {
        let ok: Bool = lock.withLock {
            let ok = decided == .accept && !closedByServer
            if !ok { ignoredCalls += 1 }
            return ok
        }
        if ok { outboundContinuation.yield(.text(text)) }
    }

    func receive(_ next: @escaping @Sendable (ClientFrame) -> Void) {
        lock.lock()
        if !inbox.isEmpty {
            let frame = inbox.removeFirst()
            lock.unlock()
            next(frame)
        } else if let disconnect {
            lock.unlock()
            next(disconnect)
        } else {
            // A second receive while one is pending would be an engine bug; the newest asker wins, as ASGI has one receive.
            if waiting != nil { ignoredCalls += 1 }
            waiting = next
            lock.unlock()
        }
    }

    // MARK: The server's side

    /// Waits (without holding a thread) for the engine's first decision.
    func decision() async -> Decision {
        await withCheckedContinuation { (c: CheckedContinuation<Decision, Never>) in
            lock.lock()
            if let decided {
                lock.unlock()
                c.resume(returning: decided)
            } else {
                decisionWaiters.append(c)
                lock.unlock()
            }
        }
    }

    /// True once the engine's run is over (its endpoint and cleanup have finished).
    var isEngineFinished: Bool { lock.withLock { finished } }

    /// The decision so far, if any (for tests and the log).
    var currentDecision: Decision? { lock.withLock { decided } }

    /// A frame from the client: handed to the engine's pending `receive`, or queued until it asks. Nothing is
    /// accepted after the disconnect.
    func deliver(_ frame: ClientFrame) {
        lock.lock()
        guard disconnect == nil else { lock.unlock(); return }
        if case .disconnect = frame { disconnect = frame }
        if let next = waiting {
            waiting = nil
            lock.unlock()
            next(frame)
        } else {
            if case .disconnect = frame {} else { inbox.append(frame) }
            lock.unlock()
        }
    }

    /// The socket is gone (after a close exchange or a drop): later sends have nowhere to go.
    func connectionEnded() {
        lock.withLock { closedByServer = true }
        outboundContinuation.finish()
    }

    /// The engine's run is over (`done`). If it never decided, the upgrade is refused with a 500, as uvicorn does
    /// when the app returns without completing the handshake.
    func engineFinished() {
        lock.withLock { finished = true }
        decide(.ended)
        outboundContinuation.finish()
    }

    /// The first decision wins; later ones are ignored (a deny after accept cannot be honoured on the wire).
    private func decide(_ d: Decision) {
        lock.lock()
        guard decided == nil else {
            if d != .ended { ignoredCalls += 1 }
            lock.unlock()
            return
        }
        decided = d
        let waiters = decisionWaiters
        decisionWaiters = []
        lock.unlock()
        for w in waiters { w.resume(returning: d) }
    }
}
