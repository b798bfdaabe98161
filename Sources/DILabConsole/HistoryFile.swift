import Foundation

/// Where the REPL keeps its history: `$XDG_STATE_HOME/dilab/history`, else `~/.local/state/dilab/history`
/// (the XDG base-directory default for state that should survive restarts but is not worth backing up).
public enum HistoryFile {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/dilab/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/dilab/history"
    }

    /// Creates the directory; false when that is impossible (then the session runs without saved history).
    public static func prepare(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return true
        } catch {
            return false
        }
    }
}
