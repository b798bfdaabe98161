import Yams

/// A composed YAML node as the loader reads it: one object per node, made once from Yams' tree. A Yams node is an
/// enum of structs holding a tag object and a weak anchor, so every read of a child (`pairs`, `items`) copied all
/// of that, and a walk over 10,000 routes spent more time copying nodes than reading them.
final class SourceNode {
    enum Content {
        /// The text and whether it was written plain (not quoted, not a block scalar).
        case scalar(String, plain: Bool)
        /// Each key with its text as Yams reads it (`Node.string`, "" for a key that is no scalar).
        case mapping([(key: String, keyNode: SourceNode, value: SourceNode)])
        case sequence([SourceNode])
        case alias
    }

    let content: Content
    /// Yams' mark (1-based line and column), nil when it has none.
    let line: Int?
    let column: Int

    init(_ content: Content, mark: Mark?) {
        self.content = content
        line = mark?.line
        column = mark?.column ?? 0
    }
}

/// Converting Yams' tree, with the expansion budgets of `YAMLGuard` counted on the way.
enum SourceTree {
    /// The tree, or nil once it is bigger or deeper than `YAMLGuard.maxExpandedNodes` / `maxExpandedDepth` allow
    /// (aliases expanded: Yams hands every alias over as a copy of its anchored node). `bounded: false` converts
    /// whatever it is given.
    static func convert(_ root: Node, bounded: Bool = true) -> SourceNode? {
        var count = 0
        var over = false
        func make(_ node: Node, level: Int) -> SourceNode? {
            count += 1
            if bounded, count > YAMLGuard.maxExpandedNodes || level > YAMLGuard.maxExpandedDepth { over = true; return nil }
            switch node {
            case .scalar(let s):
                return SourceNode(.scalar(s.string, plain: s.style == .plain), mark: s.mark)
            case .mapping(let m):
                var pairs: [(key: String, keyNode: SourceNode, value: SourceNode)] = []
                pairs.reserveCapacity(m.count)
                for i in m.indices {
                    let pair = m[i]
                    guard let k = make(pair.key, level: level + 1), let v = make(pair.value, level: level + 1) else { return nil }
                    pairs.append((key: pair.key.string ?? "", keyNode: k, value: v))
                }
                return SourceNode(.mapping(pairs), mark: m.mark)
            case .sequence(let s):
                var items: [SourceNode] = []
                items.reserveCapacity(s.count)
                for i in s.indices {
                    guard let item = make(s[i], level: level + 1) else { return nil }
                    items.append(item)
                }
                return SourceNode(.sequence(items), mark: s.mark)
            case .alias(let a):
                return SourceNode(.alias, mark: a.mark)
            }
        }
        let tree = make(root, level: 1)
        return over ? nil : tree
    }
}
