import Foundation

/// Watches one file's modification time while waiting for a line on standard input (the lesson prompt's
/// watch mode). Polling is enough: a learner saves a file a few times a minute.
struct FileWatch {
    enum Event { case input, changed }
    let path: String?
    private var stamp: Date?

    init(path: String?) {
        self.path = path
        self.stamp = path.flatMap(FileWatch.modified)
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Returns when a line can be read, or when the file was saved since the last look.
    mutating func waitForInputOrChange(pollMilliseconds: Int32 = 300) -> Event {
        guard let path else { return .input }
        while true {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, pollMilliseconds) != 0 { return .input }
            let now = FileWatch.modified(path)
            if now != stamp {
                stamp = now
                return .changed
            }
        }
    }
}
