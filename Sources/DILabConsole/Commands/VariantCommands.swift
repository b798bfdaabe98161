import DILab
import DILabSuite

/// `override`, `profile`, `diff`: change what the app runs under, or compare two profiles on one request.
enum VariantCommands {
    static let all: [ConsoleCommand] = [override, profile, diff]

    static let override = ConsoleCommand(
        name: "override", aliases: ["overrides"], usage: "override [ORIGINAL REPLACEMENT | clear [ORIGINAL]]",
        summary: "Set app.dependency_overrides[ORIGINAL] = REPLACEMENT, clear one or all, or list them. Applies from the next request.",
        examples: ["override get_db fake_db", "override clear get_db", "override clear", "override"],
        arguments: [[.provider, .words(["clear"])], [.provider]],
        needsScenario: true
    ) { state, call in
        let (scenario, _, _) = try state.requireScenario()
        let names = scenario.providers.map(\.name)
        func check(_ n: String) throws {
            guard scenario.provider(named: n) != nil else {
                throw ConsoleError("no provider '\(n)'", hint: Suggest.closest(to: n, in: names).map { "did you mean `\($0)`?" } ?? "`providers` lists them")
            }
        }
        switch call.args.count {
        case 0:
            return state.overrides.isEmpty ? "no dependency_overrides\n"
                : state.overrides.sorted { $0.key < $1.key }.map { "dependency_overrides[\($0.key)] = \($0.value)\n" }.joined()
        case 1 where call.args[0] == "clear":
            let n = state.overrides.count
            state.overrides = [:]
            return "dependency_overrides.clear(): \(n) removed\n"
        case 2 where call.args[0] == "clear":
            let name = call.args[1]
            guard state.overrides.removeValue(forKey: name) != nil else {
                throw ConsoleError("\(name) is not overridden", hint: state.overrides.isEmpty ? nil : "overridden: " + state.overrides.keys.sorted().joined(separator: ", "))
            }
            return "del dependency_overrides[\(name)]\n"
        case 2:
            try check(call.args[0]); try check(call.args[1])
            guard call.args[0] != call.args[1] else { throw ConsoleError("overriding \(call.args[0]) with itself changes nothing") }
            var proposed = state.overrides
            proposed[call.args[0]] = call.args[1]
            try OverrideGuard.check(scenario, overrides: proposed)
            state.overrides = proposed
            return "dependency_overrides[\(call.args[0])] = \(call.args[1])" + (state.lastRequest == nil ? "" : "  (`again` re-sends the last request)") + "\n"
        default:
            throw ConsoleError("usage: override [ORIGINAL REPLACEMENT | clear [ORIGINAL]]")
        }
    }

    static let profile = ConsoleCommand(
        name: "profile", aliases: ["fastapi"], usage: "profile [latest|0.120|0.115|0.105|file]",
        summary: "Show or switch the FastAPI semantics profile; switching restarts the app. `profile file` goes back to the file's own.",
        examples: ["profile 0.115", "profile latest", "profile file"],
        arguments: [[.profile, .words(["file"])]]
    ) { state, call in
        guard let name = call.args.first else {
            return "profile \(state.profile.rawValue) (FastAPI \(state.profile.fastapiVersion)); available: " + ProfileNames.all.joined(separator: ", ") + "\n"
        }
        guard call.args.count == 1 else { throw ConsoleError("usage: profile [NAME]") }
        let chosen: Profile? = name == "file" ? nil : try ProfileNames.parse(name)
        let summary = try state.switchProfile(chosen)
        let why = chosen.flatMap { ProfileChoice.note(for: name, profile: $0) }.map { state.style.dim($0) + "\n" } ?? ""
        return why + "profile \(state.profile.rawValue) (FastAPI \(state.profile.fastapiVersion))" + (state.scenario == nil ? "" : ": the app restarted") + "\n" + summary
    }

    static let diff = ConsoleCommand(
        name: "diff", usage: "diff [PROFILE_A] PROFILE_B [-u] [METHOD PATH ...]",
        summary: "Run one request (the last one, or the one given) on a fresh app under two profiles and compare the traces side by side (-u: unified).",
        examples: ["diff 0.115", "diff latest 0.105", "diff 0.115 -u", "diff 0.115 GET /users/1"],
        arguments: [[.profile], [.profile, .words(["-u"]), .method]],
        needsScenario: true
    ) { state, call in
        var profiles: [Profile] = []
        var unified = false
        var rest = call.args[...]
        while let w = rest.first, !RequestLine.isMethod(w) {
            if w == "-u" || w == "--unified" { unified = true } else { profiles.append(try ProfileNames.parse(w)) }
            rest = rest.dropFirst()
        }
        guard (1...2).contains(profiles.count) else { throw ConsoleError("diff needs one or two profiles", hint: "e.g. `diff 0.115` or `diff latest 0.105`") }
        if profiles.count == 1 { profiles.insert(state.profile, at: 0) }
        let request: RequestSpec
        if rest.isEmpty {
            guard let r = state.lastRequest else { throw ConsoleError("no request to compare", hint: "send one first, or name it: `diff 0.115 GET /users/1`") }
            request = r
        } else {
            request = try RequestLine.parse(Array(rest))
        }
        let scenario = state.scenario!
        let a = try Variants.run(scenario, profile: profiles[0], request: request, overrides: state.overrides)
        let b = try Variants.run(scenario, profile: profiles[1], request: request, overrides: state.overrides)
        return ProfileDiff(request: request, left: (profiles[0], a), right: (profiles[1], b), style: state.style).render(unified: unified)
    }
}

/// Two engine runs of one request, compared by their compact lines (kind, subject, qualifier), then status and body.
struct ProfileDiff {
    let request: RequestSpec
    let left: (Profile, Variants.Outcome)
    let right: (Profile, Variants.Outcome)
    let style: Style

    func lines(_ o: Variants.Outcome) -> [String] {
        switch o {
        case .refused(let d): return d.map { "app.error \($0.rule): \($0.message)" }
        case .trace(let t):
            return ConsoleState.numbered(t).map(\.compact) + ["→ \(t.status) " + (t.isJSON ? t.body.json : t.bodyText.debugDescription)]
        }
    }

    func render(unified: Bool) -> String {
        let a = lines(left.1), b = lines(right.1)
        let title = "diff · \(RequestLine.describe(request)) · a fresh app under each profile"
        var out = style.bold(title) + "\n"
        let ops = LineDiff.diff(a, b)
        if !ops.contains(where: { if case .same = $0 { return false }; return true }) {
            return out + "  no difference: \(left.0.rawValue) and \(right.0.rawValue) give the same events, status and body\n"
        }
        if unified {
            out += style.red("--- \(left.0.rawValue) (FastAPI \(left.0.fastapiVersion))") + "\n" + style.green("+++ \(right.0.rawValue) (FastAPI \(right.0.fastapiVersion))") + "\n"
            for op in ops {
                switch op {
                case .same(let s): out += "  \(s)\n"
                case .removed(let s): out += style.red("- \(s)") + "\n"
                case .added(let s): out += style.green("+ \(s)") + "\n"
                }
            }
            return out
        }
        // Side by side: runs of removals and additions are paired row by row.
        var rows: [(String, Character, String)] = []
        var i = 0
        while i < ops.count {
            if case .same(let s) = ops[i] { rows.append((s, "│", s)); i += 1; continue }
            var removed: [String] = [], added: [String] = []
            while i < ops.count {
                if case .removed(let s) = ops[i] { removed.append(s) } else if case .added(let s) = ops[i] { added.append(s) } else { break }
                i += 1
            }
            for k in 0..<max(removed.count, added.count) {
                let l = k < removed.count ? removed[k] : "", r = k < added.count ? added[k] : ""
                rows.append((l, l.isEmpty ? ">" : (r.isEmpty ? "<" : "≠"), r))
            }
        }
        let width = min(48, max(24, rows.map(\.0.count).max() ?? 0))
        func cell(_ s: String) -> String {
            let t = s.count > width ? String(s.prefix(width - 1)) + "…" : s
            return t.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        out += style.bold(cell("\(left.0.rawValue) (FastAPI \(left.0.fastapiVersion))")) + "   " + style.bold("\(right.0.rawValue) (FastAPI \(right.0.fastapiVersion))") + "\n"
        for (l, mark, r) in rows {
            let line = cell(l) + " \(mark) " + r
            out += (mark == "│" ? line : style.yellow(line)).trimmingTrailing + "\n"
        }
        let changed = rows.filter { $0.1 != "│" }.count
        out += style.dim("  \(changed) line\(changed == 1 ? "" : "s") differ · < only under \(left.0.rawValue) · > only under \(right.0.rawValue) · ≠ changed") + "\n"
        return out
    }
}
