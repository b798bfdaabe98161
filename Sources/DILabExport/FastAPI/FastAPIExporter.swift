import DILab

/// `dilab export --to fastapi`: the scenario as a runnable FastAPI app. The app is ordinary FastAPI code with
/// `record(...)` lines; dilab's recorder and a raw-ASGI driver (`python app.py --trace`, which `dilab verify`
/// runs) live in the sidecar module `dilab_trace.py` next to it (`files()`), or above the app in one file
/// (`export()`, for standard output). `plain()` is the app alone, with no tracing at all.
/// Layout: ExportLayout.swift (files, headers, imports), SidecarWriter.swift (dilab_trace.py), the writers per section.
public struct FastAPIExporter {
    public let scenario: Scenario
    public let profile: Profile

    public init(scenario: Scenario, profile: Profile) {
        self.scenario = scenario
        self.profile = profile
    }

    /// The app's code after its header and imports, section by section.
    func appCode() -> PythonWriter {
        var w = PythonWriter()
        exceptions(into: &w)
        contextVars(into: &w)
        ModelWriter.write(scenario, into: &w)
        Annotations.write(scenario, into: &w)
        pools(into: &w)
        if !scenario.tasks.isEmpty {
            w.section("background tasks")
            for t in scenario.tasks { ProviderWriter(scenario: scenario, late: [:]).writeTask(t, into: &w) }
        }
        let order = ProviderOrder(scenario: scenario)
        if !scenario.providers.isEmpty {
            w.section("dependencies")
            let writer = ProviderWriter(scenario: scenario, late: order.late, writtenOrder: order.providers.map(\.name))
            for p in order.providers {
                writer.write(p, into: &w)
                aliases(of: p.name, into: &w)
            }
            patchCycles(order.late, into: &w)
        }
        RoomWriter.write(scenario.rooms, workers: scenario.app.workers, into: &w)
        AppWriter(scenario: scenario).write(into: &w)
        return w
    }

    /// `aliases:` naming a `Depends(...)` on `provider`, written right after it: one object, so one
    /// `max_concurrency` semaphore, for every parameter typed with it.
    func aliases(of provider: String, into w: inout PythonWriter) {
        let mine = scenario.aliases.filter { $0.value.provider == provider }.sorted { $0.key < $1.key }
        guard !mine.isEmpty else { return }
        w.line()
        for (name, spec) in mine { w.line("\(name) = Annotated[Any, \(Signatures.depends(spec))]") }
    }

    /// The requests share one timeline (as `Engine` decides): some request has `at:`, `disconnect:` or `cancel:`.
    var isConcurrent: Bool {
        scenario.requests.contains { $0.at != nil || $0.disconnect != nil || $0.cancel != nil }
    }

    /// The driver sends the requests as tasks on a real clock: they overlap, or they may wait for a limit
    /// (`max_concurrency`, a pool, the threadpool), and only that driver can tell a hang from a long wait.
    var drivesTogether: Bool {
        let specs = scenario.app.dependencies + scenario.routers.flatMap { $0.dependencies + $0.includeDependencies }
            + scenario.routes.flatMap { $0.dependencies + $0.params.compactMap(\.depends) } + scenario.providers.flatMap { $0.params.compactMap(\.depends) }
        return isConcurrent || hasWebSocketRequests || !scenario.pools.isEmpty || specs.contains { $0.maxConcurrency != nil }
    }

    /// The scenario has websocket routes, or names websockets' exceptions: the export imports and defines their helpers.
    var hasWebSockets: Bool {
        hasWebSocketRequests || !scenario.rooms.isEmpty || scenario.routes.contains { $0.webSocket != nil }
            || Self.namedExceptions(scenario).contains { Self.webSocketExceptions.contains($0) }
    }

    /// Some request is a `websocket:` connection: the driver plays its client (always on the real clock).
    var hasWebSocketRequests: Bool { scenario.requests.contains { $0.client != nil || $0.isWebSocket } }

    static let webSocketExceptions: Set<String> = ["WebSocketException", "WebSocketDisconnect"]

    /// Long enough that no await of the scenario fits in it twice: the longest duration, doubled, plus 200 ms.
    var hangAfter: Int {
        var longest = scenario.requests.flatMap { [$0.at, $0.disconnect, $0.cancel].compactMap { $0 } }
        longest += scenario.providers.flatMap { [$0.duration, $0.cleanup.duration] }
        longest += scenario.routes.flatMap { [$0.duration, $0.stream?.every ?? 0] }
        longest += scenario.tasks.map(\.duration)
        for r in scenario.requests {
            for case .wait(let ms) in r.client?.steps ?? [] { longest.append(ms) }
        }
        for r in scenario.routes {
            guard let h = r.webSocket else { continue }
            WebSocketWriter.visitSteps(h.steps + (h.onDisconnect ?? [])) { s in if case .sleep(let ms) = s.action { longest.append(ms) } }
        }
        return 2 * (longest.max() ?? 0) + 200
    }

    /// `pools: {db_pool: 2}`: one module-level pool each, which the providers that `acquires:` it hold while they run.
    func pools(into w: inout PythonWriter) {
        guard !scenario.pools.isEmpty else { return }
        w.section("pools")
        w.line("# stand-ins for your database engine's connection pools (SQLAlchemy's pool_size, asyncpg's max_size)")
        for pool in scenario.pools {
            if ExportTracing.isOff {
                let shared = scenario.providers.filter { $0.acquires == pool.name }
                w.line("\(pool.name) = " + (shared.allSatisfy(\.isAsync) ? "asyncio.Semaphore(\(pool.size))" : "threading.BoundedSemaphore(\(pool.size))"))
            } else {
                w.line("\(pool.name) = ConnectionPool(\(PythonSyntax.string(pool.name)), size=\(pool.size))")
            }
        }
    }

    /// Exception classes the scenario names that neither Python nor FastAPI defines, in first-use order.
    static func customExceptions(_ scenario: Scenario) -> [String] {
        namedExceptions(scenario).filter { n in
            PyError.builtinChain(n) == nil && !PythonName.fastapiExceptions.contains(n) && !PythonName.asyncioExceptions.contains(n) && !webSocketExceptions.contains(n)
        }
    }

    /// Every exception class the scenario names (raised, caught, handled), in first-use order.
    static func namedExceptions(_ scenario: Scenario) -> [String] {
        var names: [String] = []
        func add(_ n: String) { if !names.contains(n) { names.append(n) } }
        for p in scenario.providers {
            (p.raises + p.cleanup.raises).forEach { add($0.exception) }
            for h in p.handlers {
                add(h.catches)
                if case .raise(let s) = h.action { add(s.exception) }
            }
        }
        for r in scenario.routes {
            r.raises.forEach { add($0.exception) }
            guard let h = r.webSocket else { continue }
            WebSocketWriter.visitSteps(h.steps + (h.onDisconnect ?? [])) { s in if case .raise(let spec) = s.action { add(spec.exception) } }
        }
        for t in scenario.tasks { t.raises.forEach { add($0.exception) } }
        scenario.app.exceptionHandlers.forEach { add($0.exception) }
        return names
    }

    func exceptions(into w: inout PythonWriter) {
        let names = Self.customExceptions(scenario)
        guard !names.isEmpty else { return }
        w.section("the scenario's own exceptions")
        for n in names {
            w.line()
            w.line("class \(n)(Exception):")
            w.indented { $0.line("pass") }
        }
    }

    /// A cycle cannot be written with defaults alone: the second function does not exist yet when the first
    /// is defined. FastAPI reads the signature only when a route is registered, so setting it afterwards is the same.
    func patchCycles(_ late: [String: Set<String>], into w: inout PythonWriter) {
        guard !late.isEmpty else { return }
        w.line()
        w.line("# a dependency cycle: each default can name the other function only once both exist")
        for p in scenario.providers where late[p.name] != nil {
            for param in p.params where late[p.name]!.contains(param.name) {
                if let spec = param.depends {
                    w.line("\(p.name).__kwdefaults__[\(PythonSyntax.string(param.name))] = \(Signatures.depends(spec))")
                }
            }
        }
    }

    /// The scenario's requests, for the driver.
    func requests(into w: inout PythonWriter) {
        w.section("the scenario's requests (used by --trace)")
        w.line()
        w.line("app = None  # the app being traced: run_trace sets it, and PROVIDERS (its dependencies by name, for overrides)")
        w.line("PROVIDERS: dict = {}")
        w.line("PROVIDER_NAMES = [" + scenario.providers.map { PythonSyntax.string($0.name) }.joined(separator: ", ") + "]")
        w.line("REQUESTS = [")
        w.indented { w in
            for r in scenario.requests {
                let headers = "[" + r.headers.map { "(\(PythonSyntax.string($0.0)), \(PythonSyntax.string($0.1)))" }.joined(separator: ", ") + "]"
                let cookies = "[" + r.cookies.map { "(\(PythonSyntax.string($0.0)), \(PythonSyntax.string($0.1)))" }.joined(separator: ", ") + "]"
                let body = r.body.map { PythonSyntax.string($0.json) } ?? "None"
                let overrides = r.overrides.map { o in "{" + o.sorted { $0.key < $1.key }.map { "\(PythonSyntax.string($0.key)): \(PythonSyntax.string($0.value))" }.joined(separator: ", ") + "}" } ?? "None"
                func ms(_ v: Int?) -> String { v.map(String.init) ?? "None" }
                let timing = drivesTogether ? ", \"at\": \(ms(r.at)), \"disconnect\": \(ms(r.disconnect)), \"cancel\": \(ms(r.cancel))" : ""
                let client = r.client.map(Self.clientFields) ?? ""
                w.line("{\"method\": \(PythonSyntax.string(r.method)), \"target\": \(PythonSyntax.string(r.target)), \"headers\": \(headers), "
                       + "\"cookies\": \(cookies), \"body\": \(body), \"overrides\": \(overrides)\(timing)\(client)},")
            }
        }
        w.line("]")
        w.line("CONCURRENT = \(drivesTogether ? "True" : "False")  # the requests overlap, or may wait for a limit: driven as tasks on a real clock")
        if drivesTogether {
            w.line("HANG_MS = \(hangAfter)  # virtual ms without any event, nothing left to arrive: the waiting requests are hung")
        }
    }
}

extension FastAPIExporter {
    /// A connection's client for the driver: its label, worker and script, every text a Python literal.
    static func clientFields(_ c: ClientScript) -> String {
        let steps = c.steps.map { step -> String in
            switch step {
            case .send(let v, let json):
                let text: String
                text = json ? v.json : v.text  // as the engine's client sends it
                return "[\"send\", \(PythonSyntax.string(text))]"
            case .receive(let n): return "[\"receive\", \(n)]"
            case .wait(let ms): return "[\"wait\", \(ms)]"
            case .close(let code, let reason): return "[\"close\", \(code), \(PythonSyntax.string(reason))]"
            case .drop: return "[\"drop\"]"
            }
        }
        return ", \"client\": \(PythonSyntax.string(c.label)), \"worker\": \(c.worker), \"script\": [\(steps.joined(separator: ", "))]"
    }
}

/// Providers in an order Python can define them: each after the providers its defaults name.
/// A parameter that would need a provider still being defined (a cycle) is left for `patchCycles`.
struct ProviderOrder {
    var providers: [Provider] = []
    var late: [String: Set<String>] = [:]

    /// A depth-first post-order walk with an explicit stack: a 10,000-long cycle must not overflow it.
    init(scenario: Scenario) {
        var state: [String: Bool] = [:]  // false: in progress, true: done
        for root in scenario.providers where state[root.name] == nil {
            state[root.name] = false
            var stack: [(provider: Provider, next: Int)] = [(root, 0)]
            while let top = stack.last {
                let p = top.provider
                if top.next < p.params.count {
                    stack[stack.count - 1].next += 1
                    let param = p.params[top.next]
                    guard let spec = param.depends, let sub = scenario.provider(named: spec.provider) else { continue }
                    if state[sub.name] == false {
                        late[p.name, default: []].insert(param.name)
                    } else if state[sub.name] == nil {
                        state[sub.name] = false
                        stack.append((sub, 0))
                    }
                    continue
                }
                stack.removeLast()
                state[p.name] = true
                providers.append(p)
            }
        }
    }
}
