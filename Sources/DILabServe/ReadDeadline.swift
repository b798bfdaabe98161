import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// When the server stops waiting for a client to send its request. Slowloris sends a partial head and then one
/// header line every few seconds, so a per-read timeout never fires: the deadline is for the *whole* head (from
/// connecting, or from the first byte of the next request, to a complete head), and then for the whole body
/// (from the head to its end). It runs only while the server is waiting on the client: not while a response is
/// still owed (a slow handler, or a pipelined request the server has not got to, is not the client's fault).
struct ReadDeadline: Equatable {
    enum Phase: Equatable { case readingHead, readingBody, betweenRequests }
    enum Action: Equatable { case arm(Phase), disarm, close, none }

    private(set) var phase = Phase.readingHead
    private(set) var responsesOwed = 0
    /// The phase whose deadline is running, if any.
    private(set) var armed: Phase?

    /// The connection is open: its first head is due.
    mutating func opened() -> Action { settle() }

    /// Bytes arrived; between requests they start the next head.
    mutating func bytesRead() -> Action {
        if phase == .betweenRequests { phase = .readingHead }
        return settle()
    }

    mutating func headRead() -> Action {
        phase = .readingBody
        responsesOwed += 1
        return settle()
    }

    mutating func requestEnded() -> Action {
        if phase == .readingBody { phase = .betweenRequests }
        return settle()
    }

    mutating func responseWritten() -> Action {
        responsesOwed = max(0, responsesOwed - 1)
        return settle()
    }

    /// The timer fired: close if the server is still waiting on the client.
    mutating func expired() -> Action {
        armed = nil
        return waitingOn == nil ? .none : .close
    }

    /// The part of a request the server is waiting for: a head when it owes nothing, the body of the one
    /// request it is reading (not of a pipelined one behind it).
    var waitingOn: Phase? {
        switch phase {
        case .readingHead: return responsesOwed == 0 ? .readingHead : nil
        // 0 when the server answered early (a 413) and drains the rest of the body: still the client's turn.
        case .readingBody: return responsesOwed <= 1 ? .readingBody : nil
        case .betweenRequests: return nil
        }
    }

    /// A running deadline is kept (a trickle does not restart it); a new phase gets a fresh one.
    private mutating func settle() -> Action {
        let wanted = waitingOn
        guard wanted != armed else { return .none }
        armed = wanted
        return wanted.map(Action.arm) ?? .disarm
    }
}

/// What the HTTP-level handler tells the byte-level one: a direct call on the connection's event loop, not an
/// outbound user event (which would walk the pipeline between them and be cast at each handler: ~2% of serve's
/// instructions a request, three events a request).
enum RequestProgress { case head, end, responseWritten }

/// First in the pipeline, on raw bytes: it sees the bytes of a head before the decoder has a head to show.
/// Inbound only: what it learns of requests and responses comes from `RequestProgressHandler`, so the
/// connection's writes, flushes and reads do not pass through it.
final class ReadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    private var state = ReadDeadline()
    /// When the armed phase runs out (nil: none is armed).
    private var deadline: NIODeadline?
    /// One timer per connection, rescheduled only when a deadline comes before it: arming and disarming per
    /// request just moves `deadline`, so a keep-alive connection's requests schedule no timer each.
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline?
    /// Its own context while it is in the pipeline, for `progress` (called from another handler).
    private var context: ChannelHandlerContext?

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
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

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        cancel()
    }

    /// `RequestProgressHandler`'s report, on the connection's event loop; nothing once this handler is removed
    /// (a websocket handshake takes it out).
    func progress(_ progress: RequestProgress) {
        guard let context else { return }
        switch progress {
        case .head: apply(state.headRead(), context)
        case .end: apply(state.requestEnded(), context)
        case .responseWritten: apply(state.responseWritten(), context)
        }
    }

    private func apply(_ action: ReadDeadline.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .arm(let phase):
            deadline = .now() + (phase == .readingBody ? bodyTimeout : headerTimeout)
            schedule(context)
        case .disarm: deadline = nil
        case .close: context.close(promise: nil)
        case .none: break
        }
    }

    /// Makes sure the timer fires by `deadline`.
    private func schedule(_ context: ChannelHandlerContext) {
        guard let deadline else { return }
        if let timerAt, timerAt <= deadline { return }
        timer?.cancel()
        timerAt = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerAt = nil
            guard let due = self.deadline else { return }
            if NIODeadline.now() < due { return schedule(context) }
            self.deadline = nil
            if state.expired() == .close { context.close(promise: nil) }
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
        timerAt = nil
        deadline = nil
    }
}

/// After the HTTP decoder: reports complete heads, request ends and written responses to `ReadDeadlineHandler`.
/// It also closes the connection after a final 1xx response: HTTP/1.1 has no way to end an exchange with one,
/// and a client would otherwise wait for a final response that never comes.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    private var closeAfterResponse = false
    /// The connection's byte-level handler, told directly (both run on the connection's event loop).
    private let deadline: ReadDeadlineHandler

    init(deadline: ReadDeadlineHandler) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadline.progress(.head)
        case .end: deadline.progress(.end)
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
            deadline.progress(.responseWritten)
            if closeAfterResponse {
                context.flush()
                context.close(promise: nil)
            }
        }
    }
}

/// A timeout option as NIO's `TimeAmount`, clamped: a NaN or infinite Double must not trap the conversion (the
/// CLI validates; code may not).
func timeAmount(seconds: Double) -> TimeAmount {
    .nanoseconds(Int64((seconds.isNaN ? 1 : min(max(seconds, 0.001), 1e6)) * 1e9))
}
