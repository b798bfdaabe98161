/// JSON text → `Value` for anything a user types or sends (`--body`, the REPL, a request body): nesting is
/// bounded, so a 10,000-deep body is an answer, not a stack overflow. Every door shares this one decoder.
public enum BoundedJSON {
    /// Deeper than this is refused. CPython's `json` gives up near its recursion limit (1000) with
    /// RecursionError; serve's `PythonJSON` and this decoder stop at 500, well inside every thread's stack.
    public static let maxDepth = 500

    public enum Outcome: Equatable, Sendable {
        case value(Value)
        /// Not JSON; `offset` is the byte where reading stopped.
        case invalid(offset: Int)
        /// Arrays and objects nested more than `maxDepth` deep; `offset` is the byte that went too deep.
        case tooDeep(offset: Int)
    }

    public static func decode(_ text: String) -> Outcome {
        var parser = JSONTextParser(Array(text.utf8))
        guard let value = parser.parseValue() else {
            return parser.tooDeep ? .tooDeep(offset: parser.index) : .invalid(offset: parser.index)
        }
        parser.skipWhitespace()
        return parser.atEnd ? .value(value) : .invalid(offset: parser.index)
    }

    /// How deep a value nests (a scalar is 0, `[]` is 1, as `maxDepth` counts), without recursion: for values built elsewhere.
    public static func depth(of value: Value) -> Int {
        var deepest = 0
        var todo: [(Value, Int)] = [(value, 0)]
        while let next = todo.popLast() {
            let (v, d) = next
            switch v {
            case .array(let items): deepest = max(deepest, d + 1); todo += items.map { ($0, d + 1) }
            case .object(let pairs): deepest = max(deepest, d + 1); todo += pairs.map { ($0.1, d + 1) }
            default: break
            }
        }
        return deepest
    }
}
