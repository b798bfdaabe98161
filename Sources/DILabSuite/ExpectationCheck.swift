import DILab

/// `dilab check` on a scenario's `expect:` block: event kinds that do not exist (`task.begin`) and
/// expectations for requests the file never sends would otherwise only surface as a confusing `dilab test` failure.
public enum ExpectationCheck {
    /// Words people use for an event that dilab spells otherwise (`task.begin` is `task.start`).
    static let synonyms = ["begin": "start", "started": "start", "finish": "end", "done": "end", "finished": "end",
                           "ended": "end", "error": "fail", "failed": "fail", "setup": "enter", "cleanup": "exit",
                           "teardown": "exit", "hit": "cache.hit", "cached": "cache.hit", "resolve": "call", "send": "sent"]

    static func synonym(_ kind: String) -> String? {
        let parts = kind.split(separator: ".").map(String.init)
        guard let last = parts.last, let word = synonyms[last] else { return nil }
        let candidate = parts.count > 1 && !word.contains(".") ? parts.dropLast().joined(separator: ".") + "." + word : word
        return TraceEvent.Kind(rawValue: candidate) != nil ? candidate : (TraceEvent.Kind(rawValue: word) != nil ? word : nil)
    }

    public static func diagnostics(_ scenario: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let kinds = TraceEvent.Kind.allCases.map(\.rawValue).filter { $0 != "request" }
        var remaining: [String: Int] = [:]
        for r in scenario.requests { remaining[r.line, default: 0] += 1 }
        let sent = scenario.requests.map(\.line)
        var perProfile: [String: [String: Int]] = [:]
        for e in scenario.expectations {
            for (i, line) in (e.trace ?? []).enumerated() {
                let kind = line.split(separator: " ").first.map(String.init) ?? ""
                guard TraceEvent.Kind(rawValue: kind) == nil || kind == "request" else { continue }
                let at = i < e.traceLineLocations.count ? e.traceLineLocations[i] : (e.traceLocation ?? e.location)
                let hint = (synonym(kind) ?? Suggest.closest(to: kind, in: kinds)).map { "did you mean `\($0)`?" }
                    ?? "event kinds: " + kinds.joined(separator: ", ")
                out.append(Diagnostic(location: at, rule: "expect", message: "unknown event kind `\(kind)` in an expected trace", hint: hint))
            }
            if SuiteRunner.LifespanPhase(rawValue: e.request) != nil || sent.isEmpty { continue }
            let key = e.profile?.rawValue ?? "-"
            let used = perProfile[key]?[e.request] ?? 0
            if used >= remaining[e.request] ?? 0 {
                let hint = Suggest.closest(to: e.request, in: sent).map { "did you mean '\($0)'?" }
                    ?? "the file sends: " + sent.joined(separator: ", ")
                let what = (remaining[e.request] ?? 0) == 0 ? "a request this file does not send"
                    : "sent only \(remaining[e.request]!) time(s), but expected once more"
                out.append(Diagnostic(location: e.location, rule: "expect", message: "expectation for '\(e.request)', \(what)",
                                      hint: hint + " (expectations match the file's `requests:` in order)"))
            }
            perProfile[key, default: [:]][e.request] = used + 1
        }
        return out
    }
}
