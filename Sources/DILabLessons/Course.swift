import DILab

/// The guided course: lessons in order, each a Markdown text plus steps that point into it.
/// The model is plain data; loading, checking and the runner live in their own files.
public struct Course: Sendable {
    /// The folder the course was loaded from (`lessons/`).
    public var root: String
    public var lessons: [Lesson]

    public init(root: String, lessons: [Lesson]) {
        self.root = root
        self.lessons = lessons
    }

    /// Finds a lesson by its folder name (`01-depends`), its number (`1`, `01`) or a unique part of its name.
    public func lesson(matching query: String) -> Lesson? {
        let q = query.lowercased().trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return nil }
        if let exact = lessons.first(where: { $0.id.lowercased() == q }) { return exact }
        if let n = Int(q), let byNumber = lessons.first(where: { $0.number == n }) { return byNumber }
        let partial = lessons.filter { $0.id.lowercased().contains(q) || $0.title.lowercased().contains(q) }
        return partial.count == 1 ? partial[0] : nil
    }
}

/// One lesson: `lessons/NN-name/` with `lesson.md`, `lesson.yaml` and its scenarios.
public struct Lesson: Sendable {
    /// The folder name, e.g. `01-depends`; also the key in the progress file.
    public var id: String
    /// The leading number of the folder name (the course order).
    public var number: Int
    public var title: String
    public var summary: String
    /// The lesson's folder (absolute or relative to the working directory).
    public var directory: String
    /// The Markdown file as sections, in file order.
    public var sections: [MarkdownSection]
    public var steps: [Step]

    public init(id: String, number: Int, title: String, summary: String, directory: String,
                sections: [MarkdownSection], steps: [Step]) {
        self.id = id
        self.number = number
        self.title = title
        self.summary = summary
        self.directory = directory
        self.sections = sections
        self.steps = steps
    }

    public func section(named name: String) -> MarkdownSection? {
        let slug = MarkdownSection.slug(name)
        return sections.first { $0.slug == slug }
    }

    public func stepIndex(id: String) -> Int? { steps.firstIndex { $0.id == id } }

    /// A path inside the lesson's folder.
    /// `..` is folded away, so a lesson that reuses `../../scenarios/x.yaml` shows the learner `scenarios/x.yaml`.
    public func path(_ relative: String) -> String {
        let joined = relative.hasPrefix("/") ? relative : directory + "/" + relative
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let folded = parts.joined(separator: "/")
        return joined.hasPrefix("/") ? "/" + folded : (folded.isEmpty ? "." : folded)
    }
}

/// One step of a lesson. Every step may show a section of the Markdown; the kind says what the learner does.
public struct Step: Sendable {
    public var id: String
    /// The heading of the Markdown section shown with the step.
    public var section: String?
    public var kind: Kind
    /// Hints, from a gentle nudge to nearly the answer; shown one level at a time.
    public var hints: [String]

    public enum Kind: Sendable {
        case prose
        case run(RunSpec)
        case predict(PredictSpec)
        case question(QuestionSpec)
        case exercise(ExerciseSpec)
    }

    public init(id: String, section: String?, kind: Kind, hints: [String] = []) {
        self.id = id
        self.section = section
        self.kind = kind
        self.hints = hints
    }

    /// Prose and run steps are read, not answered: `next` completes them.
    public var needsAnswer: Bool {
        switch kind {
        case .prose, .run: return false
        case .predict, .question, .exercise: return true
        }
    }

    public var kindName: String {
        switch kind {
        case .prose: return "read"
        case .run: return "run"
        case .predict: return "predict the trace"
        case .question: return "question"
        case .exercise: return "exercise"
        }
    }
}

/// Which scenario to run, which request of it to look at, and under which FastAPI profile.
public struct TraceSource: Sendable, Equatable {
    /// Relative to the lesson folder.
    public var scenario: String
    /// The request line (`GET /items/7?q=x`) as written in the scenario's `requests:`; nil means every request.
    public var request: String?
    /// Which occurrence of that request line (1 = first), for scenarios that send the same request twice.
    public var occurrence: Int
    public var profile: Profile?

    public init(scenario: String, request: String? = nil, occurrence: Int = 1, profile: Profile? = nil) {
        self.scenario = scenario
        self.request = request
        self.occurrence = occurrence
        self.profile = profile
    }
}

/// Run a scenario and read its trace.
public struct RunSpec: Sendable {
    public var source: TraceSource
}

/// Predict the trace before running it: order the given events, or fill in the hidden ones.
public struct PredictSpec: Sendable {
    public enum Mode: String, Sendable { case order, fill }
    public var source: TraceSource
    /// Which event kinds take part (compact lines of other kinds are left out); empty means every kind.
    public var kinds: [String]
    public var mode: Mode
    /// In `fill` mode: the events hidden from the learner (compact lines).
    public var blanks: [String]
    /// The reference answer: the compact lines, in order. `dilab lesson check` proves it against the engine.
    public var answer: [String]
    /// Said after a correct answer (and with the solution).
    public var explain: String?
}

/// A question with a reference answer: multiple choice, or short text compared after normalising.
public struct QuestionSpec: Sendable {
    public var prompt: String
    public var choices: [String]
    /// A choice letter (`b`) when there are choices, else the expected short text.
    public var answer: String
    /// Further short answers accepted (normalised the same way).
    public var accept: [String]
    public var explain: String?
    /// Per choice (same order as `choices`): why picking it is wrong, said when it is picked (`why:` in lesson.yaml).
    public var reasons: [String?] = []
    /// Short-answer questions: a likely wrong answer (normalised) and why it is wrong (`wrong:` in lesson.yaml).
    public var wrong: [String: String] = [:]
    /// The engine fact the answer is about; `dilab lesson check` proves the reference answer against it.
    public var fact: Fact?

    public struct Fact: Sendable {
        /// `last`: the subject of the last event of the kind named by `event` (`exit` → who was cleaned up last).
        /// `time`: the virtual millisecond of the first event matching `event` (a line, or a prefix ending in `*`).
        public enum Of: String, Sendable { case status, body, appError = "app_error", count, last, time }
        public var source: TraceSource
        public var of: Of
        /// For `count` and `time`: the compact line (or its prefix, ending in `*`) to count or to time.
        public var event: String?
        /// For `body`: a dotted path into the JSON body (`again`, `items.0`), so a short answer can name one value.
        public var field: String?
    }
}

/// Edit a scenario (a copy in the learner's workspace) until its trace matches the goal.
public struct ExerciseSpec: Sendable {
    /// The starting scenario, copied into the workspace on first view (relative to the lesson folder).
    public var start: String
    /// A scenario that meets the goal, shown once solved or given up.
    public var solution: String
    /// The file name in the workspace.
    public var workspaceName: String
    /// Which event kinds are compared; empty means every kind.
    public var kinds: [String]
    /// One entry per request of the solution's `requests:`, in order.
    public var goal: [GoalRequest]
    public var profile: Profile?

    public struct GoalRequest: Sendable {
        public var request: String
        public var status: Int?
        public var body: Value?
        public var trace: [String]
    }
}

/// A `## Heading` of a lesson's Markdown and the text under it.
public struct MarkdownSection: Sendable {
    public var title: String
    public var slug: String
    public var text: String

    public init(title: String, text: String) {
        self.title = title
        self.slug = MarkdownSection.slug(title)
        self.text = text
    }

    /// `Why order matters` → `why-order-matters`, so steps may name a section either way.
    public static func slug(_ s: String) -> String {
        var out = ""
        var dash = false
        for ch in s.lowercased() {
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                dash = false
            } else if !dash, !out.isEmpty {
                out.append("-")
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    /// Splits Markdown at `## ` headings; text before the first heading becomes a section titled by the `# ` line.
    public static func split(_ markdown: String) -> [MarkdownSection] {
        var sections: [MarkdownSection] = []
        var title = "Introduction"
        var lines: [Substring] = []
        var inFence = false
        func flush() {
            let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty || !sections.isEmpty || title != "Introduction" {
                sections.append(MarkdownSection(title: title, text: text))
            }
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence, line.hasPrefix("## ") {
                flush()
                title = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                lines = []
            } else if !inFence, line.hasPrefix("# "), sections.isEmpty, lines.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                continue
            } else {
                lines.append(line)
            }
        }
        flush()
        return sections
    }
}

import Foundation
