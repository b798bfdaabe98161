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
        cedit_set_getc { _ in EditLineGlobals.getc() }
        cedit_configure("dilab", { text, start, end in EditLineGlobals.complete(text, start, end) })
        cedit_stifle_history(1000)
        if let path = historyPath, HistoryFile.prepare(path) {
            _ = cedit_read_history(path)
        }
        _ = cedit_install_sigint { _ in EditLineGlobals.interrupted = 1 }
    }

    public mutating func read(prompt: String, state: inout ConsoleState) -> LineInput {
        EditLineGlobals.state = state
        EditLineGlobals.interrupted = 0
        let raw = readline(prompt)
        defer { free(raw) }
        state = EditLineGlobals.state  // a watched exercise may have been checked while waiting
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

    /// libedit's character reader: waits for a key, and while a lesson exercise is watched, looks at its file
    /// every 300 ms; a changed copy is checked on a clean screen (as at the `dilab lesson` prompt) and the
    /// prompt with the half-typed line is drawn again. Returns a Unicode scalar (libedit stores it as a wide
    /// character as is), or -1 at end of input or on Ctrl-C, so `readline` returns NULL as before.
    static func getc() -> Int32 {
        while true {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let watching = LessonCommands.isWatching(state)
            let ready = poll(&fds, 1, watching ? 300 : -1)
            if ready < 0 {
                if errno == EINTR, interrupted == 0 { continue }  // a resize, not Ctrl-C
                return -1
            }
            if ready == 0 {
                let notice = LessonCommands.recheckIfSaved(before: "", in: &state)
                if !notice.isEmpty {
                    FileHandle.standardOutput.write(Data(("\u{1B}[2J\u{1B}[H" + notice + "\n").utf8))
                    cedit_redisplay()
                }
                continue
            }
            return readScalar()
        }
    }

    /// One UTF-8 encoded character from standard input, decoded (a malformed sequence gives its first byte).
    static func readScalar() -> Int32 {
        func byte() -> UInt8? {
            var b: UInt8 = 0
            while true {
                let n = Glibc.read(STDIN_FILENO, &b, 1)
                if n == 1 { return b }
                if n < 0, errno == EINTR, interrupted == 0 { continue }
                return nil
            }
        }
        guard let lead = byte() else { return -1 }
        let extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
        var bytes = [lead]
        for _ in 0..<extra { guard let b = byte() else { break }; bytes.append(b) }
        guard let s = String(validating: bytes, as: UTF8.self), let scalar = s.unicodeScalars.first else { return Int32(lead) }
        return Int32(scalar.value)
    }

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
