import DILab
import DILabSuite

/// Where dilab and real FastAPI disagree, each with enough context to see why.
public struct Mismatch: Sendable, Equatable, CustomStringConvertible {
    public var place: String
    public var dilab: String
    public var fastapi: String
    /// Both event sequences side by side, when the difference is in the events.
    public var sequences: (dilab: [String], fastapi: [String])?

    public static func == (a: Mismatch, b: Mismatch) -> Bool {
        a.place == b.place && a.dilab == b.dilab && a.fastapi == b.fastapi
    }

    public var description: String {
        var out = "\(place)\n    dilab:   \(dilab)\n    fastapi: \(fastapi)"
        if let s = sequences { out += "\n" + Self.sideBySide(s.dilab, s.fastapi) }
        return out
    }

    /// Aligned on the longest common subsequence: `<` only in dilab, `>` only in FastAPI.
    static func sideBySide(_ a: [String], _ b: [String]) -> String {
        let width = max(28, (a.map(\.count).max() ?? 0) + 2)
        var rows = ["    " + "dilab".padding(toLength: width, withPad: " ", startingAt: 0) + "  fastapi"]
        for op in LineDiff.diff(a, b) {
            switch op {
            case .same(let l): rows.append("    " + l.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + l)
            case .removed(let l): rows.append("  < " + l)
            case .added(let r): rows.append("  > " + String(repeating: " ", count: width) + "  " + r)
            }
        }
        return rows.joined(separator: "\n")
    }
}

public enum Comparison {
    /// Compares the app error, lifespan events, and each request's status, body, headers and events.
    public static func compare(dilab: ComparableRun, fastapi: ComparableRun) -> [Mismatch] {
        if dilab.appError != nil || fastapi.appError != nil {
            guard dilab.appError == fastapi.appError else {
                return [Mismatch(place: "building the app", dilab: dilab.appError ?? "the app builds", fastapi: fastapi.appError ?? "the app builds")]
            }
            return []
        }
        var out: [Mismatch] = []
        out += events("lifespan startup", dilab.startup, fastapi.startup)
        guard dilab.requests.count == fastapi.requests.count else {
            return out + [Mismatch(place: "requests", dilab: "\(dilab.requests.count) requests", fastapi: "\(fastapi.requests.count) requests")]
        }
        for (i, (d, f)) in zip(dilab.requests, fastapi.requests).enumerated() {
            let place = "request \(i + 1) \(d.line)"
            if d.status != f.status { out.append(Mismatch(place: place + ": status", dilab: "\(d.status)", fastapi: "\(f.status)")) }
            if d.body != f.body { out.append(Mismatch(place: place + ": body", dilab: d.body, fastapi: f.body)) }
            for (k, v) in d.headers.sorted(by: { $0.key < $1.key }) where f.headers[k] != v {
                out.append(Mismatch(place: place + ": header \(k)", dilab: v, fastapi: f.headers[k] ?? "(absent)"))
            }
            out += events(place, d.events, f.events)
        }
        out += events("lifespan shutdown", dilab.shutdown, fastapi.shutdown)
        return out
    }

    static func events(_ place: String, _ d: [String], _ f: [String]) -> [Mismatch] {
        guard let i = LineDiff.firstDivergence(d, f) else { return [] }
        return [Mismatch(place: "\(place): first divergence at event \(i + 1)",
                         dilab: i < d.count ? d[i] : "(no more events)", fastapi: i < f.count ? f[i] : "(no more events)",
                         sequences: (d, f))]
    }
}
