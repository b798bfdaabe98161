import DILab

/// "Build the order step by step": the learner places one event at a time and hears at once when a placement
/// is wrong and why (the rule that puts that event later), instead of predicting the whole list in one go.
/// A plain value over the engine's lines; the finished order is submitted as an ordinary answer.
public struct OrderBuilder: Sendable {
    /// The engine's events in FastAPI's order, and the numbered (shuffled) list the learner picks from.
    public let events: [TraceEvent]
    /// The events' lines as the step writes them (a timeline's carry the request id).
    public let lines: [String]
    public let shown: [String]
    public let profile: Profile
    public private(set) var placed: [String] = []
    public private(set) var mistakes = 0

    public init(events: [TraceEvent], lines: [String]? = nil, profile: Profile) {
        self.events = events
        self.lines = lines ?? events.map(\.compact)
        self.profile = profile
        self.shown = StepCheck.shuffled(self.lines)
    }

    public var isComplete: Bool { placed.count == events.count }

    public enum Placement: Equatable, Sendable {
        case placed(String)
        /// Not next: where FastAPI has it (1-based) and why.
        case notYet(String, position: Int, why: String)
        case alreadyPlaced(String)
        case badNumber
    }

    /// Places shown event number `n` (1-based) as the next event.
    public mutating func place(_ n: Int) -> Placement {
        guard n >= 1, n <= shown.count else { return .badNumber }
        let line = shown[n - 1]
        let norm = Answers.normaliseEvent(line)
        let expected = lines[placed.count]
        if Answers.normaliseEvent(expected) == norm {
            placed.append(line)
            return .placed(line)
        }
        mistakes += 1
        let left = lines.indices.filter { $0 >= placed.count && Answers.normaliseEvent(lines[$0]) == norm }
        guard let at = left.first else { return .alreadyPlaced(line) }
        let rule = Rules.governing(events[at], profile: profile)
        let after = at > 0 ? " (right after `\(lines[at - 1])`)" : ""
        let why = "In FastAPI it is event \(at + 1)\(after), and you are placing event \(placed.count + 1)."
            + (rule.map { " Rule — \($0.title): \($0.text)" } ?? "")
        return .notYet(line, position: at + 1, why: why)
    }

    /// What is placed so far, and what is left to pick from.
    public func board() -> String {
        var out = placed.enumerated().map { String(format: "  %2d. ", $0.offset + 1) + $0.element }.joined(separator: "\n")
        if !out.isEmpty { out += "\n" }
        out += "  Event \(placed.count + 1) of \(events.count)? Pick a number:\n"
        var remaining = placed.map(Answers.normaliseEvent)
        for (i, l) in shown.enumerated() {
            if let k = remaining.firstIndex(of: Answers.normaliseEvent(l)) { remaining.remove(at: k); continue }
            out += String(format: "    %2d. ", i + 1) + l + "\n"
        }
        return out
    }
}
