import DILab
import DILabSuite
import Foundation

/// `explain N` and `explain PROVIDER`: why an event happened where it did (cache key, scope, profile, the
/// governing rule), and what the engine does instead under the other profiles or the other `scope=`.
enum ExplainCommands {
    static let all: [ConsoleCommand] = [explain]

    static let explain = ConsoleCommand(
        name: "explain", aliases: ["why"], usage: "explain N|PROVIDER [PROFILE] | explain KIND SUBJECT | explain PARAM",
        summary: "Explain event N of the last request, or a provider: the cache key, the scope, the rule; then the same request under the other profiles (or only PROFILE) and the other scope.",
        examples: ["explain 6", "explain get_db", "explain get_db 0.115", "why exit get_db", "why db"],
        arguments: [[.eventNumber, .provider], [.profile]],
        needsScenario: true
    ) { state, call in
        // `why exit get_db`: an event named as its trace line (kind, subject) rather than by its number.
        if let kind = call.args.first, call.args.count >= 2, TraceEvent.Kind(rawValue: kind) != nil, !state.providerNames.contains(kind) {
            let trace = try state.requireTrace()
            let wanted = call.args.joined(separator: " ")
            let events = ConsoleState.numbered(trace)
            guard let i = events.firstIndex(where: { $0.compact == wanted || $0.compact.hasPrefix(wanted + " ") }) else {
                throw ConsoleError("no `\(wanted)` in the last request", hint: "`show` lists its events")
            }
            return try EventExplainer(state: state, only: nil).explain(i + 1)
        }
        guard let target = call.args.first, call.args.count <= 2 else { throw ConsoleError("usage: explain N|PROVIDER [PROFILE] or explain KIND SUBJECT") }
        var only: Profile?
        if call.args.count == 2 {
            guard let p = Profile(name: call.args[1]) else { throw ProfileNames.unknown(call.args[1]) }
            only = p
        }
        if let n = Int(target.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) {
            return try EventExplainer(state: state, only: only).explain(n)
        }
        // `why db`: a parameter of the last request's handler (unless a provider has that name).
        if only == nil, !state.providerNames.contains(target), let text = try ParamExplainer(state: state).explain(target) { return text }
        return try ProviderExplainer(state: state, only: only).explain(target)
    }
}

/// Compares the last request with the engine's answer under other profiles and scopes.
struct WhatIf {
    let state: ConsoleState
    let only: Profile?

    var profiles: [Profile] { only.map { [$0] } ?? Profile.allCases.filter { $0 != state.profile } }

    /// Baseline (current profile) and variant traces, both on fresh apps so they compare like for like.
    func pair(_ profile: Profile, scenario: Scenario? = nil) throws -> (RequestTrace, Variants.Outcome)? {
        guard let s = state.scenario, let r = state.lastRequest else { return nil }
        guard case .trace(let base) = try Variants.run(s, profile: state.profile, request: r, overrides: state.overrides) else { return nil }
        return (base, try Variants.run(scenario ?? s, profile: profile, request: r, overrides: state.overrides))
    }

    /// One line per other profile: where the event lands there.
    func eventLines(eventAt index: Int) throws -> String {
        var out = ""
        for p in profiles {
            guard let (base, outcome) = try pair(p) else { break }
            out += "    " + p.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0) + describe(index, base: base, outcome) + "\n"
        }
        return out
    }

    func describe(_ index: Int, base: RequestTrace, _ outcome: Variants.Outcome) -> String {
        switch outcome {
        case .refused(let d): return "FastAPI refuses the app: " + (d.first?.message ?? "")
        case .trace(let other):
            let a = ConsoleState.numbered(base), b = ConsoleState.numbered(other)
            // The live trace may differ from a fresh run (lru_cache, counters): match by the event itself.
            guard index < a.count else { return "(not comparable)" }
            let statusNote = other.status != base.status ? " · status \(base.status) → \(other.status)" : ""
            guard let j = Variants.match(index, in: a, to: b) else {
                let related = b.filter { $0.subject == a[index].subject }.map(\.compact)
                return "does not happen" + (related.isEmpty ? "" : " (there: " + related.joined(separator: ", ") + ")") + statusNote
            }
            let was = Variants.placement(index, in: a), now = Variants.placement(j, in: b)
            return (was == now ? "same place" + (now.isEmpty ? "" : ": \(now)") : now) + statusNote
        }
    }
}

struct EventExplainer {
    let state: ConsoleState
    let only: Profile?

    func explain(_ n: Int) throws -> String {
        let trace = try state.requireTrace()
        let events = ConsoleState.numbered(trace)
        guard n >= 1, n <= events.count else { throw ConsoleError("no event #\(n): the last request has \(events.count) events", hint: "`show` numbers them") }
        let style = state.style
        let e = events[n - 1]
        var out = TraceView.line(e, number: n, style: style)
        let why = reasons(n - 1, events: events, profile: trace.profile)
        if !why.isEmpty { out += style.bold("  why here") + "\n" + why.map { "    " + $0 + "\n" }.joined() }
        if let rule = Rules.governing(e, profile: trace.profile) {
            out += Wrap.paragraph("rule  " + rule.title + " — " + rule.text, indent: 2, hanging: 8, bold: rule.title, style: style) + style.dim("        see: \(RuleDocs.citation(rule))") + "\n"
        }
        // Re-run under the other profiles: find this event again (same kind, subject and occurrence).
        let fresh = try Variants.run(state.scenario!, profile: trace.profile, request: trace.request, overrides: state.overrides)
        if case .trace(let base) = fresh, let k = baseIndex(e, n - 1, events, base) {
            let whatIf = WhatIf(state: state, only: only)
            out += style.bold("  under other profiles") + style.dim(" (the same request on a fresh app)") + "\n" + (try whatIf.eventLines(eventAt: k))
        }
        if let scopeLine = try scopeVariant(e, events: events, index: n - 1) { out += scopeLine }
        return out
    }

    /// The event's index in a fresh run of the same request (the live one may have lru hits and higher counters).
    func baseIndex(_ e: TraceEvent, _ i: Int, _ events: [TraceEvent], _ base: RequestTrace) -> Int? {
        Variants.match(i, in: events, to: ConsoleState.numbered(base))
    }

    /// For a yield dependency's enter/exit: the same request with the other `scope=`, compared on the latest
    /// profile (the only one with `scope=`), against an unedited run on that profile.
    func scopeVariant(_ e: TraceEvent, events: [TraceEvent], index i: Int) throws -> String? {
        guard e.kind == .enter || e.kind == .exit, let scenario = state.scenario, let r = state.lastRequest,
              scenario.provider(named: e.subject) != nil else { return nil }
        guard case .trace(let base) = try Variants.run(scenario, profile: .latest, request: r, overrides: state.overrides),
              let k = Variants.match(i, in: events, to: ConsoleState.numbered(base)) else { return nil }
        let current = e.data["scope"] ?? "request"
        let other = current == "function" ? "request" : "function"
        let edited = Variants.withScope(other, for: e.subject, in: scenario)
        let outcome = try Variants.run(edited, profile: .latest, request: r, overrides: state.overrides)
        let desc = WhatIf(state: state, only: nil).describe(k, base: base, outcome)
        let note = state.profile == .latest ? "" : " (scope= exists from FastAPI 0.121, so this compares on latest)"
        return state.style.bold("  with scope=\"\(other)\"") + note + "\n    \(desc)\n"
    }

    /// Facts read off the trace that place this event: keys, scopes, and the events it relates to.
    func reasons(_ i: Int, events: [TraceEvent], profile: Profile) -> [String] {
        let e = events[i]
        let before = events[..<i]
        func ref(_ j: Int) -> String { "#\(j + 1) \(events[j].kind.rawValue) \(events[j].subject)" }
        var out: [String] = []
        switch e.kind {
        case .cacheHit:
            if let key = e.data["key"] {
                out.append("cache key \(key)")
                if let j = before.lastIndex(where: { $0.data["key"] == key && ($0.kind == .call || $0.kind == .enter) }) {
                    out.append("that key was stored by \(ref(j)) earlier in this request, and this use site reads the cache (use_cache=True),")
                    out.append("so FastAPI hands over the stored value \(e.data["value"] ?? "") instead of calling \(e.subject) again")
                }
            }
        case .call, .enter:
            if e.data["q"] == "lru_cache-hit" {
                out.append("\(e.subject) is an @lru_cache function: FastAPI calls it on every request, but its body ran once for the app's lifetime")
            } else if let key = e.data["key"] {
                out.append("cache key \(key)")
                if let j = before.lastIndex(where: { $0.data["key"] == key && ($0.kind == .call || $0.kind == .enter) }) {
                    out.append("called again although \(ref(j)) stored that key: this use site says use_cache=False, which never reads the cache")
                } else {
                    out.append("the key was not in this request's cache yet, so FastAPI calls it (and stores the result)")
                }
            }
            if let level = e.data["level"], level != "param" { out.append("declared in the \(level) dependencies, which resolve before the handler's parameters") }
            if let th = e.thread { out.append(th == .threadpool ? "a sync callable: FastAPI runs it in the threadpool" : "an async callable: it runs on the event loop") }
            if e.kind == .enter {
                let scope = e.data["scope"] ?? "request"
                out.append("reached its yield; the rest runs at cleanup, from the \(scope) exit stack")
                if let j = events[(i + 1)...].firstIndex(where: { $0.kind == .exit && $0.subject == e.subject }) {
                    out.append("its cleanup is \(ref(j)), \(Variants.placement(j, in: events))")
                }
            }
        case .exit:
            let scope = e.data["scope"] ?? "request"
            if let j = before.lastIndex(where: { $0.kind == .enter && $0.subject == e.subject }) {
                out.append("\(e.subject) was set up at \(ref(j)) on the \(scope) exit stack; stacks unwind last in, first out")
            }
            out.append("cleanup here: \(Variants.placement(i, in: events)), under FastAPI \(profile.fastapiVersion) (profile \(profile.rawValue))")
            if let raise = before.lastIndex(where: { $0.kind == .raise }) {
                out.append("an exception was in flight (\(ref(raise))): it passes through the exit stacks before the error response is built")
            }
        case .handler:
            let deps = before.indices.filter { [.call, .enter, .cacheHit].contains(events[$0].kind) }
            if let a = deps.first, let b = deps.last { out.append("every dependency resolved first (#\(a + 1)–#\(b + 1)); the handler is called last") }
        case .sent:
            out.append("the client has the whole response here; everything after this happens after it has its answer")
        case .taskStart, .taskEnd, .taskFail:
            if let j = before.firstIndex(where: { $0.kind == .taskAdd && $0.subject == e.subject }) { out.append("added at \(ref(j))") }
            if let s = before.firstIndex(where: { $0.kind == .sent }) { out.append("tasks run after the response was sent (\(ref(s))), in the order they were added") }
        default:
            if !e.detail.isEmpty { out.append(e.detail) }
        }
        return out
    }
}

struct ProviderExplainer {
    let state: ConsoleState
    let only: Profile?

    func explain(_ name: String) throws -> String {
        let (scenario, app, _) = try state.requireScenario()
        guard let p = scenario.provider(named: name) else {
            throw ConsoleError("no provider '\(name)' and no event number",
                               hint: Suggest.closest(to: name, in: scenario.providers.map(\.name)).map { "did you mean `\($0)`?" } ?? "`providers` lists them")
        }
        let style = state.style
        var out = style.bold(p.name) + "  " + BrowseCommands.tags(p).joined(separator: ", ") + "\n"
        if let doc = p.doc { out += "  " + doc + "\n" }
        if let o = state.overrides[p.name] { out += style.yellow("  overridden by \(o) (dependency_overrides)") + "\n" }
        // Use sites as FastAPI compiled them, with the cache key each one uses under the current profile.
        var sites: [String] = []
        for r in app.routes {
            func walk(_ d: Dependant, _ path: [String]) {
                for sub in d.dependencies {
                    let here = path + [sub.callName]
                    if sub.callName == p.name {
                        var tags = ["key \(sub.cacheKey(app.profile))"]
                        if let s = sub.computedScope { tags.append("scope=\(s)") }
                        if sub.use?.useCache == false { tags.append("use_cache=False") }
                        if sub.level != "param" { tags.append(sub.level) }
                        sites.append("\(r.route.method) \(r.fullPath): " + here.joined(separator: " → ") + "  " + style.dim(tags.joined(separator: " · ")))
                    }
                    walk(sub, here)
                }
            }
            walk(r.dependant, [r.route.handlerName])
        }
        out += style.bold("  use sites") + (sites.isEmpty ? "  none (no route depends on it)\n" : "\n" + sites.map { "    \($0)\n" }.joined())
        guard let trace = state.lastTrace else {
            return out + style.dim("  send a request to see its events and what changes under other profiles") + "\n"
        }
        let events = ConsoleState.numbered(trace)
        let mine = events.indices.filter { events[$0].subject == p.name || events[$0].subject == state.overrides[p.name] }
        out += style.bold("  in the last request") + " (\(trace.request.line), request \(trace.id))" + (mine.isEmpty ? ": not involved\n" : "\n")
        for i in mine {
            out += "  " + TraceView.line(events[i], number: i + 1, style: style)
        }
        let rules = mine.compactMap { Rules.governing(events[$0], profile: trace.profile) }
        var seen: Set<String> = []
        for rule in rules where seen.insert(rule.id).inserted {
            out += Wrap.paragraph("rule: " + rule.title + " — " + rule.text, indent: 2, hanging: 8, bold: rule.title, style: style) + style.dim("        see: \(RuleDocs.citation(rule))") + "\n"
        }
        let whatIf = WhatIf(state: state, only: only)
        out += style.bold("  under other profiles") + style.dim(" (the same request on a fresh app)") + "\n"
        for profile in whatIf.profiles {
            guard let (base, outcome) = try whatIf.pair(profile) else { break }
            out += "    " + profile.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0) + summary(p.name, base: base, outcome) + "\n"
        }
        if p.isGenerator, let (base, outcome) = try scopeVariant(p.name, scenario: scenario, app: app) {
            out += style.bold("  with scope=\"\(outcome.1)\"") + (state.profile == .latest ? "" : " (scope= exists from FastAPI 0.121, so this compares on latest)") + "\n"
            out += "    " + summary(p.name, base: base, outcome.0) + "\n"
        }
        return out
    }

    /// The provider's events in the variant, each placed against the response and the tasks; "same" when nothing moved.
    func summary(_ name: String, base: RequestTrace, _ outcome: Variants.Outcome) -> String {
        guard case .trace(let other) = outcome else {
            if case .refused(let d) = outcome { return "FastAPI refuses the app: " + (d.first?.message ?? "") }
            return ""
        }
        func lines(_ t: RequestTrace) -> [String] {
            let ev = ConsoleState.numbered(t)
            return ev.indices.filter { ev[$0].subject == name }.map { i in
                let where_ = Variants.placement(i, in: ev)
                return ev[i].compact + (where_.isEmpty ? "" : " (\(where_))")
            }
        }
        let a = lines(base), b = lines(other)
        let status = other.status != base.status ? " · status \(base.status) → \(other.status)" : ""
        if a == b { return "same" + status }
        return (b.isEmpty ? "not involved" : b.joined(separator: "; ")) + status
    }

    func scopeVariant(_ name: String, scenario: Scenario, app: CompiledApp) throws -> (RequestTrace, (Variants.Outcome, String))? {
        guard let r = state.lastRequest else { return nil }
        var scopes: Set<String> = []
        for route in app.routes {
            func walk(_ d: Dependant) { for s in d.dependencies { if s.callName == name { scopes.insert(s.use?.scope ?? "request") }; walk(s) } }
            walk(route.dependant)
        }
        let other = scopes == ["function"] ? "request" : "function"
        guard case .trace(let base) = try Variants.run(scenario, profile: .latest, request: r, overrides: state.overrides) else { return nil }
        let outcome = try Variants.run(Variants.withScope(other, for: name, in: scenario), profile: .latest, request: r, overrides: state.overrides)
        return (base, (outcome, other))
    }
}
