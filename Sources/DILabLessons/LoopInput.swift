import Foundation

/// One line typed at the lesson prompt, read in the light of the step it is typed at.
/// Only `.action(.answer)` is ever graded: help, typos of commands and stray words never cost an attempt.
public enum LoopInput: Equatable, Sendable {
    case action(LessonAction)
    case help
    case quit
    case menu
    /// `lesson 05`, `open 05`: jump to another lesson.
    case open(String)
    /// Order predictions: place one event at a time (`build`).
    case build
    /// Exercises: open the workspace copy in `$EDITOR` / print its path.
    case edit, path
    /// `why exit get_db`, `why db`: the REPL's explanation of the trace on screen; never an answer.
    case why(String)
    /// Looks like a command (or is no answer this step takes): told so, never graded.
    case notAnAnswer(String, suggestion: String?)

    /// The words the loop itself understands, for did-you-mean on typos.
    static let commandWords = ["next", "back", "hint", "answer", "check", "giveup", "solution", "show", "reset",
                               "help", "quit", "exit", "menu", "list", "lesson", "open", "edit", "path", "build", "why"]

    /// Reads `line` at `step`. A letter (or number) in a choice step's range is an answer there, before the
    /// one-letter shortcuts (`a` answer, `c` check, `h` hint), so choices a and c can be typed as they read.
    public static func read(_ line: String, step: Step) -> LoopInput? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        let word = words[0].lowercased()
        let rest = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        switch word {
        case "help", "?", "commands": return .help
        case "quit", "exit", "q": return .quit
        case "menu", "list": return .menu
        case "lesson", "open": return rest.isEmpty ? .menu : .open(rest)
        case "build" where rest.isEmpty: return .build
        case "why", "explain": return .why(rest)
        case "edit" where rest.isEmpty && step.kind.isExercise: return .edit
        case "path" where rest.isEmpty && step.kind.isExercise: return .path
        default: break
        }
        if case .question(let q) = step.kind, !q.choices.isEmpty, Answers.choiceIndex(text, count: q.choices.count) != nil {
            return .action(.answer(text))
        }
        if let action = LessonAction(word: word, rest: rest) { return .action(action) }
        let single = !text.contains(where: \.isWhitespace)
        switch step.kind {
        case .prose, .run, .exercise:
            // These steps take no typed answer: whatever it is, it is not graded.
            return .notAnAnswer(text, suggestion: single ? closestCommand(word) : nil)
        case .predict:
            // Every prediction has at least two words (`kind subject`) or is made of numbers.
            if single, !text.contains(where: \.isNumber) { return .notAnAnswer(text, suggestion: closestCommand(word)) }
        case .question(let q):
            // A short answer may be one word, so only a near-miss of a command is held back.
            if single, q.choices.isEmpty, let near = closestCommand(word) { return .notAnAnswer(text, suggestion: near) }
        }
        return .action(.answer(text))
    }

    /// The command `word` is one typo away from (words of three letters or more), if any.
    static func closestCommand(_ word: String) -> String? {
        guard word.count >= 3 else { return nil }
        return commandWords.first { EditDistance.distance(word, $0) <= 1 || (word.count >= 5 && EditDistance.distance(word, $0) <= 2) }
    }
}

/// Edit distance with swapped neighbours counted as one edit (`hnit` → `hint`), for did-you-mean on commands
/// and lesson.yaml keys.
public enum EditDistance {
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    /// The closest of `candidates` within a third of the word's length (at least 1, at most 3).
    public static func suggestion(for word: String, in candidates: [String]) -> String? {
        let limit = max(1, min(3, word.count / 3))
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }
}
