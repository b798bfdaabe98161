/// FastAPI's per-request dependency cache (`dependency_cache`, keyed by `CacheKey`). Keys numbered when the
/// route was compiled are array slots, so a cache hit hashes nothing; a key only an override's subtree meets
/// at request time goes in the dictionary. Both ways give the same answers: a key has one home.
struct RequestCache {
    private var slots: [Value?]
    private var table: CacheSlots
    private var others: [CacheKey: Value] = [:]

    init(_ table: CacheSlots = .none) {
        self.table = table
        slots = table.count == 0 ? [] : Array(repeating: nil, count: table.count)
    }

    /// The key's slot: the number its facts carry when they belong to this table, else the table's own lookup.
    private func slot(_ key: CacheKey, _ facts: DependantFacts?) -> Int? {
        if let facts, facts.numbering === table.numbering, facts.key == key { return facts.slot }
        return slots.isEmpty ? nil : table.numbers[key]
    }

    func value(_ key: CacheKey, facts: DependantFacts?) -> Value? {
        if let i = slot(key, facts) { return slots[i] }
        return others[key]
    }

    /// Stores the first value only (`if sub_dependant.cache_key not in dependency_cache`).
    mutating func fill(_ key: CacheKey, facts: DependantFacts?, with value: Value) {
        if let i = slot(key, facts) {
            if slots[i] == nil { slots[i] = value }
        } else if others[key] == nil {
            others[key] = value
        }
    }
}
