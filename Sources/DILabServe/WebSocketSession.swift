import DILab
import Foundation
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// The frame protocol of one accepted connection, between the socket and its `WebSocketPeerBridge`.
///
/// Written here rather than with WSCore's `WebSocketHandler` because the engine must see what FastAPI's
/// endpoint sees: the client's close code and reason (`WebSocketDisconnect(code)`), and `ClientFrame.droppedCode` (1005, as uvicorn's
/// default implementation says) when the socket just went away — WSCore's handler API ends its inbound stream on a close frame without telling either. The
/// rules are RFC 6455's: answer pings, reassemble fragmented text, echo a client's close code, and after the
/// server's own close frame wait (bounded) for the client's before closing the socket.
enum WebSocketSession {
    /// Frames the engine cannot take close the connection with the RFC's code instead of crashing anything (a
    /// binary frame goes to the endpoint, whose receive_text() fails on it): 1007 for text that is not UTF-8, 1009 for a
    /// message over `maxMessageBytes`.
    struct Limits: Sendable {
        var maxMessageBytes = 1 << 20
        /// How long to wait for the client's close frame after the server's.
        var closeTimeout: Duration = .seconds(5)
    }

    /// Runs until the socket closes; the bridge has had its disconnect (and is ended) when this returns.
    static func run(_ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, bridge: WebSocketPeerBridge,
                    limits: Limits = Limits(), log: @escaping @Sendable (String) -> Void = { _ in }) async {
        let closing = CloseState()
        let raw = channel.channel
        do {
            try await channel.executeThenClose { inbound, outbound in
                await withGracefulShutdownHandler {
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            await writeEngineFrames(bridge, outbound, closing, raw, limits)
                        }
                        await readClientFrames(inbound, outbound, bridge, closing, raw, limits, log)
                        bridge.connectionEnded()
                        group.cancelAll()
                    }
                } onGracefulShutdown: {
                    // As uvicorn on shutdown: close 1012 (service restart); the endpoint's receive sees 1012 at once.
                    Task {
                        if closing.claim() {
                            try? await outbound.write(closeFrame(code: 1012, reason: ""))
                            closeLater(raw, limits)
                        }
                        bridge.deliver(.disconnect(code: 1012, reason: ""))
                    }
                }
            }
        } catch {
            log("websocket connection ended with an error: \(error)")
        }
        // Whatever happened above, the engine's pending receive must not wait forever.
        bridge.deliver(.dropped)
        bridge.connectionEnded()
    }

    /// The engine's sends and close, in its order. After the server's close frame: the client has
    /// `closeTimeout` to answer before the socket is closed under it.
    private static func writeEngineFrames(_ bridge: WebSocketPeerBridge, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
                                          _ closing: CloseState, _ raw: any Channel, _ limits: Limits) async {
        for await item in bridge.outbound {
            switch item {
            case .text(let text):
                guard !closing.serverSent else { return }
                try? await outbound.write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
            case .close(let code, let reason):
                guard closing.claim() else { return }
                guard Self.isSendable(code) else {
                    // 1006 is the engine's "uvicorn drops the connection" (an endpoint that returned without
                    // closing): no close frame, the socket just goes (RFC 6455 §7.4.1 forbids 1005/1006/1015 on the wire).
                    raw.close(promise: nil)
                    return
                }
                try? await outbound.write(closeFrame(code: code, reason: reason))
                closeLater(raw, limits)
                return
            }
        }
        // The run ended without a close: as uvicorn when an endpoint returns, the connection is dropped.
        if bridge.isEngineFinished, !Task.isCancelled, closing.claim() { raw.close(promise: nil) }
    }

    /// A code a close frame may carry (1000–4999 without the reserved 1004, 1005, 1006 and 1015).
    static func isSendable(_ code: Int) -> Bool { (1000...4999).contains(code) && ![1004, 1005, 1006, 1015].contains(code) }

    /// Client frames until its close frame (or the socket ending), each handed to the bridge.
    private static func readClientFrames(_ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
                                         _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
                                         _ bridge: WebSocketPeerBridge, _ closing: CloseState, _ raw: any Channel, _ limits: Limits,
                                         _ log: @escaping @Sendable (String) -> Void) async {
        /// The server refuses what the client sent: its close frame, and the engine sees that code.
        func refuse(_ code: Int, _ reason: String) async {
            log("websocket: \(reason); closing with \(code)")
            if closing.claim() {
                try? await outbound.write(closeFrame(code: code, reason: reason))
                closeLater(raw, limits)
            }
            bridge.deliver(.disconnect(code: code, reason: reason))
        }
        var message: ByteBuffer?
        do {
            for try await frame in inbound {
                switch frame.opcode {
                case .text, .continuation:
                    if frame.opcode == .text { message = ByteBuffer() }
                    guard var partial = message else { await refuse(1002, "a continuation frame without a message"); continue }
                    var data = frame.unmaskedData
                    partial.writeBuffer(&data)
                    guard partial.readableBytes <= limits.maxMessageBytes else {
                        message = nil
                        await refuse(1009, "a message over \(limits.maxMessageBytes) bytes")
                        continue
                    }
                    guard frame.fin else { message = partial; continue }
                    message = nil
                    guard let text = String(validating: partial.readableBytesView, as: UTF8.self) else {
                        await refuse(1007, "a text frame that is not UTF-8")
                        continue
                    }
                    if !closing.serverSent { bridge.deliver(.text(text)) }
                case .binary:
                    // The endpoint's receive_text() raises KeyError('text') on it, as FastAPI's does (a fragmented
                    // binary message counts once, at its first frame).
                    if !closing.serverSent { bridge.deliver(.binary(byteCount: frame.unmaskedData.readableBytes)) }
                case .ping:
                    try? await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                case .pong:
                    break
                case .connectionClose:
                    var data = frame.unmaskedData
                    let code = data.readInteger(as: UInt16.self).map(Int.init) ?? 1005
                    let reason = data.readString(length: data.readableBytes) ?? ""
                    if closing.claim() {
                        // The client closed first: echo its code (none for a bare close), then the socket closes.
                        var reply = ByteBuffer()
                        if code != 1005 { reply.writeInteger(UInt16(clamping: code)) }
                        try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply))
                    }
                    bridge.deliver(.disconnect(code: code, reason: reason))
                    return
                default:
                    await refuse(1002, "an unknown opcode")
                }
            }
        } catch {
            log("websocket read failed: \(error)")
        }
        // No close frame: the connection dropped (or the server's close went unanswered).
        bridge.deliver(.dropped)
    }

    /// After the server's close frame the client has `closeTimeout` to answer with its own; then the socket is
    /// closed under it (a no-op if the exchange finished first).
    private static func closeLater(_ raw: any Channel, _ limits: Limits) {
        let nanos = limits.closeTimeout.components.seconds * 1_000_000_000 + limits.closeTimeout.components.attoseconds / 1_000_000_000
        raw.eventLoop.scheduleTask(in: .nanoseconds(nanos)) { raw.close(promise: nil) }
    }

    static func closeFrame(code: Int, reason: String) -> WebSocketFrame {
        var data = ByteBuffer()
        data.writeInteger(UInt16(clamping: isSendable(code) ? code : 1000))
        // A control frame carries at most 125 bytes: the code's 2 and 123 of reason.
        data.writeString(String(decoding: Array(reason.utf8.prefix(123)), as: UTF8.self))
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}

/// Who sent the first close frame: exactly one side's close is sent by the server (its own, or the echo).
final class CloseState: @unchecked Sendable {
    private let lock = NSLock()
    private var sent = false
    /// True once the server has written (or is writing) a close frame.
    var serverSent: Bool { lock.withLock { sent } }
    /// True for the first caller only: it writes the server's close frame.
    func claim() -> Bool { lock.withLock { defer { sent = true }; return !sent } }
}
