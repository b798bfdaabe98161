/// A line diff (LCS) small enough for traces of a few hundred events, printed in unified style.
public enum LineDiff {
    public enum Op: Equatable { case same(String), removed(String), added(String) }

    public static func diff(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(.same(a[i])); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(.removed(a[i])); i += 1
            } else {
                ops.append(.added(b[j])); j += 1
            }
        }
        return ops
    }

    /// `--- expected` / `+++ actual` with every line shown (traces are short; context helps learners).
    public static func unified(expected: [String], actual: [String]) -> String {
        var out = "--- expected\n+++ actual\n"
        for op in diff(expected, actual) {
            switch op {
            case .same(let s): out += "  \(s)\n"
            case .removed(let s): out += "- \(s)\n"
            case .added(let s): out += "+ \(s)\n"
            }
        }
        return out
    }

    /// Index of the first line where the two lists disagree, or nil when equal.
    public static func firstDivergence(_ a: [String], _ b: [String]) -> Int? {
        for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] { return i }
        return nil
    }
}
