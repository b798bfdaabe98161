/// A template path that names a member which cannot exist, found at `dilab check` where the value's shape is
/// known from the scenario alone: Starlette's `request.client` / `request.app.state`, `SecurityScopes`, and a
/// dependency whose `returns:` is a mapping (or a class dependency's fields). Python would raise AttributeError
/// or KeyError there (a 500); dilab's lenient path would read None, so the file is refused instead.
/// Values known only at run time (headers, bodies, a list's items, overridden providers) are not judged.
enum MemberCheck {
    /// What is known of a value: its members, or nothing.
    indirect enum Shape {
        case unknown
        case members([(String, Shape)], of: String)
    }

    static func problems(_ s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let overridden = Set(s.overrides.map(\.original) + s.requests.flatMap { ($0.overrides ?? [:]).keys })
        func check(_ params: [Param], _ templates: [(Template?, SourceLocation, String)], conditions: [(Condition?, SourceLocation, String)]) {
            let shapes = Dictionary(params.map { ($0.name, shape(of: $0, in: s, overridden: overridden)) }, uniquingKeysWith: { a, _ in a })
            var paths: [([String], SourceLocation, String)] = []
            for (t, at, what) in templates { for p in t?.paths ?? [] { paths.append((p, at, what)) } }
            for (c, at, what) in conditions { for p in c?.expr.paths ?? [] { paths.append((p, at, what)) } }
            for (path, at, what) in paths {
                guard var current = shapes[path[0]] else { continue }
                for (i, key) in path.enumerated().dropFirst() {
                    guard case .members(let members, let owner) = current else { break }
                    guard let next = members.first(where: { $0.0 == key }) else {
                        let shown = path[..<i].joined(separator: ".")
                        let d = Diagnostic(location: at, rule: "missing-member",
                                           message: "the \(what) reads '\(path[...i].joined(separator: "."))', but \(shown) (\(owner)) has no '\(key)': Python raises \(owner.hasPrefix("dict") ? "KeyError" : "AttributeError") there",
                                           hint: Suggest.hint(for: key, among: members.map(\.0), kind: "members"))
                        if !out.contains(d) { out.append(d) }
                        break
                    }
                    current = next.1
                }
            }
        }
        func raises(_ specs: [RaiseSpec]) -> ([(Template?, SourceLocation, String)], [(Condition?, SourceLocation, String)]) {
            (specs.flatMap { [($0.detail, $0.location, "exception"), ($0.message, $0.location, "exception")] }, specs.map { ($0.when, $0.location, "condition") })
        }
        func tasks(_ calls: [TaskCall]) -> ([(Template?, SourceLocation, String)], [(Condition?, SourceLocation, String)]) {
            (calls.flatMap { c in c.args.map { (Optional($0.1), c.location, "task argument") } }, calls.map { ($0.when, $0.location, "condition") })
        }
        for p in s.providers {
            let (rt, rc) = raises(p.raises + p.cleanup.raises)
            let (tt, tc) = tasks(p.addsTasks + p.cleanup.addsTasks)
            let headers = (p.sets?.headers ?? []).map { (Optional($0.1), p.location, "header of \(p.name)") }
            check(p.params, [(p.returns, p.location, "`returns` of \(p.name)")] + rt + tt + headers, conditions: rc + tc)
        }
        for r in s.routes {
            let (rt, rc) = raises(r.raises)
            let (tt, tc) = tasks(r.addsTasks + (r.responseBackground.map { [$0] } ?? []))
            let headers = (r.sets?.headers ?? []).map { (Optional($0.1), r.location, "header of \(r.handlerName)") }
            let chunks = (r.stream?.chunks ?? []).map { (Optional($0), r.location, "stream chunk") }
            check(r.params, [(r.returns, r.location, "`returns` of \(r.method) \(r.path)")] + rt + tt + headers + chunks, conditions: rc + tc)
        }
        return out
    }

    static func shape(of param: Param, in s: Scenario, overridden: Set<String>) -> Shape {
        switch param.kind {
        case .requestObject:
            return .members([
                ("method", .unknown), ("url", .unknown), ("headers", .unknown), ("query_params", .unknown), ("path_params", .unknown),
                ("cookies", .unknown), ("client", .members([("host", .unknown), ("port", .unknown)], of: "Address")),
                ("app", .members([("state", .members(appState(s).map { ($0, .unknown) }, of: "State"))], of: "FastAPI")),
                // Set by middleware, dependencies or the handler as the request goes: an unset name is the run's
                // AttributeError (RequestState.swift), not knowable here.
                ("state", .unknown),
            ], of: "Request")
        case .securityScopes:
            return .members([("scopes", .unknown), ("scope_str", .unknown)], of: "SecurityScopes")
        case .depends(let d):
            guard !overridden.contains(d.provider), let p = s.provider(named: d.provider), p.wrappedBy == nil, p.securityScheme == nil else { return .unknown }
            if let t = p.returns { return shape(of: t, owner: "dict returned by \(p.name)") }
            if p.form == .classType { return .members(p.params.map { ($0.name, .unknown) }, of: "\(p.name) instance") }
            return .unknown
        default:
            return .unknown
        }
    }

    static func shape(of t: Template, owner: String) -> Shape {
        switch t {
        case .object(let pairs): return .members(pairs.map { ($0.0, shape(of: $0.1, owner: owner)) }, of: owner)
        case .value(.object(let pairs)): return .members(pairs.map { ($0.0, .unknown) }, of: owner)
        default: return .unknown
        }
    }

    /// The names `app.state` has: set at creation, or by the app's own lifespan.
    static func appState(_ s: Scenario) -> [String] {
        s.app.state.map(\.0) + (s.app.lifespan?.startup ?? []).flatMap { $0.sets.map(\.0) } + (s.app.lifespan?.shutdown ?? []).flatMap { $0.sets.map(\.0) }
    }
}
