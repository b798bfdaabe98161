import Foundation
import Yams

/// The keys lesson.yaml may use, as data: the loader rejects any other key with file:line:column and a
/// did-you-mean, because a misspelt key (`fastapi:` for `profile:`) would otherwise be silently ignored.
/// docs/lesson-format.md documents the same keys; a test keeps the two in step.
indirect enum LessonShape: Sendable {
    /// A mapping with these keys; `what` names it in messages ("a predict step").
    case map(what: String, keys: [(String, LessonShape)])
    case list(LessonShape)
    /// A scalar, or a mapping with these keys (a choice: its text, or `{text, why}`).
    case scalarOr(LessonShape)
    /// Anything: values the loader reads itself (texts, bodies, the `wrong:` table).
    case any

    static let source: [(String, LessonShape)] = [("scenario", .any), ("request", .any), ("occurrence", .any), ("profile", .any)]

    static let lesson = LessonShape.map(what: "the lesson", keys: [
        ("title", .any), ("summary", .any), ("markdown", .any), ("steps", .list(step)),
    ])

    static let step = LessonShape.map(what: "a step", keys: [
        ("id", .any), ("section", .any), ("hints", .any), ("prose", .any),
        ("run", .map(what: "a run step", keys: source)),
        ("predict", .map(what: "a predict step", keys: source + [
            ("kinds", .any), ("mode", .any), ("blanks", .any), ("answer", .any), ("explain", .any)])),
        ("question", .map(what: "a question", keys: [
            ("prompt", .any), ("choices", .list(.scalarOr(.map(what: "a choice", keys: [("text", .any), ("why", .any)])))),
            ("answer", .any), ("accept", .any), ("explain", .any), ("wrong", .any),
            ("fact", .map(what: "a fact", keys: source + [("of", .any), ("event", .any), ("field", .any)]))])),
        ("exercise", .map(what: "an exercise", keys: [
            ("start", .any), ("solution", .any), ("workspace_name", .any), ("kinds", .any), ("profile", .any),
            ("goal", .list(.map(what: "an exercise goal", keys: [("request", .any), ("status", .any), ("body", .any), ("trace", .any)])))])),
    ])

    /// Keys people reach for that have another name here.
    static let aliases = ["fastapi": "profile", "hint": "hints", "choice": "choices", "workspace": "workspace_name",
                          "explanation": "explain", "prediction": "predict", "exercice": "exercise", "text": "prompt"]

    /// Every key of the format, for the docs test.
    var allKeys: Set<String> {
        switch self {
        case .map(_, let keys): return keys.reduce(into: Set(keys.map(\.0))) { $0.formUnion($1.1.allKeys) }
        case .list(let s), .scalarOr(let s): return s.allKeys
        case .any: return []
        }
    }
}

enum LessonSchema {
    /// Every unknown key of the file, each as `file:line:column`.
    static func check(_ text: String, file: String) -> [CourseError] {
        guard let root = try? Yams.compose(yaml: text) else { return [] }  // syntax errors: the decoder reports them
        var errors: [CourseError] = []
        walk(root, .lesson, file: file, into: &errors)
        return errors
    }

    static func walk(_ node: Node, _ shape: LessonShape, file: String, into errors: inout [CourseError]) {
        switch (shape, node) {
        case (.any, _): return
        case (.list(let item), .sequence(let seq)):
            for n in seq { walk(n, item, file: file, into: &errors) }
        case (.scalarOr(let inner), _):
            if case .mapping = node { walk(node, inner, file: file, into: &errors) }
        case (.map(let what, let keys), .mapping(let map)):
            let known = keys.map(\.0)
            for (k, v) in map {
                guard let name = k.string else { continue }
                if let shape = keys.first(where: { $0.0 == name })?.1 {
                    walk(v, shape, file: file, into: &errors)
                    continue
                }
                let guess = LessonShape.aliases[name].flatMap { known.contains($0) ? $0 : nil }
                    ?? EditDistance.suggestion(for: name, in: known)
                let at = k.mark.map { "\(file):\($0.line):\($0.column)" } ?? file
                errors.append(CourseError(file: at, message: "unknown key `\(name)` in \(what)"
                    + (guess.map { "; did you mean `\($0):`?" } ?? "") + " (known keys: \(known.joined(separator: ", ")))"))
            }
        default: return  // a wrong type: the decoder reports it with its path
        }
    }
}

extension CourseLoader {
    /// Every key lesson.yaml understands (for the format's documentation test).
    public static var formatKeys: Set<String> { LessonShape.lesson.allKeys }
}
