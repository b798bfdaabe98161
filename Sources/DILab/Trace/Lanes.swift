/// A run as lanes on one time axis: one lane per request (its yield resources' holds, the handler, the streaming
/// body, the background tasks, its waits, and marks for sent / disconnect / cancel / deadlock) and one lane per
/// `max_concurrency` slot or pool that was used (who held which unit when). The terminal picture
/// (`dilab run --timeline`, the REPL's `timeline`) and the HTML page (`dilab export --to html`) both draw this.
///
/// Requests that shared a timeline keep their absolute times. Requests that ran one after another are laid out
/// back to back (each starts where the one before ended), so the picture never suggests an overlap that was not there.
public struct LaneTimeline: Sendable, Equatable {
    public enum SpanKind: String, Sendable, Equatable, CaseIterable {
        /// The request's whole life: arrival → its last event.
        case request
        /// A yield dependency: enter → exit.
        case hold
        case handler
        /// A StreamingResponse body: headers sent → last chunk.
        case stream
        case task
        /// Waiting for a slot, a pool unit or a threadpool token: wait → acquire (or never).
        case wait
        /// A unit of a slot or pool held by a request: acquire → release.
        case unit
    }

    public enum MarkKind: String, Sendable, Equatable, CaseIterable {
        case sent, disconnect, cancel, deadlock
    }

    public struct Span: Sendable, Equatable {
        public var kind: SpanKind
        public var label: String
        public var start: Int
        public var end: Int
        /// Never ended (a wait in a deadlock, a hold never cleaned up): drawn to the end of the axis.
        public var open: Bool
        public var failed: Bool
        public var note: String
        /// The request it belongs to (for unit spans: the holder).
        public var request: Int
    }

    public struct Mark: Sendable, Equatable {
        public var kind: MarkKind
        public var t: Int
        public var label: String
    }

    public struct Row: Sendable, Equatable {
        public var label: String
        public var spans: [Span]
    }

    public struct Lane: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case request(Int)
            case resource(String)
        }
        public var kind: Kind
        public var title: String
        public var rows: [Row]
        public var marks: [Mark]
    }

    public var scenario: String
    public var profile: Profile
    public var concurrent: Bool
    public var lanes: [Lane]
    public var start: Int
    public var end: Int
    /// Request-scoped resources held far beyond their last use (see HoldAnalysis).
    public var pinned: [Hold]
}

public enum Lanes {
    /// The slot, pool or threadpool a `wait` / `acquire` / `release` event is about, as one lane name. The engine
    /// names a slot by its provider, a pool by its name (`data["q"]` says which).
    public static func resource(of e: TraceEvent, in app: CompiledApp) -> String {
        switch e.data["q"] ?? "" {
        case "pool": return poolResource(e.subject)
        case "threadpool": return "threadpool"
        default: return "max_concurrency " + e.subject
        }
    }

    public static func poolResource(_ name: String) -> String { "pool " + name }

    public static func build(_ result: RunResult, app: CompiledApp) -> LaneTimeline {
        var lanes: [LaneTimeline.Lane] = []
        var offset = 0
        var maxT = 0
        var pinned: [Hold] = []
        // Resource occupancy across requests: name → [(t, request, acquire?)] in event order.
        struct Use { var t: Int; var request: Int; var acquire: Bool; var label: String }
        var uses: [String: [Use]] = [:]
        var resourceOrder: [String] = []

        // Events in the order they happened, so resource units are assigned as the engine handed them out.
        let ordered: [(Int, TraceEvent)]
        if result.isConcurrent {
            ordered = result.order.map { (result.requests[$0.request].id, result.requests[$0.request].events[$0.event]) }
        } else {
            ordered = result.requests.flatMap { r in r.events.map { (r.id, $0) } }
        }

        var offsets: [Int: Int] = [:]
        for r in result.requests {
            let base = result.isConcurrent ? 0 : offset
            offsets[r.id] = base
            let lane = requestLane(r, app: app, base: base)
            lanes.append(lane)
            let last = (r.events.map(\.t).max() ?? 0) + base
            maxT = max(maxT, last)
            if !result.isConcurrent { offset = last }
            pinned += HoldAnalysis.holds(r, app: app).filter(HoldAnalysis.isPinned)
        }
        for (id, e) in ordered where [.wait, .acquire, .release].contains(e.kind) {
            let name = resource(of: e, in: app)
            guard e.kind != .wait else { continue }
            if uses[name] == nil { resourceOrder.append(name) }
            uses[name, default: []].append(Use(t: e.t + (offsets[id] ?? 0), request: id, acquire: e.kind == .acquire, label: e.subject))
        }
        // No threadpool lane: the engine reports a token only when someone had to wait for it (every sync call takes
        // one), so its holders are not known; the waits show in the request lanes.
        for name in resourceOrder where name != "threadpool" {
            // Greedy units: an acquire takes the lowest free unit; a release frees the unit that request holds.
            var rows: [LaneTimeline.Row] = []
            var held: [Int: [(unit: Int, span: Int)]] = [:]   // request → units it holds, newest last
            var free: [Bool] = []
            for u in uses[name] ?? [] {
                if u.acquire {
                    let unit = free.firstIndex(of: true) ?? free.count
                    if unit == free.count { free.append(false); rows.append(LaneTimeline.Row(label: "unit \(unit + 1)", spans: [])) }
                    free[unit] = false
                    rows[unit].spans.append(LaneTimeline.Span(kind: .unit, label: "#\(u.request)", start: u.t, end: u.t, open: true,
                                                              failed: false, note: "", request: u.request))
                    held[u.request, default: []].append((unit, rows[unit].spans.count - 1))
                } else if let (unit, span) = held[u.request]?.popLast() {
                    rows[unit].spans[span].end = u.t
                    rows[unit].spans[span].open = false
                    rows[unit].spans[span].note = "#\(u.request) \(rows[unit].spans[span].start) → \(u.t) ms"
                    free[unit] = true
                }
            }
            for r in rows.indices {
                for s in rows[r].spans.indices where rows[r].spans[s].open {
                    rows[r].spans[s].note = "#\(rows[r].spans[s].request) from \(rows[r].spans[s].start) ms · never given back"
                }
            }
            var title = name
            if name.hasPrefix("pool "), let pool = app.scenario.pools.first(where: { poolResource($0.name) == name }) {
                title += " (size \(pool.size))"
            }
            lanes.append(LaneTimeline.Lane(kind: .resource(name), title: title, rows: rows, marks: []))
        }
        // Open spans reach the end of the axis, which then runs on a little past the last event: something that
        // never ends (a deadlocked wait, a hold never released) must not look like it stopped there.
        let anyOpen = lanes.contains { $0.rows.contains { $0.spans.contains(where: \.open) } }
        if anyOpen { maxT += max(10, maxT / 5) }
        for l in lanes.indices {
            for r in lanes[l].rows.indices {
                for s in lanes[l].rows[r].spans.indices where lanes[l].rows[r].spans[s].open {
                    lanes[l].rows[r].spans[s].end = max(lanes[l].rows[r].spans[s].end, maxT)
                }
            }
        }
        return LaneTimeline(scenario: result.scenario, profile: result.profile, concurrent: result.isConcurrent, lanes: lanes,
                            start: 0, end: max(maxT, 1), pinned: pinned)
    }

    static func requestLane(_ r: RequestTrace, app: CompiledApp, base: Int) -> LaneTimeline.Lane {
        typealias Span = LaneTimeline.Span
        let events = r.events
        let first = (events.map(\.t).min() ?? 0) + base
        let last = (events.map(\.t).max() ?? 0) + base
        var rows: [LaneTimeline.Row] = []
        var marks: [LaneTimeline.Mark] = []
        func span(_ kind: LaneTimeline.SpanKind, _ label: String, _ a: Int, _ b: Int?, note: String, failed: Bool = false) -> Span {
            Span(kind: kind, label: label, start: a + base, end: (b ?? (last - base)) + base, open: b == nil, failed: failed, note: note, request: r.id)
        }
        let status = r.webSocket != nil ? TextRenderer().answer(r) : r.status == 0 ? "no response" : "\(r.status)"
        rows.append(.init(label: "request", spans: [Span(kind: .request, label: r.request.line, start: first, end: last, open: false,
                                                         failed: false, note: "\(first) → \(last) ms · \(status)", request: r.id)]))
        // Holds: enter → exit, LIFO per name.
        var openHolds: [String: [(row: Int, t: Int, scope: String)]] = [:]
        var openTasks: [String: [(row: Int, t: Int)]] = [:]
        var openWaits: [String: [(row: Int, t: Int)]] = [:]
        var streamStart: Int?
        var lastChunk: Int?
        for (i, e) in events.enumerated() {
            switch e.kind {
            case .enter:
                rows.append(.init(label: e.subject, spans: []))
                openHolds[e.subject, default: []].append((rows.count - 1, e.t, e.data["scope"] ?? "request"))
            case .exit:
                if let h = openHolds[e.subject]?.popLast() {
                    rows[h.row].spans = [span(.hold, e.subject, h.t, e.t, note: "held \(h.t + base) → \(e.t + base) ms · scope=\(h.scope)")]
                }
            case .handler:
                let ret = events[(i + 1)...].first { [.response, .exit, .raise, .catch, .sent, .serverError, .cancel].contains($0.kind) }?.t ?? e.t
                rows.append(.init(label: "handler", spans: [span(.handler, e.subject, e.t, ret, note: "\(e.subject) \(e.t + base) → \(ret + base) ms")]))
            case .response where e.data["streaming"] == "true":
                streamStart = e.t
            case .chunk:
                lastChunk = e.t
            case .sent:
                marks.append(.init(kind: .sent, t: e.t + base, label: "sent \(e.subject) at \(e.t + base) ms"))
            case .taskStart:
                rows.append(.init(label: "task " + e.subject, spans: []))
                openTasks[e.subject, default: []].append((rows.count - 1, e.t))
            case .taskEnd, .taskFail:
                if let t = openTasks[e.subject]?.popLast() {
                    rows[t.row].spans = [span(.task, e.subject, t.t, e.t, note: "\(t.t + base) → \(e.t + base) ms" + (e.kind == .taskFail ? " · failed" : ""),
                                              failed: e.kind == .taskFail)]
                }
            case .wait:
                let name = resource(of: e, in: app)
                rows.append(.init(label: "waits: " + name, spans: []))
                openWaits[name, default: []].append((rows.count - 1, e.t))
            case .acquire:
                let name = resource(of: e, in: app)
                if let w = openWaits[name]?.popLast() {
                    rows[w.row].spans = [span(.wait, name, w.t, e.t, note: "waited \(e.t - w.t) ms for \(name)")]
                }
            case .disconnect:
                let what = r.webSocket != nil ? "WebSocketDisconnect (\(e.data["q"] ?? "")) at" : "client disconnects at"
                marks.append(.init(kind: .disconnect, t: e.t + base, label: "\(what) \(e.t + base) ms"))
            case .cancel:
                marks.append(.init(kind: .cancel, t: e.t + base, label: "cancelled at \(e.t + base) ms" + (e.subject.isEmpty ? "" : " (\(e.subject))")))
            case .deadlock:
                marks.append(.init(kind: .deadlock, t: e.t + base, label: "deadlock at \(e.t + base) ms"))
            default: break
            }
        }
        if let s = streamStart {
            let end = lastChunk ?? s
            // After the holds and the handler, before the tasks: the order a reader follows.
            let row = LaneTimeline.Row(label: "stream", spans: [span(.stream, "StreamingResponse", s, end, note: "body \(s + base) → \(end + base) ms")])
            let at = rows.firstIndex { $0.label.hasPrefix("task ") } ?? rows.count
            rows.insert(row, at: at)
        }
        // What never closed.
        for (name, list) in openHolds {
            for h in list {
                rows[h.row].spans = [span(.hold, name, h.t, nil, note: "held from \(h.t + base) ms · never cleaned up")]
            }
        }
        for (name, list) in openTasks {
            for t in list { rows[t.row].spans = [span(.task, name, t.t, nil, note: "started \(t.t + base) ms · never finished")] }
        }
        for (name, list) in openWaits {
            for w in list { rows[w.row].spans = [span(.wait, name, w.t, nil, note: "waits from \(w.t + base) ms · never served")] }
        }
        // Holds that were entered but have no span yet cannot exist; drop rows left empty by odd traces.
        rows.removeAll { $0.spans.isEmpty }
        return LaneTimeline.Lane(kind: .request(r.id), title: "#\(r.id) \(r.request.line)", rows: rows, marks: marks)
    }
}
