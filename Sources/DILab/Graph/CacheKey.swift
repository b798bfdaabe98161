/// `(call, scopes, computed scope)`: ≤0.120 has no scope part.
///
/// A class, because every event about a dependency carries its key: a copy is then one reference, not three.
public final class CacheKey: Hashable, Sendable, CustomStringConvertible {
    public let call: String
    public let scopes: [String]
    public let scope: String?
    /// FastAPI's repr of the tuple, made once: every cache hit's line shows it.
    public let description: String
    public init(call: String, scopes: [String], scope: String?) {
        self.call = call
        self.scopes = scopes
        self.scope = scope
        // Appended into one string (one key per use site: 20,000 of them for 10,000 routes).
        var text = "(" + call + ", ("
        for (i, s) in scopes.enumerated() { text += (i == 0 ? "'" : ", '") + s + "'" }
        text += scopes.count == 1 ? ",)" : ")"
        if let scope { text += ", '" + scope + "'" }
        description = text + ")"
    }
    /// The scopes as the key holds them: each once, sorted (no set is built for the usual none).
    static func sortedUnique(_ scopes: [String]) -> [String] { scopes.isEmpty ? [] : Array(Set(scopes)).sorted() }
    public static func == (a: CacheKey, b: CacheKey) -> Bool {
        a === b || (a.call == b.call && a.scopes == b.scopes && a.scope == b.scope)
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(call)
        hasher.combine(scopes)
        hasher.combine(scope)
    }
}

/// A route's cache keys, numbered when it is compiled. A key met only at request time (inside an override's
/// freshly analysed subtree) has no number and lives in the request cache's dictionary.
public final class CacheSlots: Sendable {
    /// Identifies one numbering: facts carry it, so numbers from another route's table are never used here.
    final class Numbering: Sendable {}
    let numbers: [CacheKey: Int]
    let numbering: Numbering
    init(_ numbers: [CacheKey: Int], numbering: Numbering) {
        self.numbers = numbers
        self.numbering = numbering
    }
    public var count: Int { numbers.count }
    static let none = CacheSlots([:], numbering: Numbering())
}
