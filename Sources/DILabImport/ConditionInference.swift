import DILab

/// A `when:` that separates the calls where something happened (a raise, a task added) from those where it did
/// not, read off one scalar argument: `x_token != 'secret'`, `item_id == 'plumbus'`, `q in [1, 2]`.
/// Nil when no single argument separates them: the caller then says so instead of guessing.
public enum ConditionInference {
    public static func separate(yes: [[(String, Value)]], no: [[(String, Value)]]) -> String? {
        guard !yes.isEmpty else { return nil }
        if no.isEmpty { return "" }
        // Top-level arguments first, then one level into objects (`user.role`).
        let yesFlat = yes.map(flatten), noFlat = no.map(flatten)
        for name in yesFlat[0].map(\.0) {
            let hits = yesFlat.compactMap { env in env.first { $0.0 == name }?.1 }
            let misses = noFlat.compactMap { env in env.first { $0.0 == name }?.1 }
            guard hits.count == yes.count, misses.count == no.count,
                  (hits + misses).allSatisfy(isScalar) else { continue }
            let hitSet = unique(hits), missSet = unique(misses)
            guard !hitSet.contains(where: { h in missSet.contains { $0 == h && TemplateInference.sameKind($0, h) } }) else { continue }
            if missSet.count == 1, let m = literal(missSet[0]) { return "\(name) \(missSet[0] == .null ? "is not" : "!=") \(m)" }
            if hitSet.count == 1, let h = literal(hitSet[0]) { return "\(name) \(hitSet[0] == .null ? "is" : "==") \(h)" }
            let items = hitSet.compactMap(literal)
            if items.count == hitSet.count { return "\(name) in [\(items.joined(separator: ", "))]" }
        }
        return nil
    }

    static func flatten(_ env: [(String, Value)]) -> [(String, Value)] {
        let top = env.filter { PythonName.isIdentifier($0.0) }
        var nested: [(String, Value)] = []
        for (name, v) in top {
            if case .object(let pairs) = v {
                for (k, child) in pairs where PythonName.isIdentifier(k) && !k.hasPrefix("_") && isScalar(child) { nested.append((name + "." + k, child)) }
            }
        }
        return top + nested
    }

    static func isScalar(_ v: Value) -> Bool {
        switch v {
        case .null, .bool, .int, .string: return true
        default: return false
        }
    }

    static func unique(_ values: [Value]) -> [Value] {
        var out: [Value] = []
        for v in values where !out.contains(where: { $0 == v && TemplateInference.sameKind($0, v) }) { out.append(v) }
        return out
    }

    static func literal(_ v: Value) -> String? {
        switch v {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .string(let s): return TemplateText.conditionString(s)
        default: return nil
        }
    }
}
