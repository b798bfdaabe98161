import DILab
import Foundation

/// The terminal side of `dilab serve`: every trace event as it happens, prefixed by its request id, plus the
/// server's own messages. Lines from concurrent requests interleave, so each line is written whole under a lock.
final class ServerLog: @unchecked Sendable {
    let format: ServeOptions.LogFormat
    let style: Style
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()

    init(format: ServeOptions.LogFormat, style: Style = .plain, write: @escaping @Sendable (String) -> Void) {
        self.format = format
        self.style = style
        self.write = write
    }

    /// Unbuffered standard output: a pipe would otherwise hold lines back until the buffer fills,
    /// and a learner (or the smoke test) reading the log would see nothing live.
    static let standardOutput: @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `[3]    12 ms  enter      get_db ...`; lifespan events (no request) are prefixed `[lifespan]`.
    func event(_ e: TraceEvent, id: String? = nil) {
        switch format {
        case .text:
            let prefix = "[" + (id ?? e.request.map(String.init) ?? "lifespan") + "]"
            emit(style.dim(prefix) + " " + TextRenderer(style: style).line(e))
        case .json:
            var value = JSONRenderer.value(e)
            if let id, case .object(var pairs) = value {
                pairs.insert(("id", .string(id)), at: 0)
                value = .object(pairs)
            }
            emit(value.json + "\n")
        }
    }

    /// A message from the server itself (listening, shutting down, warnings).
    func message(_ text: String) {
        switch format {
        case .text: emit(style.bold("dilab serve:") + " " + text + "\n")
        case .json: emit(Value.object([("server", .string(text))]).json + "\n")
        }
    }

    private func emit(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        write(line)
    }
}
