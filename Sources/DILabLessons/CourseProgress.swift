import Foundation

/// What a learner has done, as plain JSON: which step each lesson is on, which steps are done, how many
/// hints were shown and whether a solution was given up for. Keyed by lesson folder and step id (not by
/// position), so editing a lesson keeps the learner's place.
public struct CourseProgress: Codable, Sendable, Equatable {
    public var version: Int = 1
    public var lessons: [String: LessonProgress] = [:]
    /// The lesson last worked on, for `dilab lesson` to suggest continuing.
    public var lastLesson: String?

    public init() {}

    public struct LessonProgress: Codable, Sendable, Equatable {
        /// The step the learner is on; nil before the first view.
        public var current: String?
        public var steps: [String: StepProgress] = [:]
        public init(current: String? = nil) { self.current = current }
    }

    public struct StepProgress: Codable, Sendable, Equatable {
        public var solved = false
        /// The learner gave up; the solution was shown. Counts as done, and stays recorded.
        public var gaveUp = false
        public var hintsShown = 0
        public var attempts = 0
        public init() {}
        public var done: Bool { solved || gaveUp }

        /// A hand-edited file is untrusted: counts below zero are read as zero (a negative count would trap
        /// in `prefix`), and a missing key is its default.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            solved = try c.decodeIfPresent(Bool.self, forKey: .solved) ?? false
            gaveUp = try c.decodeIfPresent(Bool.self, forKey: .gaveUp) ?? false
            hintsShown = max(0, try c.decodeIfPresent(Int.self, forKey: .hintsShown) ?? 0)
            attempts = max(0, try c.decodeIfPresent(Int.self, forKey: .attempts) ?? 0)
        }
    }

    public func step(_ lesson: String, _ step: String) -> StepProgress {
        lessons[lesson]?.steps[step] ?? StepProgress()
    }

    public mutating func update(_ lesson: String, _ step: String, _ change: (inout StepProgress) -> Void) {
        var lp = lessons[lesson] ?? LessonProgress()
        var sp = lp.steps[step] ?? StepProgress()
        change(&sp)
        lp.steps[step] = sp
        lessons[lesson] = lp
    }

    /// Done steps of a lesson (only steps that still exist count).
    public func doneCount(_ lesson: Lesson) -> Int {
        lesson.steps.filter { step(lesson.id, $0.id).done }.count
    }

    /// Steps of a lesson done by giving up, shown apart from solved ones ("5/5, 1 given up").
    public func gaveUpCount(_ lesson: Lesson) -> Int {
        lesson.steps.filter { step(lesson.id, $0.id).gaveUp }.count
    }

    public func isDone(_ lesson: Lesson) -> Bool { doneCount(lesson) == lesson.steps.count }
}

/// Where progress lives: `$DILAB_STATE_DIR`, else `$XDG_STATE_HOME/dilab`, else `~/.local/state/dilab`.
/// `progress.json` holds the progress; `workspace/<lesson>/` the learner's copies of exercise scenarios.
public struct ProgressStore: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let d = environment["DILAB_STATE_DIR"], !d.isEmpty { return d }
        if let x = environment["XDG_STATE_HOME"], !x.isEmpty { return x + "/dilab" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/dilab"
    }

    public var progressFile: String { directory + "/progress.json" }
    public var workspace: String { directory + "/workspace" }

    /// A missing file is a fresh start; an unreadable one is reported rather than silently overwritten.
    public func load() throws -> CourseProgress {
        guard FileManager.default.fileExists(atPath: progressFile) else { return CourseProgress() }
        guard let data = FileManager.default.contents(atPath: progressFile) else {
            throw CourseError(file: progressFile, message: "cannot read the progress file")
        }
        do {
            return try JSONDecoder().decode(CourseProgress.self, from: data)
        } catch {
            throw CourseError(file: progressFile, message: "the progress file is not valid (fix it, or `dilab lesson reset --all`): \(error)")
        }
    }

    /// Written atomically (a temporary file, then a rename), so an interrupted save never leaves half a file.
    public func save(_ progress: CourseProgress) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(progress)
        try data.write(to: URL(fileURLWithPath: progressFile), options: .atomic)
    }
}
