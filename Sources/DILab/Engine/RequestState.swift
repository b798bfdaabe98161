/// Starlette's `request.state`: one `State` per request (kept in the ASGI scope, so every middleware, dependency
/// and the handler see the same attributes). Reading an attribute nobody set raises
/// `AttributeError("'State' object has no attribute 'x'")`, which becomes ServerErrorMiddleware's 500.
extension RequestRun {
    /// `request.state` as templates read it: the attributes set so far.
    var stateValue: Value { .object(requestState) }

    /// A provider's or handler's `request_state:` writes (the loader makes sure it takes `request: Request`).
    func stateWrites(_ pairs: [(String, Template)], param: String?, env: TemplateEnv, by owner: String) throws(PyError) {
        guard let param, !pairs.isEmpty else { return }
        try writeState(pairs, env: env, param: param, by: owner)
    }

    /// A provider's or handler's reads of `request.state`: in its raises (before they are tried) or its return value.
    func stateReads(_ raises: [RaiseSpec], returns: Template?, param: String?, env: TemplateEnv, by owner: String) throws(PyError) {
        guard let param else { return }
        let templates = raises.flatMap { [$0.detail, $0.message].compactMap { $0 } } + [returns].compactMap { $0 }
        try checkStateReads(templates, conditions: raises.compactMap(\.when), env: env, param: param, by: owner)
    }

    /// `request.state.<name> = value` for each pair, in order (a value may read what an earlier one set).
    func writeState(_ pairs: [(String, Template)], env: TemplateEnv, param: String, by owner: String) throws(PyError) {
        for (name, value) in pairs {
            var env = env
            if case .object(var fields)? = env[param] {
                fields.removeAll { $0.0 == "state" }
                fields.append(("state", stateValue))
                env[param] = .object(fields)
            }
            try checkStateReads([value], conditions: [], env: env, param: param, by: owner)
            let v = try render(value, env, by: owner, depth: 0)
            if let i = requestState.firstIndex(where: { $0.0 == name }) { requestState[i].1 = v } else { requestState.append((name, v)) }
        }
    }

    /// Throws Starlette's AttributeError when one of these templates or conditions reads `<param>.state.<name>`
    /// and nothing has set `<name>` in this request.
    func checkStateReads(_ templates: [Template], conditions: [Condition], env: TemplateEnv, param: String, by owner: String) throws(PyError) {
        guard env[param] != nil else { return }
        var paths: [[String]] = []
        for t in templates { RequestState.paths(in: t, into: &paths) }
        for c in conditions { RequestState.paths(in: c.expr, into: &paths) }
        for path in paths where path.count >= 3 && path[0] == param && path[1] == "state" {
            guard !requestState.contains(where: { $0.0 == path[2] }) else { continue }
            let e = PyError(type: "AttributeError", message: "'State' object has no attribute '\(path[2])'")
            emit(.raise, "request.state", "\(owner) reads request.state.\(path[2]), which nothing has set in this request", q: e.summary)
            throw e
        }
    }

    /// The Request a middleware is given: Starlette's router has not filled `path_params` yet.
    func requestObjectForMiddleware() -> Value {
        let reader = RequestValues(request: request, body: nil, cookies: request.cookieJar, pathValues: [:], profile: profile, embedBody: false)
        return withState(buildRequestObject(reader))
    }

    /// The request object with the current `state` (it changes during the request; the rest does not). Left out
    /// while nothing is set, so a request object reads as it did before dilab modelled `state`.
    func withState(_ object: Value) -> Value {
        guard !requestState.isEmpty, case .object(var fields) = object else { return object }
        fields.removeAll { $0.0 == "state" }
        fields.append(("state", stateValue))
        return .object(fields)
    }
}

/// Every `a.b.c` path a template or condition reads.
enum RequestState {
    static func paths(in t: Template, into out: inout [[String]]) {
        switch t {
        case .value: return
        case .text(let pieces):
            for p in pieces { if case .hole(let e, _) = p { paths(in: e, into: &out) } }
        case .array(let items): for i in items { paths(in: i, into: &out) }
        case .object(let pairs): for (_, v) in pairs { paths(in: v, into: &out) }
        }
    }

    static func paths(in e: Expr, into out: inout [[String]]) {
        var stack = [e]
        while let e = stack.popLast() {
            switch e {
            case .literal: break
            case .ref(let path): out.append(path)
            case .list(let items): stack += items
            case .not(let inner): stack.append(inner)
            case .and(let a, let b), .or(let a, let b), .compare(let a, _, let b), .arith(let a, _, let b), .index(let a, let b): stack += [a, b]
            case .negate(let inner), .length(let inner), .member(let inner, _): stack.append(inner)
            case .slice(let a, let lower, let upper): stack += [a] + [lower, upper].compactMap { $0 }
            case .choose(let c, let then, let otherwise): stack += [c, then, otherwise]
            case .contextGet(_, let fallback): stack += [fallback].compactMap { $0 }
            }
        }
    }
}
