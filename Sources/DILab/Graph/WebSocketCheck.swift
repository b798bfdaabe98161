/// What a websocket endpoint or client script may not say: caught at load, with the place and a hint.
enum WebSocketCheck {
    static func problems(_ s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func report(_ at: SourceLocation, _ rule: String, _ message: String, _ hint: String) {
            out.append(Diagnostic(location: at, rule: rule, message: message, hint: hint))
        }
        let rooms = Set(s.rooms.map(\.name))
        for r in s.routes {
            guard let handler = r.webSocket else { continue }
            if !r.isAsync {
                report(r.location, "websocket", "a websocket endpoint is `async def`: its accept, receive and send are awaited", "remove `async: false`")
            }
            for p in r.params {
                guard case .request(let rp) = p.kind else { continue }
                if rp.source == .body || (rp.source == .inferred && (rp.type == .dict || rp.type == .list)) {
                    report(p.location, "websocket", "a websocket has no request body: '\(p.name)' would be read from one",
                           "read it from the path, the query or a header, or receive it as a message (`receive_json:`)")
                }
            }
            let hasTasks = r.params.contains { if case .backgroundTasks = $0.kind { return true }; return false }
            var names = Set(r.params.map(\.name))
            names.formUnion(boundNames(handler).map(\.0))
            names.insert("code")
            var acceptedAt: SourceLocation?
            check(handler.steps, s, rooms: rooms, names: names, hasTasks: hasTasks, acceptedAt: &acceptedAt, report: report)
            var after = acceptedAt
            check(handler.onDisconnect ?? [], s, rooms: rooms, names: names, hasTasks: hasTasks, acceptedAt: &after, report: report)
        }
        for req in s.requests {
            guard let script = req.client else { continue }
            if script.worker > s.app.workers {
                report(req.location, "websocket", "worker \(script.worker), but the app runs \(s.app.workers) worker\(s.app.workers == 1 ? "" : "s")",
                       "set `app: {workers: \(script.worker)}` or pick a worker from 1 to \(s.app.workers)")
            }
            if let end = script.steps.firstIndex(where: { if case .close = $0 { return true }; return $0 == .drop }), end + 1 < script.steps.count {
                let at = end + 1 < script.stepLocations.count ? script.stepLocations[end + 1] : req.location
                report(at, "websocket", "the client has left: nothing runs after its close or drop", "remove the steps after it")
            }
        }
        return out
    }

    /// Every name a `receive:` or `with … as` step binds, with where it is written.
    static func boundNames(_ handler: WebSocketHandler?) -> [(String, SourceLocation)] {
        var out: [(String, SourceLocation)] = []
        var stack = (handler?.steps ?? []) + (handler?.onDisconnect ?? [])
        while let step = stack.popLast() {
            switch step.action {
            case .receive(let name, _): out.append((name, step.location))
            case .loop(let body): stack += body
            case .with(_, let name, let body):
                out.append((name, step.location))
                stack += body
            default: break
            }
        }
        return out
    }

    static func containsReceive(_ steps: [WSStep]) -> Bool {
        steps.contains { step in
            switch step.action {
            case .receive: return true
            case .loop(let body), .with(_, _, let body): return containsReceive(body)
            default: return false
            }
        }
    }

    static func check(_ steps: [WSStep], _ s: Scenario, rooms: Set<String>, names: Set<String>, hasTasks: Bool,
                      acceptedAt: inout SourceLocation?, report: (SourceLocation, String, String, String) -> Void) {
        func roots(_ t: Template?, _ at: SourceLocation, _ what: String) {
            for r in t?.roots ?? [] where !names.contains(r) && !Validator.builtins.contains(r) {
                report(at, "unknown-name", "the \(what) reads '\(r)', which is not a parameter or a received message here",
                       Suggest.hint(for: r, among: names.sorted(), kind: "names") + " (a message is named by `- receive: \(r)`)")
            }
        }
        for step in steps {
            let at = step.location
            switch step.action {
            case .accept, .join:
                if case .join(let room) = step.action, !rooms.contains(room) {
                    report(at, "unknown-room", "unknown room '\(room)'", rooms.isEmpty ? "declare it at the top level: `rooms: [\(room)]`" : Suggest.hint(for: room, among: rooms.sorted(), kind: "rooms"))
                }
                if acceptedAt != nil {
                    report(at, "websocket", "the websocket is accepted twice: Starlette raises RuntimeError on the second accept",
                           "`join:` accepts (manager.connect calls websocket.accept()); drop the `accept` step")
                }
                acceptedAt = at
            case .leave(let room), .broadcast(let room, _):
                if !rooms.contains(room) {
                    report(at, "unknown-room", "unknown room '\(room)'", rooms.isEmpty ? "declare it at the top level: `rooms: [\(room)]`" : Suggest.hint(for: room, among: rooms.sorted(), kind: "rooms"))
                }
                if case .broadcast(_, let t) = step.action { roots(t, at, "broadcast text") }
            case .send(let t, _): roots(t, at, "message")
            case .close(_, let reason): roots(reason, at, "close reason")
            case .raise(let spec):
                roots(spec.detail, at, "exception")
                roots(spec.message, at, "exception")
                roots(spec.reason, at, "exception")
            case .loop(let body):
                if !containsReceive(body) {
                    report(at, "websocket", "this `while True:` never awaits a message, so nothing ever ends it", "put a `receive:` in the loop")
                }
                var inner = acceptedAt
                check(body, s, rooms: rooms, names: names, hasTasks: hasTasks, acceptedAt: &inner, report: report)
            case .with(let name, _, let body):
                if let p = s.provider(named: name) {
                    if !p.isGenerator || !p.isAsync || !p.params.isEmpty {
                        report(at, "websocket", "`with:` opens '\(name)' as `asynccontextmanager(\(name))()`: it must be an async generator without parameters",
                               "make '\(name)' `yield: true, async: true` with no params")
                    }
                } else {
                    report(at, "unknown-provider", "unknown provider '\(name)'", Suggest.hint(for: name, among: s.providers.map(\.name), kind: "providers"))
                }
                check(body, s, rooms: rooms, names: names, hasTasks: hasTasks, acceptedAt: &acceptedAt, report: report)
            case .addTask(let call):
                if s.task(named: call.task) == nil {
                    report(call.location, "unknown-task", "unknown task '\(call.task)'", Suggest.hint(for: call.task, among: s.tasks.map(\.name), kind: "tasks"))
                }
                if !hasTasks {
                    report(at, "background-tasks", "the endpoint adds a task but takes no BackgroundTasks parameter", "add a parameter such as `background_tasks: BackgroundTasks`")
                }
            case .receive, .sleep: break
            }
        }
    }
}
