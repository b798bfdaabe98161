import Yams

/// Limits on a scenario's YAML, checked before and right after Yams composes it: a scenario is untrusted data,
/// and both Yams' composer and every walk over the composed tree recurse, while aliases multiply work.
enum YAMLGuard {
    /// 16 MiB: ten times the largest generated benchmark scenario.
    static let maxBytes = 16 << 20
    /// An upper bound on nesting, estimated from the text (indentation + `- ` + open flow brackets), so that
    /// Yams' recursive composer is never handed 100,000 nested `[`.
    static let maxTextDepth = 1_000
    /// Nodes the loader may walk once aliases are expanded ("billion laughs": 700 bytes, 10⁹ nodes).
    static let maxExpandedNodes = 2_000_000
    /// Nesting of the expanded tree: every value, template and rendering recursion stays this shallow.
    static let maxExpandedDepth = 200

    /// Size and nesting of the raw text, before Yams sees it.
    static func preScan(_ text: String, file: String) -> Diagnostic? {
        let bytes = text.utf8
        if bytes.count > maxBytes {
            return Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), rule: "yaml-limit",
                              message: "the file is \(bytes.count) bytes; dilab reads scenarios up to \(maxBytes) bytes",
                              hint: "split the scenario into several files")
        }
        var line = 1, column = 0, indent = 0, atIndent = true, dashes = 0, flow = 0
        var quote: UInt8? = nil, comment = false, previous: UInt8 = 10
        for b in bytes {
            if b == 10 { line += 1; column = 0; indent = 0; atIndent = true; dashes = 0; comment = false; previous = b; continue }
            if b & 0xC0 != 0x80 { column += 1 }
            if comment { continue }
            if let q = quote {
                if b == q, !(q == 34 && previous == 92) { quote = nil }
                previous = b == 92 && previous == 92 ? 0 : b
                continue
            }
            switch b {
            case 32 where atIndent: indent += 1
            case 45 where atIndent || previous == 32 && dashes > 0: dashes += 1   // `- - -` sequences of sequences
            case 91, 123: flow += 1                                                 // [ {
            case 93, 125: flow = max(0, flow - 1)                                   // ] }
            case 35 where previous == 32 || previous == 10 || atIndent: comment = true
            case 34, 39 where [10, 32, 58, 45, 91, 123, 44, 63].contains(previous) || atIndent: quote = b
            default: break
            }
            if b != 32, b != 45 { atIndent = false }
            if indent + dashes + flow > maxTextDepth {
                return Diagnostic(location: SourceLocation(file: file, line: line, column: column), rule: "yaml-limit",
                                  message: "YAML nested too deeply (more than \(maxTextDepth) levels)",
                                  hint: "a scenario is a few levels deep; flatten this value")
            }
            previous = b
        }
        return nil
    }

    /// Expanded size and depth of the composed tree, memoised per source node so an alias costs one lookup.
    /// Reports at the deepest node whose expansion alone is over the budget: the line holding the aliases.
    static func expansion(_ root: Node, file: String) -> Diagnostic? {
        var memo: [Key: (size: Int, depth: Int)] = [:]
        var culprit: Node?
        var tooDeep = false
        func measure(_ node: Node) -> (size: Int, depth: Int) {
            // A leaf is one node one level deep, whatever it aliases: only containers need the memo.
            switch node {
            case .scalar, .alias: return (1, 1)
            case .mapping, .sequence: break
            }
            let key = Key(node)
            if let known = key.flatMap({ memo[$0] }) { return known }
            var size = 1, depth = 1
            /// Adds a child's expansion; true once a culprit is found, to stop.
            func add(_ child: Node) -> Bool {
                let m = measure(child)
                size = min(Int.max / 2, size + m.size)
                depth = max(depth, m.depth + 1)
                return culprit != nil
            }
            switch node {
            // By index: iterating a Yams mapping copies all its pairs into a new array first.
            case .mapping(let m): for i in m.indices { let pair = m[i]; if add(pair.key) || add(pair.value) { break } }
            case .sequence(let s): for i in s.indices { if add(s[i]) { break } }
            case .scalar, .alias: break
            }
            if culprit == nil, size > maxExpandedNodes || depth > maxExpandedDepth { culprit = node; tooDeep = depth > maxExpandedDepth }
            if let key { memo[key] = (size, depth) }
            return (size, depth)
        }
        _ = measure(root)
        guard let culprit else { return nil }
        let mark = culprit.mark
        let location = SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        if tooDeep {
            return Diagnostic(location: location, rule: "yaml-limit", message: "YAML nested too deeply once aliases are expanded (more than \(maxExpandedDepth) levels)",
                              hint: "an alias inside an anchored value nests it once more; use fewer levels")
        }
        return Diagnostic(location: location, rule: "yaml-limit",
                          message: "YAML aliases here expand to more than \(maxExpandedNodes) nodes",
                          hint: "each `*alias` copies its anchored value; aliases of aliases multiply (a \"billion laughs\")")
    }

    /// A node's identity in the source: aliases resolve to the anchored node, with its mark.
    struct Key: Hashable {
        var line: Int, column: Int, kind: Int, count: Int
        init?(_ node: Node) {
            guard let mark = node.mark else { return nil }
            switch node {
            case .scalar: kind = 0; count = 0
            case .mapping(let m): kind = 1; count = m.count
            case .sequence(let s): kind = 2; count = s.count
            case .alias: kind = 3; count = 0
            }
            line = mark.line
            column = mark.column
        }
    }
}
