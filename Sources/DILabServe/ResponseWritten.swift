import Foundation
import HummingbirdCore
import NIOCore

/// "The whole response has been handed to the connection", for a response whose body is one buffer. Hummingbird
/// writes such a response in a single write (head, body and end together: one hop to the channel's event loop
/// instead of three for a body written by a closure), and the connection's responder returns only once that
/// write is done. So the responder wrapper (`around`) says so when it returns, and the engine goes on past `sent`
/// then, as under uvicorn after the last `send`. Keyed by connection: a connection serves one request at a time.
final class ResponseWritten: @unchecked Sendable {
    static let pending = ResponseWritten()

    private let lock = NSLock()
    private var actions: [ObjectIdentifier: @Sendable () -> Void] = [:]

    /// Runs `action` once the response being written on `channel` is out (or its write failed); false if the
    /// channel is not serving a request through `around` (the caller writes the body itself then).
    func onWritten(_ channel: any Channel, _ action: @escaping @Sendable () -> Void) -> Bool {
        lock.withLock {
            let key = ObjectIdentifier(channel)
            guard actions.index(forKey: key) != nil else { return false }
            actions[key] = action
            return true
        }
    }

    private func begin(_ channel: any Channel) {
        lock.withLock { actions[ObjectIdentifier(channel)] = {} }
    }

    private func end(_ channel: any Channel) {
        let action = lock.withLock { actions.removeValue(forKey: ObjectIdentifier(channel)) }
        action?()
    }

    /// `responder`, telling `pending` when each request's response has been written (or the responder threw).
    static func around(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        return { request, writer, channel in
            pending.begin(channel)
            defer { pending.end(channel) }
            try await responder(request, writer, channel)
        }
    }
}
