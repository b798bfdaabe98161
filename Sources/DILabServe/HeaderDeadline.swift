import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// When the server stops waiting for a request head. Slowloris sends a partial head and then one header line
/// every few seconds; a per-read timeout never fires, so the deadline is for the *whole* head: it starts when the
/// connection opens or the first byte of the next request arrives, and only a complete head stops it. It does
/// not run while a response is still owed (a slow handler is not the client's fault); it restarts once it is.
struct HeaderDeadline: Equatable {
    enum Phase: Equatable { case readingHead, readingBody, betweenRequests }
    enum Action: Equatable { case arm, disarm, close, none }

    private(set) var phase = Phase.readingHead
    private(set) var responsesOwed = 0
    private(set) var armed = false

    /// The connection is open: its first head is due.
    mutating func opened() -> Action { armIfWaiting() }

    /// Bytes arrived; between requests they start the next head.
    mutating func bytesRead() -> Action {
        if phase == .betweenRequests { phase = .readingHead }
        return armIfWaiting()
    }

    mutating func headRead() -> Action {
        phase = .readingBody
        responsesOwed += 1
        return disarm()
    }

    mutating func requestEnded() -> Action {
        if phase == .readingBody { phase = .betweenRequests }
        return .none
    }

    mutating func responseWritten() -> Action {
        responsesOwed = max(0, responsesOwed - 1)
        return armIfWaiting()
    }

    /// The timer fired: close only if the client still owes a head and the server owes nothing.
    mutating func expired() -> Action {
        armed = false
        return phase == .readingHead && responsesOwed == 0 ? .close : .none
    }

    private mutating func armIfWaiting() -> Action {
        guard phase == .readingHead, responsesOwed == 0, !armed else { return .none }
        armed = true
        return .arm
    }

    private mutating func disarm() -> Action {
        guard armed else { return .none }
        armed = false
        return .disarm
    }
}

/// What the HTTP-level handler tells the byte-level one (as an outbound user event, which travels toward it).
enum RequestProgress { case head, end, responseWritten }

/// First in the pipeline, on raw bytes: it sees the bytes of a head before the decoder has a head to show.
final class HeaderDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let timeout: TimeAmount
    private var state = HeaderDeadline()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { apply(state.opened(), context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        apply(state.opened(), context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        apply(state.bytesRead(), context)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .head: apply(state.headRead(), context)
        case .end: apply(state.requestEnded(), context)
        case .responseWritten: apply(state.responseWritten(), context)
        }
        promise?.succeed(())
    }

    private func apply(_ action: HeaderDeadline.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .arm:
            let loop = context.eventLoop.assumeIsolated()
            timer = loop.scheduleTask(in: timeout) { [self] in
                timer = nil
                if state.expired() == .close { context.close(promise: nil) }
            }
        case .disarm: cancel()
        case .close: context.close(promise: nil)
        case .none: break
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}

/// After the HTTP decoder: reports complete heads, request ends and written responses to `HeaderDeadlineHandler`.
/// It also closes the connection after a final 1xx response: HTTP/1.1 has no way to end an exchange with one,
/// and a client would otherwise wait for a final response that never comes.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: context.triggerUserOutboundEvent(RequestProgress.head, promise: nil)
        case .end: context.triggerUserOutboundEvent(RequestProgress.end, promise: nil)
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.status.kind == .informational { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            context.write(data, promise: promise)
            context.triggerUserOutboundEvent(RequestProgress.responseWritten, promise: nil)
            if closeAfterResponse {
                context.flush()
                context.close(promise: nil)
            }
        }
    }
}

/// Hummingbird's HTTP/1.1 channel (with its keep-alive `idleTimeout`) behind the whole-head deadline.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let headerTimeout: TimeAmount

    init(responder: @escaping HTTPChannelHandler.Responder, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        inner = HTTP1Channel(responder: responder,
                             configuration: .init(additionalChannelHandlers: [RequestProgressHandler()], idleTimeout: idleTimeout))
        self.headerTimeout = headerTimeout
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeout = headerTimeout
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeaderDeadlineHandler(timeout: timeout), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }

    static func builder(headerTimeout: Double, idleTimeout: Double) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, headerTimeout: .nanoseconds(Int64(headerTimeout * 1e9)),
                                idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9)))
        }
    }
}
