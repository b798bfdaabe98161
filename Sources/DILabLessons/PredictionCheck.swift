import DILab
import DILabSuite

/// One way a predicted trace differs from the engine's, with the rule that decides where the event goes.
public struct Mismatch: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The event happens, but elsewhere: `actualPosition` is where FastAPI has it (1-based).
        case misplaced(actualPosition: Int)
        /// The event happens and the prediction left it out.
        case missing(actualPosition: Int)
        /// The prediction has an event FastAPI does not produce here.
        case extra
    }
    public var kind: Kind
    /// The compact line in question.
    public var line: String
    /// The event before it in FastAPI's trace (for "comes right after ..."), if any.
    public var after: String?
    /// The rule that governs the event, nil for extra events that do not happen at all.
    public var rule: Rule?
}

/// The result of comparing a prediction (or an exercise's trace) with the engine.
public struct TraceComparison: Sendable {
    public var expected: [String]
    public var actual: [String]
    public var mismatches: [Mismatch]
    /// The first position (1-based) where the two disagree, with both lines and the rule of the engine's event.
    public var firstDivergence: (position: Int, predicted: String?, engine: String?, rule: Rule?)?
    public var matches: Bool { mismatches.isEmpty && firstDivergence == nil }
}

/// Event-by-event comparison of a learner's lines against the engine's events, explained with `Rules.governing`.
public enum PredictionCheck {
    /// `predicted` are the learner's compact lines; `engine` the engine's events (already filtered); `lines` their
    /// lines as the step writes them (default: the compact form; a timeline prefixes the request id).
    public static func compare(predicted: [String], engine: [TraceEvent], lines: [String]? = nil, profile: Profile) -> TraceComparison {
        let actual = lines ?? engine.map(\.compact)
        let norm = actual.map(Answers.normaliseEvent)
        let guess = predicted.map(Answers.normaliseEvent)
        var result = TraceComparison(expected: predicted, actual: actual, mismatches: [], firstDivergence: nil)
        if let i = LineDiff.firstDivergence(guess, norm) {
            var rule = i < engine.count ? Rules.governing(engine[i], profile: profile) : nil
            // `response`/`sent` on the success path are placed by the cleanup rules, not the exception path: cite
            // the rule of the event the learner put there instead (e.g. `exit get_db` → request-scoped cleanup).
            if i < engine.count, [.response, .sent].contains(engine[i].kind), !engine.contains(where: { $0.kind == .raise }),
               i < guess.count, let k = norm.firstIndex(of: guess[i]) {
                rule = Rules.governing(engine[k], profile: profile) ?? rule
            }
            result.firstDivergence = (i + 1, i < predicted.count ? predicted[i] : nil, i < actual.count ? actual[i] : nil, rule)
        } else {
            return result
        }
        // Align with the LCS diff: a line removed on one side and added on the other is one misplaced event.
        var removed: [Int] = []   // indexes into the engine's lines missing at their place
        var added: [String] = []  // predicted lines with no counterpart at their place
        var ai = 0
        for op in LineDiff.diff(norm, guess) {
            switch op {
            case .same: ai += 1
            case .removed: removed.append(ai); ai += 1
            case .added(let l): added.append(l)
            }
        }
        var unmatchedRemoved = removed
        for line in added {
            if let k = unmatchedRemoved.firstIndex(where: { norm[$0] == line }) {
                let idx = unmatchedRemoved.remove(at: k)
                result.mismatches.append(Mismatch(kind: .misplaced(actualPosition: idx + 1), line: actual[idx],
                                                  after: idx > 0 ? actual[idx - 1] : nil,
                                                  rule: Rules.governing(engine[idx], profile: profile)))
            } else {
                result.mismatches.append(Mismatch(kind: .extra, line: line, after: nil, rule: nil))
            }
        }
        for idx in unmatchedRemoved {
            result.mismatches.append(Mismatch(kind: .missing(actualPosition: idx + 1), line: actual[idx],
                                              after: idx > 0 ? actual[idx - 1] : nil,
                                              rule: Rules.governing(engine[idx], profile: profile)))
        }
        return result
    }

    /// The explanation a learner reads: the specific mistake first, then the rule behind it (wrapped at the
    /// prose width, citing docs/rules.md), then every other event out of place.
    public static func explain(_ c: TraceComparison, style: Style = .plain) -> String {
        guard let d = c.firstDivergence else { return style.green("Every event matches FastAPI's trace.") }
        var out = Prose.wrap(mistake(c, d)) + "\n"
        out += "    you:     \(d.predicted ?? "(nothing more)")\n"
        out += "    FastAPI: \(d.engine ?? "(nothing more)")\n"
        var seenRules = Set<String>()
        if let r = d.rule {
            out += rule(r, style: style)
            seenRules.insert(r.id)
        }
        let details = c.mismatches.map { m -> String in
            var s: String
            switch m.kind {
            case .misplaced(let pos):
                s = "• `\(m.line)` is out of place: it is event \(pos)" + (m.after.map { ", right after `\($0)`" } ?? ", the very first event")
            case .missing(let pos):
                s = "• `\(m.line)` is missing: it is event \(pos)" + (m.after.map { ", right after `\($0)`" } ?? ", the very first event")
            case .extra:
                let times = c.actual.filter { Answers.normaliseEvent($0) == Answers.normaliseEvent(m.line) }.count
                s = times == 0 ? "• `\(m.line)` does not happen in this request"
                    : "• one `\(m.line)` too many: FastAPI has it \(times) time(s) here"
            }
            if let r = m.rule {
                s += " [rule: \(r.title)]"
                if seenRules.insert(r.id).inserted { s += "\n" + Prose.wrap(r.text, indent: "    ") + "\n    " + style.dim("see \(RuleDocs.citation(r))") }
            }
            return Prose.wrap(s, indent: "  ", hanging: "    ")
        }
        if !details.isEmpty { out += "Event by event:\n" + details.joined(separator: "\n") + "\n" }
        return out
    }

    /// One sentence on what the learner got wrong where the traces part ways.
    static func mistake(_ c: TraceComparison, _ d: (position: Int, predicted: String?, engine: String?, rule: Rule?)) -> String {
        let p = d.position
        guard let mine = d.predicted else {
            return "Your trace stops after event \(p - 1); FastAPI goes on with `\(d.engine ?? "")` (they part ways at event \(p))."
        }
        guard let theirs = d.engine else {
            return "FastAPI's trace ends after event \(p - 1), yours goes on with `\(mine)` (they part ways at event \(p))."
        }
        let norm = c.actual.map(Answers.normaliseEvent)
        if let k = norm.firstIndex(of: Answers.normaliseEvent(mine)) {
            let after = k > 0 ? ", right after `\(c.actual[k - 1])`" : ", the very first event"
            let direction = k + 1 > p ? "too early" : "too late"
            return "You put `\(mine)` \(direction): at event \(p), where FastAPI has `\(theirs)`. In FastAPI it is event \(k + 1)\(after). (Your trace and FastAPI's part ways at event \(p).)"
        }
        return "`\(mine)` (your event \(p)) does not happen here; FastAPI has `\(theirs)` there. (Your trace and FastAPI's part ways at event \(p).)"
    }

    static func rule(_ r: Rule, style: Style) -> String {
        Prose.wrap("Why: " + r.title + " — " + r.text, indent: "  ") + "\n  " + style.dim("see \(RuleDocs.citation(r))") + "\n"
    }
}
