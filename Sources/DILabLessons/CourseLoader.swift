import DILab
import Foundation
import Yams

/// A problem with the course files themselves (not with a learner's answer). `dilab lesson` exits 2 on these.
public struct CourseError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String
    /// 1-based position of the offending value, when known.
    public var line: Int?
    public var column: Int?
    public init(file: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.message = message
        self.line = line
        self.column = column
    }
    public var description: String {
        guard let line else { return "\(file): \(message)" }
        return "\(file):\(line):\(column ?? 1): \(message)"
    }
}

/// Reads `lessons/NN-name/lesson.yaml` (and its `lesson.md`) into the course model.
/// Every lesson folder is read even when an earlier one is broken, so one run reports every problem.
public enum CourseLoader {
    /// The step file in each lesson folder.
    public static let stepFile = "lesson.yaml"

    public static func load(root: String) throws -> Course {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw CourseErrors([CourseError(file: root, message: "no lessons folder here (run from the repository root, or pass --lessons DIR)")])
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        var lessons: [Lesson] = []
        var errors: [CourseError] = []
        for name in names where FileManager.default.fileExists(atPath: "\(root)/\(name)/\(stepFile)") {
            do {
                lessons.append(try loadLesson(directory: "\(root)/\(name)", id: name))
            } catch let e as CourseErrors {
                errors += e.errors
            } catch {
                errors.append(CourseError(file: "\(root)/\(name)/\(stepFile)", message: "\(error)"))
            }
        }
        if !errors.isEmpty { throw CourseErrors(errors) }
        if lessons.isEmpty { throw CourseErrors([CourseError(file: root, message: "no lesson folders (each needs a \(stepFile))")]) }
        return Course(root: root, lessons: lessons)
    }

    public static func loadLesson(directory: String, id: String) throws -> Lesson {
        let file = "\(directory)/\(stepFile)"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CourseErrors([CourseError(file: file, message: "cannot read the file")])
        }
        let unknownKeys = LessonSchema.check(text, file: file)
        if !unknownKeys.isEmpty { throw CourseErrors(unknownKeys) }
        let raw: LessonFile
        do {
            raw = try YAMLDecoder().decode(LessonFile.self, from: text)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw CourseErrors([CourseError(file: file, message: "missing `\(key.stringValue)` at \(path(ctx.codingPath))")])
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx), let DecodingError.dataCorrupted(ctx) {
            // Yams puts the line and column of a syntax error in the underlying error; show it.
            let detail = ctx.underlyingError.map { ": \($0)" } ?? ""
            throw CourseErrors([CourseError(file: file, message: "\(ctx.debugDescription)\(detail) at \(path(ctx.codingPath))")])
        } catch {
            throw CourseErrors([CourseError(file: file, message: "not valid YAML: \(error)")])
        }
        let pathErrors = pathProblems(raw, text: text, file: file, directory: directory)
        if !pathErrors.isEmpty { throw CourseErrors(pathErrors) }
        let mdFile = "\(directory)/\(raw.markdown ?? "lesson.md")"
        guard let markdown = try? String(contentsOfFile: mdFile, encoding: .utf8) else {
            throw CourseErrors([CourseError(file: mdFile, message: "cannot read the lesson's Markdown")])
        }
        var errors: [CourseError] = []
        var steps: [Step] = []
        for (i, s) in raw.steps.enumerated() {
            do {
                steps.append(try s.model(index: i))
            } catch let e as StepProblem {
                errors.append(CourseError(file: file, message: "step \(i + 1) (\(s.id)): \(e.message)"))
            }
        }
        var seen = Set<String>()
        for s in steps where !seen.insert(s.id).inserted {
            errors.append(CourseError(file: file, message: "two steps are called '\(s.id)'"))
        }
        if steps.isEmpty { errors.append(CourseError(file: file, message: "a lesson needs at least one step")) }
        if !errors.isEmpty { throw CourseErrors(errors) }
        let number = Int(id.prefix { $0.isNumber }) ?? 0
        return Lesson(id: id, number: number, title: raw.title, summary: raw.summary ?? "", directory: directory,
                      sections: MarkdownSection.split(markdown), steps: steps)
    }

    /// Files the lesson copies or shows must stay in its folder, and the learner's copy in the workspace
    /// (a shared lesson must not read `../../secret` or write `../../.bashrc`); each error points at the value.
    static func pathProblems(_ raw: LessonFile, text: String, file: String, directory: String) -> [CourseError] {
        func error(_ what: String, _ value: String, _ problem: String, _ at: [YAMLPosition.Key]) -> CourseError {
            let mark = YAMLPosition.mark(text, at)
            return CourseError(file: file, message: "`\(what)` '\(value)' \(problem)", line: mark?.line, column: mark?.column)
        }
        var errors: [CourseError] = []
        // The default `lesson.md` too: it may be a symlink.
        if let p = LessonPaths.problem(lessonFile: raw.markdown ?? "lesson.md", in: directory) {
            errors.append(error("markdown:", raw.markdown ?? "lesson.md", p, [.key("markdown")]))
        }
        for (i, step) in raw.steps.enumerated() {
            guard let ex = step.exercise else { continue }
            let at: [YAMLPosition.Key] = [.key("steps"), .index(i), .key("exercise")]
            for (key, value) in [("start", ex.start), ("solution", ex.solution)] {
                if let p = LessonPaths.problem(lessonFile: value, in: directory) {
                    errors.append(error("\(key):", value, p, at + [.key(key)]))
                }
            }
            let name = ex.workspace_name ?? (ex.start as NSString).lastPathComponent
            if let p = LessonPaths.problem(workspaceName: name) {
                errors.append(error("workspace_name:", name, p, at + [.key(ex.workspace_name == nil ? "start" : "workspace_name")]))
            }
        }
        return errors
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// Several course problems at once.
public struct CourseErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [CourseError]
    public init(_ errors: [CourseError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

struct StepProblem: Error { var message: String }

// MARK: - the file format (lesson.yaml), decoded, then turned into the model

struct LessonFile: Decodable {
    var title: String
    var summary: String?
    var markdown: String?
    var steps: [StepFile]
}

struct StepFile: Decodable {
    var id: String
    var section: String?
    var hints: [String]?
    var prose: Bool?
    var run: SourceFile?
    var predict: PredictFile?
    var question: QuestionFile?
    var exercise: ExerciseFile?

    func model(index: Int) throws -> Step {
        let kinds = [prose == true ? 1 : 0, run == nil ? 0 : 1, predict == nil ? 0 : 1, question == nil ? 0 : 1, exercise == nil ? 0 : 1]
        guard kinds.reduce(0, +) == 1 else {
            throw StepProblem(message: "give exactly one of `prose: true`, `run:`, `predict:`, `question:`, `exercise:`")
        }
        let kind: Step.Kind
        if let run { kind = .run(RunSpec(source: try run.model())) }
        else if let predict { kind = .predict(try predict.model()) }
        else if let question { kind = .question(try question.model()) }
        else if let exercise { kind = .exercise(try exercise.model()) }
        else { kind = .prose }
        let step = Step(id: id, section: section, kind: kind, hints: hints ?? [])
        if step.needsAnswer, step.hints.isEmpty { throw StepProblem(message: "a step that takes an answer needs at least one hint") }
        return step
    }
}

struct SourceFile: Decodable {
    var scenario: String
    var request: String?
    var occurrence: Int?
    var profile: String?

    func model() throws -> TraceSource {
        var p: Profile?
        if let profile {
            guard let parsed = Profile(name: profile) else { throw StepProblem(message: "unknown FastAPI profile '\(profile)'") }
            p = parsed
        }
        return TraceSource(scenario: scenario, request: request, occurrence: max(1, occurrence ?? 1), profile: p)
    }
}

struct PredictFile: Decodable {
    var scenario: String
    var request: String?
    var occurrence: Int?
    var profile: String?
    var kinds: [String]?
    var mode: String?
    var blanks: [String]?
    var answer: [String]
    var explain: String?

    func model() throws -> PredictSpec {
        let source = try SourceFile(scenario: scenario, request: request, occurrence: occurrence, profile: profile).model()
        guard let m = PredictSpec.Mode(rawValue: mode ?? "order") else { throw StepProblem(message: "mode is `order` or `fill`") }
        let unknown = (kinds ?? []).filter { TraceEvent.Kind(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw StepProblem(message: "unknown event kind(s): \(unknown.joined(separator: ", "))") }
        guard source.request != nil else { throw StepProblem(message: "a prediction names one `request:`") }
        if m == .fill, (blanks ?? []).isEmpty { throw StepProblem(message: "`fill` mode needs `blanks:`") }
        for b in blanks ?? [] where !answer.contains(b) { throw StepProblem(message: "blank '\(b)' is not in the answer") }
        return PredictSpec(source: source, kinds: kinds ?? [], mode: m, blanks: blanks ?? [], answer: answer, explain: explain)
    }
}

struct QuestionFile: Decodable {
    var prompt: String
    var choices: [ChoiceFile]?
    var answer: String
    var accept: [String]?
    var explain: String?
    var wrong: [String: String]?
    var fact: FactFile?

    /// A choice is its text, or `{text: ..., why: ...}` with the reason it is wrong.
    struct ChoiceFile: Decodable {
        var text: String
        var why: String?
        enum CodingKeys: String, CodingKey { case text, why }
        init(from decoder: Decoder) throws {
            if let s = try? decoder.singleValueContainer().decode(String.self) { text = s; why = nil; return }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            text = try c.decode(String.self, forKey: .text)
            why = try c.decodeIfPresent(String.self, forKey: .why)
        }
    }

    struct FactFile: Decodable {
        var scenario: String
        var request: String?
        var occurrence: Int?
        var profile: String?
        var of: String
        var event: String?
        var field: String?
    }

    func model() throws -> QuestionSpec {
        let choices = (self.choices ?? []).map(\.text)
        if !choices.isEmpty, Answers.choiceIndex(answer, count: choices.count) == nil {
            throw StepProblem(message: "the answer '\(answer)' names none of the \(choices.count) choices (use a letter)")
        }
        var f: QuestionSpec.Fact?
        if let fact {
            guard let of = QuestionSpec.Fact.Of(rawValue: fact.of) else {
                throw StepProblem(message: "fact `of:` is status, body, app_error, count, last or time")
            }
            if of == .count, fact.event == nil { throw StepProblem(message: "a `count` fact names the `event:` to count") }
            if of == .time, fact.event == nil { throw StepProblem(message: "a `time` fact names the `event:` to time (`event: acquire db_pool pool`)") }
            if of == .last, fact.event == nil { throw StepProblem(message: "a `last` fact names the event kind (`event: exit`)") }
            let source = try SourceFile(scenario: fact.scenario, request: fact.request, occurrence: fact.occurrence, profile: fact.profile).model()
            f = QuestionSpec.Fact(source: source, of: of, event: fact.event, field: fact.field)
        }
        var spec = QuestionSpec(prompt: prompt, choices: choices, answer: answer, accept: accept ?? [], explain: explain, fact: f)
        spec.reasons = (self.choices ?? []).map(\.why)
        spec.wrong = Dictionary((wrong ?? [:]).map { (Answers.normalise($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        return spec
    }
}

struct ExerciseFile: Decodable {
    var start: String
    var solution: String
    var workspace_name: String?
    var kinds: [String]?
    var profile: String?
    var goal: [GoalFile]

    struct GoalFile: Decodable {
        var request: String
        var status: Int?
        var body: YAMLAny?
        var trace: [String]
    }

    func model() throws -> ExerciseSpec {
        var p: Profile?
        if let profile {
            guard let parsed = Profile(name: profile) else { throw StepProblem(message: "unknown FastAPI profile '\(profile)'") }
            p = parsed
        }
        guard !goal.isEmpty else { throw StepProblem(message: "an exercise needs a `goal:` (one entry per request)") }
        let unknown = (kinds ?? []).filter { TraceEvent.Kind(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw StepProblem(message: "unknown event kind(s): \(unknown.joined(separator: ", "))") }
        // A lifespan phase has events but no response: a status or body there could never be met.
        for g in goal where (TraceProbe.Lifespan(rawValue: g.request) != nil || g.request == TraceProbe.timeline)
            && (g.status != nil || g.body != nil) {
            throw StepProblem(message: "goal `\(g.request)` has no response: give it a `trace:` only (no `status:` or `body:`)")
        }
        let name = workspace_name ?? (start as NSString).lastPathComponent
        return ExerciseSpec(start: start, solution: solution, workspaceName: name, kinds: kinds ?? [],
                            goal: goal.map { .init(request: $0.request, status: $0.status, body: $0.body?.value, trace: $0.trace) },
                            profile: p)
    }
}

/// Any YAML value, turned into dilab's `Value` (for expected bodies).
struct YAMLAny: Decodable {
    var value: Value
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let i = try? c.decode(Int.self) { value = .int(i) }
        else if let d = try? c.decode(Double.self) { value = .double(d) }
        else if let s = try? c.decode(String.self) { value = .string(s) }
        else if let a = try? c.decode([YAMLAny].self) { value = .array(a.map(\.value)) }
        else if let o = try? c.decode([String: YAMLAny].self) {
            value = .object(o.keys.sorted().map { ($0, o[$0]!.value) })
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YAML value dilab understands")
        }
    }
}
