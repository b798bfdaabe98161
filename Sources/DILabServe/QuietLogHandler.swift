import Logging

/// Hummingbird's log for serve: only errors are written (by swift-log's `StreamLogHandler`, on standard error), and
/// the metadata Hummingbird sets on every request (`hb.request.id`) is only stored. `StreamLogHandler` formats
/// its whole metadata each time an entry is set, which is a string built per request for lines that are not shown.
struct QuietLogHandler: LogHandler {
    private var stream: StreamLogHandler
    /// Every key but the per-request id.
    private var other: Logger.Metadata = [:]
    /// `hb.request.id`, set on every request: one slot, so a request's logger needs no dictionary of its own.
    private var requestID: Logger.Metadata.Value?
    var metadataProvider: Logger.MetadataProvider?

    static let requestIDKey = "hb.request.id"

    init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = .error
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get {
            var all = other
            if let requestID { all[Self.requestIDKey] = requestID }
            return all
        }
        set {
            requestID = newValue[Self.requestIDKey]
            other = newValue
            other[Self.requestIDKey] = nil
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { key == Self.requestIDKey ? requestID : other[key] }
        set {
            if key == Self.requestIDKey { requestID = newValue } else { other[key] = newValue }
        }
    }

    /// Formats the metadata only for a line that is written.
    func log(event: LogEvent) {
        var stream = stream
        stream.metadata = metadata
        stream.metadataProvider = metadataProvider
        stream.log(event: event)
    }
}
