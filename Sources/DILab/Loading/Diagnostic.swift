/// A problem found in a scenario, with where it is and how to fix it.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// `input`: dilab cannot understand the file. `fastapi`: the file is clear, but FastAPI itself would refuse the app.
    public enum Origin: String, Sendable { case input, fastapi }

    public var location: SourceLocation
    public var origin: Origin
    /// A short stable code: `yaml`, `schema`, `unknown-provider`, `cycle`, `dependency-scope`, `scope-keyword`, ...
    public var rule: String
    public var message: String
    public var hint: String?
    /// The offending source line, for the caret display.
    public var snippet: String?

    public init(location: SourceLocation, origin: Origin = .input, rule: String, message: String, hint: String? = nil,
                snippet: String? = nil) {
        self.location = location
        self.origin = origin
        self.rule = rule
        self.message = message
        self.hint = hint
        self.snippet = snippet
    }

    /// `file:line:col: error[rule]: message` then the caret snippet and the hint.
    public var description: String {
        var out = "\(location): error[\(rule)]: \(message)"
        if let snippet, location.line > 0 {
            out += "\n    " + snippet + "\n    " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        if let hint { out += "\n    hint: \(hint)" }
        return out
    }
}

/// Several diagnostics at once: loading collects every error in one pass.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// "did you mean" by edit distance, for unknown names.
public enum Suggest {
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        if best.1 <= max(2, name.count / 3) { return best.0 }
        // `integr` → `int`: a shared prefix of three or more letters is a likely slip too.
        let lower = name.lowercased()
        return candidates.filter { $0.count >= 3 && lower.hasPrefix($0.lowercased().prefix(3)) }
            .min { distance(lower, $0.lowercased()) < distance(lower, $1.lowercased()) }
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }

    public static func hint(for name: String, among candidates: [String], kind: String) -> String {
        if let s = closest(to: name, in: candidates) { return "did you mean '\(s)'?" }
        if candidates.isEmpty { return "declare it under `\(kind)`" }
        let shown = candidates.sorted().prefix(8)
        let more = candidates.count - shown.count
        return "known \(kind): " + shown.joined(separator: ", ") + (more > 0 ? " … and \(more) more" : "")
    }
}
