import DILab

/// When the traced export may read a hole as the plain export does (`f"Session#{call}"`, not `"Session#" +
/// text(call)`): the runtime's `text` is `str()` for a str, int, float, bool or None, so a hole whose value is one of
/// those reads the same as an f-string field. Any other hole (a path, a dict, an object) keeps `{text(...)}`.
extension PythonSyntax {
    /// Template roots the export spells as a call or local that always holds a scalar: the body counter, the request
    /// number, the clock, a stream chunk's index, a websocket close code and client label.
    static let scalarRoots: Set<String> = ["call", "request", "now", "i", "code", "client"]

    /// Parameters FastAPI hands over as a scalar: a path, query, header, cookie or body value typed int, float, str or
    /// bool (None when optional), whose default (which FastAPI passes unvalidated) is a scalar too.
    static func scalarParams(_ params: [Param]) -> Set<String> {
        var out: Set<String> = []
        for p in params {
            guard case .request(let r) = p.kind, [.int, .float, .str, .bool].contains(r.type) else { continue }
            if let d = r.defaultValue, !isScalar(d) { continue }
            out.insert(p.name)
        }
        return out
    }

    static func isScalar(_ v: Value) -> Bool {
        switch v {
        case .array, .object: return false
        default: return true
        }
    }

    /// Whether the expression's value is always a Python str, int, float, bool or None (when it does not raise).
    func isScalar(_ e: Expr) -> Bool {
        switch e {
        case .literal(let v): return Self.isScalar(v)
        case .ref(let path):
            guard path.count == 1 else { return false }
            let name = path[0]
            if let b = Builtin.named(name), name.hasPrefix("@") || !locals.contains(name) {
                // A built-in the runtime computes (`request_number()`, `now_ms()`) or a local the writer named for it.
                if roots[b.rawValue] != nil { return Self.scalarRoots.contains(b.rawValue) }
                return b != .state && b != .closed
            }
            if locals.contains(name) { return scalars.contains(name) }
            guard roots[name] != nil else { return true }  // an unknown root is None, as in the engine
            return Self.scalarRoots.contains(name)
        case .length, .not, .compare: return true  // len() is an int; `not`, `==`, `in`... a bool
        case .negate(let inner): return isScalar(inner)
        case .arith(let a, _, let b), .and(let a, let b), .or(let a, let b): return isScalar(a) && isScalar(b)
        case .choose(_, let t, let o): return isScalar(t) && isScalar(o)
        case .list, .member, .index, .slice, .contextGet: return false
        }
    }
}
