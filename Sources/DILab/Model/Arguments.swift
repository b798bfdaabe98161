/// A callable's arguments by name, as the solver binds them: what its templates read and its event lists. Most
/// callables take a handful, where scanning a small array beats hashing (the per-call `[String: Value]` was ~4k
/// instructions a request: a table allocated, every name hashed on insert and on read); from `indexedFrom`
/// arguments a name index keeps reads and rebinds constant-time (the fan-out's 200, a scale test's 10,000).
/// Answers as the dictionary did: one value per name, the last bound wins, binding nil removes the name.
public struct Arguments: Sendable, ExpressibleByDictionaryLiteral {
    /// Bound arguments in binding order (no name twice).
    public private(set) var pairs: [(String, Value)] = []
    /// Name → position in `pairs`, once there are `indexedFrom` of them.
    private var index: [String: Int]?
    static let indexedFrom = 16

    public init() {}

    public init(dictionaryLiteral elements: (String, Value)...) {
        for (name, value) in elements { self[name] = value }
    }

    public init(_ dictionary: [String: Value]) {
        for (name, value) in dictionary { self[name] = value }
    }

    public var isEmpty: Bool { pairs.isEmpty }
    public var count: Int { pairs.count }

    /// Room for `n` arguments; as many as `indexedFrom` get their index at once, sized (no rebuild, no regrowth).
    mutating func reserveCapacity(_ n: Int) {
        pairs.reserveCapacity(n)
        if index == nil, n >= Self.indexedFrom { rebuildIndex(capacity: n) }
    }

    private func position(_ name: String) -> Int? {
        if let index { return index[name] }
        for i in pairs.indices where pairs[i].0 == name { return i }
        return nil
    }

    public subscript(name: String) -> Value? {
        get { position(name).map { pairs[$0].1 } }
        set {
            if let i = position(name) {
                if let newValue { pairs[i].1 = newValue } else { remove(at: i) }
            } else if let newValue {
                index?[name] = pairs.count
                pairs.append((name, newValue))
                if index == nil, pairs.count >= Self.indexedFrom { rebuildIndex() }
            }
        }
    }

    private mutating func remove(at i: Int) {
        pairs.remove(at: i)
        if index != nil { rebuildIndex() }
    }

    private mutating func rebuildIndex(capacity: Int = 0) {
        var built: [String: Int] = [:]
        built.reserveCapacity(max(capacity, pairs.count))
        for (i, pair) in pairs.enumerated() { built[pair.0] = i }
        index = built
    }
}
