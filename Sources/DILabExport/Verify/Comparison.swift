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
        var aligned: [Int] = []
        for (i, (d, f)) in zip(dilab.requests, fastapi.requests).enumerated() {
            let place = "request \(i + 1) \(d.line)"
            if d.webSocket != nil || f.webSocket != nil {
                out += connection(place, d, f)
            } else {
                if d.status != f.status { out.append(Mismatch(place: place + ": status", dilab: "\(d.status)", fastapi: "\(f.status)")) }
                if d.body != f.body { out.append(Mismatch(place: place + ": body", dilab: d.body, fastapi: f.body)) }
                for (k, v) in d.headers.sorted(by: { $0.key < $1.key }) where f.headers[k] != v {
                    out.append(Mismatch(place: place + ": header \(k)", dilab: v, fastapi: f.headers[k] ?? "(absent)"))
                }
            }
            let diverged = events(place, d.events, f.events)
            out += diverged
            if diverged.isEmpty, d.times.count == d.events.count, f.order.count == f.events.count { aligned.append(i) }
        }
        if dilab.concurrent { out += crossOrder(dilab.requests, fastapi.requests, aligned: aligned) }
        out += events("lifespan shutdown", dilab.shutdown, fastapi.shutdown)
        return out
    }

    /// dilab's virtual times this far apart (or more) decide an order the real run must show; closer events of two
    /// requests may come either way (the real clock drifts by thread hand-offs, and ties are dilab's own rule).
    public static let orderingMargin = 20

    /// Across requests (each already matching event by event): an event of one request that dilab places at least
    /// `orderingMargin` virtual ms before an event of another must come first in the real run's global order too.
    /// At most three disagreements are reported, the earliest first.
    static func crossOrder(_ dilab: [ComparableRun.Request], _ fastapi: [ComparableRun.Request], aligned: [Int]) -> [Mismatch] {
        var out: [Mismatch] = []
        for i in aligned {
            for j in aligned where j != i {
                let (d1, d2, f1, f2) = (dilab[i], dilab[j], fastapi[i], fastapi[j])
                for a in d1.events.indices {
                    // The first event of j that dilab places clearly after a, but FastAPI before it.
                    guard let b = d2.events.indices.first(where: { d2.times[$0] >= d1.times[a] + orderingMargin && f2.order[$0] < f1.order[a] }) else { continue }
                    out.append(Mismatch(place: "requests \(i + 1) and \(j + 1): order across requests",
                                        dilab: "request \(i + 1) `\(d1.events[a])` (\(d1.times[a]) ms) before request \(j + 1) `\(d2.events[b])` (\(d2.times[b]) ms)",
                                        fastapi: "request \(j + 1) `\(f2.events[b])` came first"))
                    if out.count == 3 { return out }
                    break
                }
            }
        }
        return out
    }

    /// A websocket connection: whether the handshake completed, and then the messages its client got and the close it
    /// saw; a refused one, the HTTP denial's status and body.
    static func connection(_ place: String, _ d: ComparableRun.Request, _ f: ComparableRun.Request) -> [Mismatch] {
        guard let dw = d.webSocket, let fw = f.webSocket else {
            return [Mismatch(place: place, dilab: d.webSocket == nil ? "an HTTP request" : "a websocket connection",
                             fastapi: f.webSocket == nil ? "an HTTP request" : "a websocket connection")]
        }
        func accepted(_ w: WebSocketOutcome, _ r: ComparableRun.Request) -> String { w.accepted ? "accepted" : "refused with \(r.status)" }
        guard dw.accepted == fw.accepted else {
            return [Mismatch(place: place + ": handshake", dilab: accepted(dw, d), fastapi: accepted(fw, f))]
        }
        var out: [Mismatch] = []
        if !dw.accepted {
            if d.status != f.status { out.append(Mismatch(place: place + ": denial status", dilab: "\(d.status)", fastapi: "\(f.status)")) }
            if d.body != f.body { out.append(Mismatch(place: place + ": denial body", dilab: d.body, fastapi: f.body)) }
            for (k, v) in d.headers.sorted(by: { $0.key < $1.key }) where f.headers[k] != v {
                out.append(Mismatch(place: place + ": denial header \(k)", dilab: v, fastapi: f.headers[k] ?? "(absent)"))
            }
            return out
        }
        if dw.received != fw.received {
            out.append(Mismatch(place: place + ": messages received", dilab: Value.array(dw.received.map(Value.string)).json,
                                fastapi: Value.array(fw.received.map(Value.string)).json))
        }
        func close(_ w: WebSocketOutcome) -> String {
            guard let code = w.closeCode else { return "(no close)" }
            return "\(code)" + (w.closeReason.isEmpty ? "" : " \(Value.string(w.closeReason).json)") + (w.closedByClient ? " (the client closed first)" : "")
        }
        if close(dw) != close(fw) { out.append(Mismatch(place: place + ": close", dilab: close(dw), fastapi: close(fw))) }
        return out
    }

    static func events(_ place: String, _ d: [String], _ f: [String]) -> [Mismatch] {
        guard let i = LineDiff.firstDivergence(d, f) else { return [] }
        return [Mismatch(place: "\(place): first divergence at event \(i + 1)",
                         dilab: i < d.count ? d[i] : "(no more events)", fastapi: i < f.count ? f[i] : "(no more events)",
                         sequences: (d, f))]
    }
}
