import DILab
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Serve's connection: HTTP/1.1 (behind the whole-head and whole-body deadlines, with Hummingbird's keep-alive
/// `idleTimeout`) that a first request can upgrade to a websocket.
///
/// hummingbird-websocket's `HTTP1WebSocketUpgradeChannel` answers every refused upgrade with a bare 400, and
/// its typed-upgrader helpers are internal; FastAPI refuses with the engine's response (an HTTPException's
/// status and body, 403 for a close before accept, 500 when the endpoint returned without accepting). So the
/// same NIO upgrader it uses is configured here, with the refusal remembered per connection and written when
/// the upgrade is declined. `shouldUpgrade` runs the
/// engine's connection up to its first decision (dependencies, then accept or refusal) and awaits it without
/// holding an event loop thread.
struct DILabHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    /// What the upgrade check decided for this connection.
    enum Handshake: Sendable {
        case accept(WebSocketPeerBridge, headers: [(String, String)])
        case refuse(ResponseStart, headers: [(String, String)])
    }

    enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, WebSocketPeerBridge)
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, ResponseStart, [(String, String)])
    }

    struct Value: ServerChildChannelValue {
        let upgrade: EventLoopFuture<Upgrade>
        let channel: any Channel
        let pending: PendingUpgrade
    }

    let responder: HTTPChannelHandler.Responder
    let handshake: @Sendable (HTTPRequest) async -> Handshake
    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let limits: WebSocketSession.Limits
    let log: @Sendable (String) -> Void
    /// Where an HTTP connection's task runs: the engine loop's own threads (`LoopExecutor`), so a request's
    /// arrival, its head and its body written are steps of the thread that runs the engine, not hand-offs to it.
    let executor: (any TaskExecutor)?

    init(responder: @escaping HTTPChannelHandler.Responder, handshake: @escaping @Sendable (HTTPRequest) async -> Handshake,
         headerTimeout: TimeAmount, bodyTimeout: TimeAmount, idleTimeout: TimeAmount, limits: WebSocketSession.Limits,
         executor: (any TaskExecutor)? = nil, log: @escaping @Sendable (String) -> Void) {
        self.executor = executor
        self.responder = ResponseWritten.around(Self.redirectingLateUpgrades(responder))
        self.handshake = handshake
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.limits = limits
        self.log = log
    }

    static let deadlineName = "dilab.read-deadline"
    static let firstRequestErrorName = "dilab.first-request-error"

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (handshake, idle) = (self.handshake, self.idleTimeout)
        return channel.eventLoop.makeCompletedFuture {
            let deadline = ReadDeadlineHandler(headerTimeout: headerTimeout, bodyTimeout: bodyTimeout)
            try channel.pipeline.syncOperations.addHandler(deadline, name: Self.deadlineName, position: .first)
            let progressTarget = NIOLoopBound(deadline, eventLoop: channel.eventLoop)   // told by RequestProgressHandler
            let pending = PendingUpgrade()
            let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
                maxFrameSize: limits.maxMessageBytes,
                shouldUpgrade: { channel, head in
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    promise.completeWithTask {
                        // The whole head is in; from here the wait is the engine's (dependencies may take seconds).
                        try? await channel.pipeline.removeHandler(name: Self.deadlineName).get()
                        switch await handshake(try HTTPRequest(head, secure: false, splitCookie: false)) {
                        case .accept(let bridge, let headers):
                            pending.set(bridge: bridge)
                            return HTTPHeaders(headers)
                        case .refuse(let response, let headers):
                            pending.set(refusal: response, headers: headers)
                            return nil
                        }
                    }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        pending.settle()
                        guard let bridge = pending.bridge else { throw ChannelError.inappropriateOperationForState }
                        let ws = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return Upgrade.websocket(ws, bridge)
                    }
                })
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration<Upgrade>(upgraders: [upgrader], notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    pending.settle()
                    // Settled, it only passes parts on (a later parse error is the HTTP loop's): out of the way.
                    channel.pipeline.syncOperations.removeHandler(name: Self.firstRequestErrorName, promise: nil)
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandler(RequestProgressHandler(deadline: progressTarget.value))
                    try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: .init(idle), logger: logger))
                    let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    if let (response, headers) = pending.refusal { return Upgrade.refused(http, response, headers) }
                    return Upgrade.http(http)
                }
            })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Upgrade>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false  // NIOAsyncChannel serialises requests, as HTTP1Channel's pipeline does
            // Not NIO's error handler: its preconditions trap on a final 1xx. `FirstRequestErrorHandler` answers
            // a malformed first request; a later one's parse error reaches Hummingbird's HTTP loop, as before.
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false  // swift-http-types validates already
            let future = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            try channel.pipeline.syncOperations.addHandler(FirstRequestErrorHandler(pending: pending), name: Self.firstRequestErrorName)
            return Value(upgrade: future, channel: channel, pending: pending)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgrade.get() {
            case .http(let http):
                await withTaskExecutorPreference(executor) { await handleHTTP(asyncChannel: http, logger: logger) }
            case .refused(let http, let response, let headers):
                await Self.writeRefusal(http, response, headers)
            case .websocket(let ws, let bridge):
                await WebSocketSession.run(ws, bridge: bridge, limits: limits, log: log)
            }
        } catch {
            // The client went away during the handshake: an accepted engine connection sees the drop.
            logger.debug("upgrade failed: \(error)")
        }
        if let bridge = value.pending.bridge {
            bridge.deliver(.dropped)
            bridge.connectionEnded()
        }
    }

    /// The engine's refusal as uvicorn writes it: its status, headers and body, and the connection closed.
    static func writeRefusal(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, _ response: ResponseStart,
                             _ headers: [(String, String)]) async {
        var fields = HTTPOut.fields(response.headers + headers)
        fields[.contentType] = response.contentType ?? "text/plain; charset=utf-8"
        fields[.contentLength] = String(response.body.utf8.count)
        fields[.connection] = "close"
        try? await http.executeThenClose { _, outbound in
            try await outbound.write(.head(HTTPResponse(status: HTTPOut.status(response.status), headerFields: fields)))
            if !response.body.isEmpty { try await outbound.write(.body(ByteBuffer(string: response.body))) }
            try await outbound.write(.end(nil))
        }
    }

    /// NIO upgrades only a connection's first request. A later `Upgrade: websocket` on a keep-alive connection is
    /// sent to the same URL on a new connection (307 and close), as hummingbird-websocket does.
    static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        return { request, writer, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                return try await responder(request, writer, channel)
            }
            let target = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
            try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [
                .connection: "close", .location: target, .contentLength: "0",
            ]))
        }
    }

    static func builder(_ options: ServeOptions, handshake: @escaping @Sendable (HTTPRequest) async -> Handshake,
                        executor: (any TaskExecutor)? = nil, log: @escaping @Sendable (String) -> Void) -> HTTPServerBuilder {
        let (header, body, idle) = (timeAmount(seconds: options.headerTimeout), timeAmount(seconds: options.bodyTimeout),
                                    timeAmount(seconds: options.idleTimeout))
        let limits = WebSocketSession.Limits(maxMessageBytes: max(1 << 16, options.maxBodyBytes))
        return HTTPServerBuilder { responder in
            DILabHTTPChannel(responder: responder, handshake: handshake, headerTimeout: header, bodyTimeout: body, idleTimeout: idle,
                             limits: limits, executor: executor, log: log)
        }
    }
}

/// Per connection: what the upgrade check decided, for the part of the pipeline that acts on it.
final class PendingUpgrade: @unchecked Sendable {
    private let lock = NSLock()
    private var _bridge: WebSocketPeerBridge?
    private var _refusal: (ResponseStart, [(String, String)])?

    private var _settled = false

    var bridge: WebSocketPeerBridge? { lock.withLock { _bridge } }
    /// True once the first request is past the upgrade handler (answered as HTTP, or upgraded).
    var settled: Bool { lock.withLock { _settled } }
    func settle() { lock.withLock { _settled = true } }
    var refusal: (ResponseStart, [(String, String)])? { lock.withLock { _refusal } }
    func set(bridge: WebSocketPeerBridge) { lock.withLock { _bridge = bridge } }
    func set(refusal: ResponseStart, headers: [(String, String)]) { lock.withLock { _refusal = (refusal, headers) } }
}

/// Answers a first request that never reaches an HTTP loop able to answer it: one the HTTP decoder cannot parse
/// (400, as Hummingbird answers any other), and an upgrade without a valid Sec-WebSocket-Key and -Version, whose
/// error NIO's upgrader fires down the pipeline (uvicorn's 400 with its reason). Either way the connection closes.
final class FirstRequestErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let pending: PendingUpgrade
    private var answered = false

    init(pending: PendingUpgrade) { self.pending = pending }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let body: String
        // (`unsupportedWebSocketTarget` is NIO's word for our own refusal: that one `handle` answers.)
        if let e = error as? NIOWebSocketUpgradeError, e == .invalidUpgradeHeader {
            body = "Failed to open a WebSocket connection: missing or invalid Sec-WebSocket-Key or Sec-WebSocket-Version header."
        } else if error is HTTPParserError, !pending.settled {
            body = ""
        } else {
            return context.fireErrorCaught(error)
        }
        guard !answered else { return }
        answered = true
        var headers: HTTPHeaders = ["connection": "close", "content-length": String(body.utf8.count)]
        if !body.isEmpty { headers.add(name: "content-type", value: "text/plain; charset=utf-8") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}
