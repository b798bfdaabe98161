import Logging

/// Hummingbird's log for serve: only errors are written (by swift-log's `StreamLogHandler`, on standard error), and
/// the metadata Hummingbird sets on every request (`hb.request.id`) is only stored. `StreamLogHandler` formats
/// its whole metadata each time an entry is set, which is a string built per request for lines that are not shown.
struct QuietLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = .error
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the metadata only for a line that is written.
    func log(event: LogEvent) {
        var stream = stream
        stream.metadata = metadata
        stream.metadataProvider = metadataProvider
        stream.log(event: event)
    }
}
