/// What the loader refuses about `middleware:` and `request_state:` once the whole scenario is read: a write to
/// `request.state` from a callable without a Request, a middleware template reading what a middleware cannot
/// see, a header value that could carry what no header may, and what dilab does not model under middleware.
public enum MiddlewareCheck {
    /// The roots a middleware's templates may read: its Request and dilab's request number and clock.
    static let middlewareRoots: Set<String> = ["request", "@request", "now", "@now"]
    /// The holes a header value (or a `request.state` value read into one) may hold: each renders as digits, the
    /// same in the engine and a real run (`now` does not: a real clock never reads the virtual one).
    static let headerSafeHoles: Set<String> = ["call", "@call", "@request"]

    public static func problems(in s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func report(_ at: SourceLocation, _ message: String, _ hint: String) {
            out.append(Diagnostic(location: at, rule: "middleware", message: message, hint: hint))
        }
        for p in s.providers where !p.requestState.isEmpty && !takesRequest(p.params) {
            report(p.location, "provider '\(p.name)' has `request_state:` but no Request parameter", "add `request: Request` to its params")
        }
        for r in s.routes where !r.requestState.isEmpty && !takesRequest(r.params) {
            report(r.location, "route '\(r.method) \(r.path)' has `request_state:` but no Request parameter", "add `request: Request` to its params")
        }
        guard !s.middleware.isEmpty else { return out }
        for r in s.routes where r.stream != nil {
            report(r.location, "a StreamingResponse under middleware is not modelled (BaseHTTPMiddleware starts the body before call_next returns)",
                   "drop `stream:` from this route, or the `middleware:` list")
        }
        var writes: [String: [Template]] = [:]
        for (name, t) in s.providers.flatMap(\.requestState) + s.routes.flatMap(\.requestState) + s.middleware.flatMap({ $0.before.requestState + $0.after.requestState }) {
            writes[name, default: []].append(t)
        }
        for m in s.middleware {
            for step in [m.before, m.after] {
                var templates = step.requestState.map(\.1) + step.headers.map(\.1)
                templates += step.raises.flatMap { [$0.detail, $0.message].compactMap { $0 } }
                if let r = step.respond { templates.append(r.body) }
                let conditions = step.raises.compactMap(\.when) + [step.respond?.when].compactMap { $0 }
                var roots = templates.flatMap(\.roots) + conditions.flatMap(\.expr.roots)
                if m.kind == .asgi { roots += m.startHeaders.flatMap(\.1.roots) }
                var paths: [[String]] = []
                for t in templates + (m.kind == .asgi ? m.startHeaders.map(\.1) : []) { RequestState.paths(in: t, into: &paths) }
                for c in conditions { RequestState.paths(in: c.expr, into: &paths) }
                if paths.contains(where: { $0.count >= 2 && $0[0] == "request" && $0[1] == "path_params" }) {
                    report(m.location, "middleware '\(m.name)' reads request.path_params: not modelled (empty before call_next, the route's after it)",
                           "read the path in `request.url`, or the parameter in a dependency")
                }
                if let bad = roots.first(where: { !middlewareRoots.contains($0) }) {
                    report(m.location, "middleware '\(m.name)' reads '\(bad)', which a middleware has no way to see",
                           "a middleware's templates read `request` (its headers, url, state…), `@request` and `now`")
                }
                for spec in step.raises where !spec.isHTTPException && PyError.builtinChain(spec.exception) == nil {
                    report(spec.location, "middleware '\(m.name)' raises \(spec.exception): only Python's built-in exceptions and HTTPException are modelled in a middleware",
                           "raise e.g. RuntimeError or ValueError")
                }
            }
            for h in m.handlers {
                if let bad = h.body.roots.first(where: { !middlewareRoots.contains($0) && $0 != "exc" && $0 != "@exc" }) {
                    report(h.location, "the except block of middleware '\(m.name)' reads '\(bad)', which it has no way to see",
                           "it reads `exc` (exc.type, exc.message), `request`, `@request` and `now`")
                }
            }
            for (name, value) in m.before.headers + m.after.headers + m.startHeaders {
                if let problem = unsafeHeader(value, writes: writes) ?? unsafeContextRead(value, in: s) {
                    report(m.location, "header '\(name)' of middleware '\(m.name)': \(problem)",
                           "a middleware header may hold {{@request}} or {{request.state.x}} where every write of x is literal text, {{@request}} or {{call}}")
                }
            }
        }
        return out
    }

    static func takesRequest(_ params: [Param]) -> Bool {
        params.contains { if case .requestObject = $0.kind { return true }; return false }
    }

    /// Why a middleware header value could hold what no header may (nil: it cannot).
    static func unsafeHeader(_ value: Template, writes: [String: [Template]]) -> String? {
        var paths: [[String]] = []
        RequestState.paths(in: value, into: &paths)
        for path in paths {
            if path.count == 1, headerSafeHoles.contains(path[0]) { continue }
            guard path.count == 3, path[0] == "request", path[1] == "state" else {
                return "{{\(path.joined(separator: "."))}} could hold text no header may carry"
            }
            for w in writes[path[2]] ?? [] where !isHeaderSafe(w) {
                return "request.state.\(path[2]) is set from a value that could hold text no header may carry"
            }
        }
        return nil
    }

    /// Why a header value's `var.get(...)` could hold what no header may: some `sets_context:` of the variable, its
    /// declared default or the `get` default is not header-safe text.
    static func unsafeContextRead(_ value: Template, in s: Scenario) -> String? {
        var gets: [(String, Expr?)] = []
        if case .text(let pieces) = value {
            for case .hole(let e, _) in pieces {
                var stack = [e]
                while let x = stack.popLast() {
                    if case .contextGet(let n, let f) = x { gets.append((n, f)) }
                    stack += x.children
                }
            }
        }
        let sets = s.providers.flatMap(\.contextSets) + s.routes.flatMap(\.contextSets) + s.tasks.flatMap(\.contextSets)
            + s.middleware.flatMap { $0.before.contextSets + $0.after.contextSets }
        for (name, fallback) in gets {
            if let f = fallback, !isHeaderSafe(.value(f.literalValue ?? .null)) {
                return "the default of \(name).get(...) is not header-safe literal text"
            }
            if let d = s.contextVars.first(where: { $0.name == name })?.defaultValue, !isHeaderSafe(.value(d)) {
                return "the declared default of \(name) could hold text no header may carry"
            }
            if sets.contains(where: { $0.0 == name && !isHeaderSafe($0.1) }) {
                return "\(name) is set from a value that could hold text no header may carry"
            }
        }
        return nil
    }

    static func isHeaderSafe(_ t: Template) -> Bool {
        switch t {
        case .value(let v):
            if case .string(let s) = v { return ResponseSets.isHeaderText(s) }
            if case .int = v { return true }
            return false
        case .text(let pieces):
            var literal = ""
            for p in pieces {
                switch p {
                case .literal(let s): literal += s
                case .hole(let e, _):
                    guard case .ref(let path) = e, path.count == 1, headerSafeHoles.contains(path[0]) else { return false }
                    literal += "1"
                }
            }
            return ResponseSets.isHeaderText(literal)
        default: return false
        }
    }
}
