/// Bounds on values the engine builds from templates. Values share storage, so a chain whose every provider
/// returns `{a: "{{x}}", b: "{{x}}"}` doubles per level in as many bytes as levels — until something walks it
/// (JSON rendering, equality, the trace), which is exponential. FastAPI would hang serialising it too; dilab
/// replaces such a value with a marker instead of hanging.
extension Value {
    /// Nodes one rendered value may hold.
    public static let maxRenderedNodes = 10_000
    /// Nesting one rendered value may reach (YAML gives 200, JSON bodies 500).
    public static let maxRenderedDepth = 1_000
    /// Characters of one rendered text (`"{{x}}{{x}}"` doubles too).
    public static let maxRenderedText = 1 << 20

    /// What stands in for a value past the budget.
    public static let tooLarge = Value.string("<dilab: value too large to simulate: over \(maxRenderedNodes) nodes or \(maxRenderedDepth) levels>")

    /// Whether the value has more than `nodes` nodes or nests deeper than `depth`; stops as soon as it knows.
    public func exceeds(nodes: Int = Value.maxRenderedNodes, depth: Int = Value.maxRenderedDepth) -> Bool {
        // Most rendered values are a scalar or one flat container: answered without the walk's work list.
        switch self {
        case .array(let items):
            if depth >= 1, nodes > items.count, items.allSatisfy(\.isScalar) { return false }
        case .object(let pairs):
            if depth >= 1, nodes > pairs.count, pairs.allSatisfy({ $0.1.isScalar }) { return false }
        default:
            return nodes < 1 || depth < 0
        }
        var budget = nodes
        var todo: [(Value, Int)] = [(self, 0)]
        while let next = todo.popLast() {
            budget -= 1
            if budget < 0 || next.1 > depth { return true }
            switch next.0 {
            case .array(let items): for i in items { todo.append((i, next.1 + 1)) }
            case .object(let pairs): for p in pairs { todo.append((p.1, next.1 + 1)) }
            default: break
            }
        }
        return false
    }

    /// Neither an array nor an object.
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// The value itself, or `tooLarge`.
    var bounded: Value { exceeds() ? Value.tooLarge : self }
}

extension String {
    /// The text itself, or its first `Value.maxRenderedText` characters and a note.
    var boundedText: String {
        guard utf8.count > Value.maxRenderedText else { return self }
        return String(prefix(Value.maxRenderedText)) + "…<dilab: text truncated at \(Value.maxRenderedText) characters>"
    }
}
