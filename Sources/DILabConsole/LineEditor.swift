@preconcurrency import CEditLine
import DILab
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The terminal front end: libedit's readline layer for editing, history (Up arrow, persisted) and Tab.
/// C callbacks cannot capture context, so the completion hook reads the globals below; they are touched only
/// from the REPL thread (the main thread: `dilab` is a synchronous command, which also keeps SIGINT deliverable).
public struct EditLineSource: LineSource {
    let historyPath: String?

    public init(completer: Completer, historyPath: String?) {
        self.historyPath = historyPath
        setlocale(LC_CTYPE, "")
        EditLineGlobals.completer = completer
        cedit_configure("dilab", { text, start, end in EditLineGlobals.complete(text, start, end) })
        cedit_stifle_history(1000)
        if let path = historyPath, HistoryFile.prepare(path) {
            _ = cedit_read_history(path)
        }
        _ = cedit_install_sigint { _ in EditLineGlobals.interrupted = 1 }
    }

    public mutating func read(prompt: String, state: ConsoleState) -> LineInput {
        EditLineGlobals.state = state
        EditLineGlobals.interrupted = 0
        let raw = readline(prompt)
        defer { free(raw) }
        if EditLineGlobals.interrupted != 0 {
            // Ctrl-C: whatever was typed is dropped (libedit may hand it back; it is not a submitted line).
            cedit_discard_line()
            FileHandle.standardOutput.write(Data("\n".utf8))
            return .interrupted
        }
        guard let raw else { return .end }
        let line = String(cString: raw)
        remember(line)
        return .line(line)
    }

    /// Adds a line to history (not blanks, not an immediate repeat) and saves the file at once,
    /// so a killed session still keeps what was typed. Trailing blanks (Tab completion adds one) are dropped,
    /// so `explain get_db ` and `explain get_db` are one entry.
    func remember(_ typed: String) {
        var line = typed
        while line.last == " " || line.last == "\t" { line.removeLast() }
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, line != EditLineGlobals.lastAdded else { return }
        EditLineGlobals.lastAdded = line
        cedit_add_history(line)
        if let historyPath { _ = cedit_write_history(historyPath) }
    }
}

/// State for libedit's C callbacks (see `EditLineSource`): REPL thread only.
enum EditLineGlobals {
    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var state = ConsoleState()
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var lastAdded: String?
    /// Set by the SIGINT handler; a plain word-sized store, safe in a handler.
    nonisolated(unsafe) static var interrupted: sig_atomic_t = 0

    /// `rl_attempted_completion_function`: the Swift completer decides, libedit shows and inserts.
    static func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        cedit_set_attempted_completion_over(1)
        guard let completer, let text, let buffer = cedit_line_buffer() else { return nil }
        let bytes = Array(String(cString: buffer).utf8.prefix(Int(max(0, end))))
        let prefix = String(decoding: bytes, as: UTF8.self)
        candidates = completer.candidates(prefix: prefix, state: state)
        cedit_set_append_character(candidates.count == 1 && candidates[0].hasSuffix("/") ? 0 : 32)
        guard !candidates.isEmpty else { return nil }
        return cedit_completion_matches(text) { _, index in
            // libedit calls this with index 0, 1, 2, ... until it returns NULL.
            let i = Int(index)
            guard i < EditLineGlobals.candidates.count else { return nil }
            return strdup(EditLineGlobals.candidates[i])
        }
    }
}
