/// How long each yield dependency of a request was held, and when it was last used — read from the trace alone
/// (plus the scenario's `uses:` lists), never by re-running anything.
///
/// A resource is *entered* at its `enter` event (it reached `yield`), *released* at its `exit` event (its cleanup
/// starts), and *used* until the latest of:
/// - the handler's return (every yield value reaches the handler's call, directly or through a sub-dependency);
/// - the last `chunk` of a streaming body whose `stream: {uses: [...]}` names it;
/// - the end of the last background task whose `uses:` names it.
///
/// Times are the events' `t`: per request when requests ran one after another, on the shared timeline when they
/// overlapped. Differences mean the same in both.
public struct Hold: Sendable, Equatable {
    /// Why the resource was last needed.
    public enum Use: Sendable, Equatable {
        /// The handler returned (the value was passed to it and nothing later names the resource).
        case handler(String)
        /// A streamed chunk whose stream `uses:` the resource.
        case chunk(Int)
        /// A background task whose `uses:` names the resource.
        case task(String)
        /// The handler never ran (an error or a cancel before it): only the setup used it.
        case setup

        public var description: String {
            switch self {
            case .handler(let h): return "handler \(h) returned"
            case .chunk(let i): return "chunk \(i) of the stream uses it"
            case .task(let t): return "task \(t) uses it"
            case .setup: return "the handler never ran"
            }
        }
    }

    public var request: Int
    public var provider: String
    /// `request` or `function` (the enter event's `scope`); older profiles' exit stack counts as `request`.
    public var scope: String
    /// The pool the provider `acquires:` a unit of, if any.
    public var pool: String?
    public var enteredAt: Int
    /// When its cleanup started; nil when it never ran (a deadlock, a cancelled cleanup, a violation).
    public var exitedAt: Int?
    public var lastUseAt: Int
    public var lastUse: Use
    /// Chunks and tasks that use the resource (for saying what `scope="function"` would break).
    public var streamUses: [Int]
    public var taskUses: [String]
    /// What the resource was held through after its last use: `stream`, `background tasks`.
    public var heldThrough: [String]

    /// enter → exit (or to the last event of the request when it was never released).
    public var held: Int
    /// enter → last use.
    public var used: Int { max(0, lastUseAt - enteredAt) }
    /// last use → exit.
    public var idle: Int { max(0, enteredAt + held - lastUseAt) }
}

/// A request-scoped resource kept open far beyond its last use (the pinned-session problem).
public struct HoldWarning: Sendable, Equatable {
    public var hold: Hold
    public var request: String
    public var text: String
}

public enum HoldAnalysis {
    /// A hold is worth a warning when it lasts at least `factor`× its use and at least `minimumIdle` ms past it,
    /// and the time past its use went to a streaming body or background work (not to its own cleanup).
    /// 50 ms keeps quick tasks (an audit line, a 20 ms write) quiet; 2× says "most of its life it sat idle".
    public static let factor = 2
    public static let minimumIdle = 50

    public static func holds(_ trace: RequestTrace, app: CompiledApp) -> [Hold] {
        let events = trace.events
        guard !events.isEmpty else { return [] }
        let lastT = events.map(\.t).max() ?? 0
        // The handler: its call, and its return (the first event after it that only a returned handler explains).
        let handlerIndex = events.firstIndex { $0.kind == .handler }
        let handlerName = handlerIndex.map { events[$0].subject } ?? ""
        var handlerReturn: Int?
        if let h = handlerIndex {
            let after = events[(h + 1)...].first { [.response, .exit, .raise, .catch, .sent, .serverError, .cancel].contains($0.kind) }
            handlerReturn = after?.t ?? events[h].t
        }
        let route = handlerIndex.flatMap { app.route(named: events[$0].subject)?.route }
        let streamUses = Set(route?.stream?.uses ?? [])

        var holds: [Hold] = []
        var open: [String: [Int]] = [:]
        for (i, e) in events.enumerated() {
            switch e.kind {
            case .enter:
                let provider = app.scenario.provider(named: e.subject)
                let scope = e.data["scope"] ?? "request"
                let start = handlerReturn ?? e.t
                let use: Hold.Use = handlerIndex == nil ? .setup : .handler(handlerName)
                holds.append(Hold(request: trace.id, provider: e.subject, scope: scope == "function" ? "function" : "request",
                                  pool: provider?.acquires, enteredAt: e.t, exitedAt: nil,
                                  lastUseAt: handlerIndex.map { i < $0 ? start : e.t } ?? e.t, lastUse: use,
                                  streamUses: [], taskUses: [], heldThrough: [], held: 0))
                open[e.subject, default: []].append(holds.count - 1)
            case .exit:
                if let k = open[e.subject]?.popLast() { holds[k].exitedAt = e.t }
            default: break
            }
        }
        // Uses after the handler: chunks of a stream that names it, background tasks that name it.
        var taskStart: [String: Int] = [:]
        for e in events {
            switch e.kind {
            case .chunk:
                guard let i = Int(e.subject) else { continue }
                for k in holds.indices where streamUses.contains(holds[k].provider) && holds[k].enteredAt <= e.t {
                    holds[k].streamUses.append(i)
                    if e.t >= holds[k].lastUseAt { holds[k].lastUseAt = e.t; holds[k].lastUse = .chunk(i) }
                }
            case .taskStart:
                taskStart[e.subject] = e.t
            case .taskEnd, .taskFail:
                guard let def = app.scenario.task(named: e.subject) else { continue }
                for k in holds.indices where def.uses.contains(holds[k].provider) && holds[k].enteredAt <= e.t {
                    if !holds[k].taskUses.contains(def.name) { holds[k].taskUses.append(def.name) }
                    if e.t >= holds[k].lastUseAt { holds[k].lastUseAt = e.t; holds[k].lastUse = .task(def.name) }
                }
            default: break
            }
        }
        for k in holds.indices {
            let end = holds[k].exitedAt ?? lastT
            holds[k].held = max(0, end - holds[k].enteredAt)
            let from = holds[k].lastUseAt
            var through: [String] = []
            if events.contains(where: { $0.kind == .chunk && $0.t > from && $0.t <= end }) { through.append("the streaming body") }
            if events.contains(where: { ($0.kind == .taskEnd || $0.kind == .taskFail) && $0.t > from && $0.t <= end }) {
                through.append("the background tasks")
            }
            holds[k].heldThrough = through
        }
        return holds
    }

    /// Whether a hold is the problem `dilab run` warns about.
    public static func isPinned(_ h: Hold) -> Bool {
        h.scope == "request" && !h.heldThrough.isEmpty && h.idle >= minimumIdle && h.held >= factor * max(h.used, 1)
    }

    /// The warnings for a whole run: one per provider, naming every request that pinned it, then the two fixes.
    public static func warnings(_ result: RunResult, app: CompiledApp) -> [HoldWarning] {
        var byProvider: [(String, [(Hold, String)])] = []
        for r in result.requests {
            for h in holds(r, app: app) where isPinned(h) {
                if let i = byProvider.firstIndex(where: { $0.0 == h.provider }) {
                    byProvider[i].1.append((h, r.request.line))
                } else {
                    byProvider.append((h.provider, [(h, r.request.line)]))
                }
            }
        }
        let waits = byProvider.contains { $0.1.contains { $0.0.pool != nil } } ? poolWaits(result) : [:]
        return byProvider.map { provider, list in
            HoldWarning(hold: list[0].0, request: list[0].1, text: text(list, waits: waits, app: app))
        }
    }

    /// Every wait for a pool unit: pool → (request, waited from, served at or nil), in request order.
    typealias PoolWaits = [String: [(request: Int, from: Int, to: Int?)]]

    static func poolWaits(_ result: RunResult) -> PoolWaits {
        var out: PoolWaits = [:]
        for r in result.requests {
            var open: [String: Int] = [:]
            for e in r.events where e.data["q"] == "pool" {
                if e.kind == .wait { open[e.subject] = e.t }
                if e.kind == .acquire, let w = open.removeValue(forKey: e.subject) { out[e.subject, default: []].append((r.id, w, e.t)) }
            }
            for (pool, w) in open.sorted(by: { $0.key < $1.key }) { out[pool, default: []].append((r.id, w, nil)) }
        }
        return out
    }

    /// Other requests that waited for `pool` while `from...to` (a resource sat idle holding a unit).
    static func waiters(for pool: String, from: Int, to: Int, except request: Int, in waits: PoolWaits) -> [Int] {
        var ids: [Int] = []
        var seen: Set<Int> = []
        for w in waits[pool] ?? [] where w.request != request && w.from <= to && (w.to ?? Int.max) > from {
            if seen.insert(w.request).inserted { ids.append(w.request) }
        }
        return ids
    }

    /// The warning's sentences: what happened in each request, then each FastAPI fix and what it changes.
    static func text(_ list: [(Hold, String)], waits: PoolWaits, app: CompiledApp) -> String {
        let h = list[0].0
        var out = "warning: \(h.provider) is request-scoped and held far beyond its last use"
        out += " (at least \(factor)× as long as it is used and \(minimumIdle) ms past it):\n"
        // A burst of a thousand requests is named by its first few; the rest are counted.
        let shown = 8
        for (hold, line) in list.prefix(shown) {
            let exit = hold.exitedAt.map { "\($0) ms" } ?? "the end (never cleaned up)"
            out += "  request \(hold.request) (\(line)): held \(hold.held) ms (\(hold.enteredAt) → \(exit)), last used at \(hold.lastUseAt) ms"
            out += " (\(hold.lastUse.description)), then idle \(hold.idle) ms through \(hold.heldThrough.joined(separator: " and "))"
            if let pool = hold.pool {
                let waiting = waiters(for: pool, from: hold.lastUseAt, to: hold.exitedAt ?? Int.max, except: hold.request, in: waits)
                let names = waiting.prefix(5).map { "request \($0)" }.joined(separator: ", ") + (waiting.count > 5 ? " and \(waiting.count - 5) more" : "")
                out += waiting.isEmpty ? ", holding a unit of pool \(pool)" : ", holding a unit of pool \(pool) while \(names) waited for one"
            }
            out += "\n"
        }
        if list.count > shown {
            let idle = list.dropFirst(shown).map(\.0.idle)
            out += "  … and \(list.count - shown) more requests, idle \(idle.min()!)–\(idle.max()!) ms each\n"
        }
        // What uses it after the handler: "chunks 0–4", "task audit" (chunk indexes summarised, tasks in order).
        let chunks = Set(list.flatMap(\.0.streamUses)).sorted()
        var tasks: [String] = []
        for t in list.flatMap(\.0.taskUses) where !tasks.contains(t) { tasks.append(t) }
        var users: [String] = []
        if let first = chunks.first, let last = chunks.last {
            users.append(chunks.count == 1 ? "chunk \(first)" : chunks.count == last - first + 1 ? "chunks \(first)–\(last)" : "\(chunks.count) chunks")
        }
        users += tasks.map { "task \($0)" }
        let pool = list.compactMap(\.0.pool).first
        out += "  fix 1: Depends(\(h.provider), scope=\"function\")"
        out += app.profile.supportsScope ? "" : " (FastAPI 0.121+: on \(app.profile.fastapiVersion) it is a TypeError)"
        out += ": its cleanup runs as soon as the handler returns, before the response is sent"
        if let pool { out += ", so the unit goes back to \(pool) and a waiting request gets it without waiting for the stream or the tasks" }
        if users.isEmpty {
            out += ". Nothing after the handler uses it, so nothing else changes.\n"
        } else {
            out += "; but \(users.joined(separator: " and ")) \(users.count == 1 && chunks.count <= 1 ? "uses" : "use") it and would then see it closed (dilab flags use-after-cleanup).\n"
        }
        let streamed = list.contains { $0.0.heldThrough.contains("the streaming body") }
        let late = streamed ? "the stream or each background task" : "each background task"
        out += "  fix 2: release it early: keep \(h.provider) for what the handler reads, and give \(late) its own short-lived session"
        out += streamed ? " (a separate dependency, or open and close one inside the task; close the session before returning the StreamingResponse)"
                        : " (open and close one inside the task, or a separate dependency)"
        out += ": the request holds \(h.provider) only while it really uses it, and the late work takes a connection only for as long as it needs one.\n"
        return out
    }
}
