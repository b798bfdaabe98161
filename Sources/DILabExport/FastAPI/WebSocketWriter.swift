import DILab

/// A `WEBSOCKET` route as FastAPI's docs write one: `@app.websocket(path)`, `async def chat(websocket: WebSocket, ...)`,
/// the steps as plain statements, `while True:` for a loop and `try: … except WebSocketDisconnect:` for
/// `on_disconnect`. What crosses the wire (accept, each message, the close frame, a denial) is recorded by the
/// driver's ASGI `send`/`receive`, where it happens; the body records only what the app's own code does.
struct WebSocketWriter {
    let scenario: Scenario
    let route: Route
    let handler: WebSocketHandler

    /// `ws: WebSocket` written in the scenario's own parameters: then it is the connection, and none is added.
    var declaredWebSocket: String? {
        route.params.first { if case .webSocket = $0.kind { return true } else { return false } }?.name
    }

    /// The `WebSocket` parameter: `websocket`, unless the scenario names a parameter or message so (FastAPI finds it
    /// by its annotation, whatever its name).
    var ws: String {
        if let declared = declaredWebSocket { return declared }
        var taken = Set(route.params.map(\.name))
        Self.walk(handler.steps + (handler.onDisconnect ?? [])) { _, a in if let a { taken.insert(a) } }
        return PythonSyntax.freeName("websocket", avoiding: taken)
    }

    func write(into w: inout PythonWriter) {
        let owner = route.router ?? "app"
        var args = [PythonSyntax.string(route.path)]
        if !route.dependencies.isEmpty { args.append("dependencies=[" + route.dependencies.map { Signatures.depends($0) }.joined(separator: ", ") + "]") }
        let usesBT = route.params.contains { if case .backgroundTasks = $0.kind { return true } else { return false } }
        let btName = route.params.first { if case .backgroundTasks = $0.kind { return true } else { return false } }?.name ?? "background_tasks"
        let needsBT = !usesBT && Self.addsTasks(handler.steps + (handler.onDisconnect ?? []))
        let params = Signatures.list(route.params, extraBackgroundTasks: needsBT ? btName : nil)
        w.line()
        w.line()
        w.line("@\(owner).websocket(\(args.joined(separator: ", ")))")
        let implied = declaredWebSocket == nil ? ["\(ws): WebSocket"] : []
        w.line("async def \(route.handlerName)(\((implied + (params.isEmpty ? [] : [params])).joined(separator: ", "))):")
        w.indented { w in body(bt: btName, into: &w) }
    }

    static func addsTasks(_ steps: [WSStep]) -> Bool {
        steps.contains { s in
            switch s.action {
            case .addTask: return true
            case .loop(let inner), .with(_, _, let inner): return addsTasks(inner)
            default: return false
            }
        }
    }

    /// Every step, nested ones (`loop`, `with`) after their parent.
    static func visitSteps(_ steps: [WSStep], _ visit: (WSStep) -> Void) {
        for s in steps {
            visit(s)
            switch s.action {
            case .loop(let inner), .with(_, _, let inner): visitSteps(inner, visit)
            default: break
            }
        }
    }

    /// Every template root the steps read, in the order they are written, with the names each step assigns.
    static func walk(_ steps: [WSStep], _ visit: (_ reads: [String], _ assigns: String?) -> Void) {
        for s in steps {
            switch s.action {
            case .accept, .leave, .join, .sleep: break
            case .receive(let name, _): visit([], name)
            case .send(let t, _), .broadcast(_, let t): visit(t.roots, nil)
            case .close(_, let reason): visit(reason?.roots ?? [], nil)
            case .raise(let spec):
                visit((spec.detail?.roots ?? []) + (spec.message?.roots ?? []) + (spec.reason?.roots ?? []) + (spec.when?.expr.roots ?? []), nil)
            case .addTask(let call): visit(call.args.flatMap(\.1.roots) + (call.when?.expr.roots ?? []), nil)
            case .loop(let inner): walk(inner, visit)
            case .with(_, let name, let inner):
                visit([], name)
                walk(inner, visit)
            }
        }
    }

    func body(bt: String, into w: inout PythonWriter) {
        let paramNames = route.params.map(\.name)
        let ws = self.ws
        var syntax = PythonSyntax.function(params: paramNames + [ws])
        syntax.roots["client"] = "client_label(\(ws))"
        syntax.scalars = PythonSyntax.scalarParams(route.params)
        let all = handler.steps + (handler.onDisconnect ?? [])
        // Names a `receive:` or `with ... as` assigns; one read before its assignment (in writing order) is None, as in
        // the engine, so such a name starts as None rather than leaving Python an unbound local.
        var assigned = Set(paramNames)
        var early: [String] = []
        var roots: Set<String> = []
        var assignable: Set<String> = []
        Self.walk(all) { _, a in if let a { assignable.insert(a) } }
        Self.walk(all) { reads, a in
            roots.formUnion(reads)
            for r in reads where assignable.contains(r) && !assigned.contains(r) && !early.contains(r) { early.append(r) }
            if let a { assigned.insert(a) }
        }
        syntax.locals.formUnion(assignable)
        syntax.raiser = ("raise", PythonSyntax.string(route.handlerName))
        let b = Bodies(syntax: syntax, subject: PythonSyntax.string(route.handlerName), isAsync: true, backgroundTasks: bt)
        b.opening(kind: "handler", counter: PythonSyntax.string("handler:" + route.handlerName), usesCall: syntax.reads(.call, in: roots), into: &w)
        for name in early { w.line("\(name) = None") }
        guard let onDisconnect = handler.onDisconnect else {
            steps(handler.steps, b, into: &w)
            return
        }
        let exc = PythonSyntax.freeName("disconnect", avoiding: syntax.locals)
        w.line("try:")
        w.indented { w in steps(handler.steps, b, into: &w) }
        var inExcept = b
        inExcept.syntax.roots["code"] = "\(exc).code"
        var block = w.child()
        block.indented { w in
            w.line("record(\"catch\", \(b.subject), summary(\(exc)) + \" → handled\")")
            steps(onDisconnect, inExcept, into: &w)
        }
        // `--plain` binds the exception only when the handler reads it.
        let bound = PythonNames.used(in: block.lines.joined(separator: "\n")).contains(exc)
        w.line("except WebSocketDisconnect" + (bound ? " as \(exc):" : ":"))
        w.append(block)
    }

    /// A template as text: a concatenation of pieces is already a str, a lone hole goes through `text`.
    static func text(_ syntax: PythonSyntax, _ t: Template) -> String {
        if case .text(let pieces) = t, pieces.count > 1 { return syntax.template(t) }
        return syntax.textTemplate(t)
    }

    func steps(_ steps: [WSStep], _ b: Bodies, into w: inout PythonWriter) {
        for s in steps { step(s, b, into: &w) }
    }

    func step(_ s: WSStep, _ b: Bodies, into w: inout PythonWriter) {
        switch s.action {
        case .accept:
            w.line("await \(ws).accept()")
        case .receive(let name, let json):
            w.line("\(name) = await \(ws).\(json ? "receive_json" : "receive_text")()")
            w.line("record(\"ws.receive\", \(b.subject), \(json ? "json_q" : "quoted")(\(name)))")
        case .send(let t, let json):
            w.line(json ? "await \(ws).send_json(\(b.syntax.template(t)))" : "await \(ws).send_text(\(Self.text(b.syntax, t)))")
        case .close(let code, let reason):
            var args: [String] = []
            if code != 1000 { args.append("code=\(code)") }
            if let reason { args.append("reason=" + Self.text(b.syntax, reason)) }
            w.line("await \(ws).close(\(args.joined(separator: ", ")))")
        case .raise(let spec):
            b.raises([spec], into: &w)
        case .loop(let inner):
            w.line("while True:")
            w.indented { w in
                if inner.isEmpty { w.line("await asyncio.sleep(0)") }
                steps(inner, b, into: &w)
            }
        case .join(let room):
            w.line("await \(room).connect(\(ws))")
        case .leave(let room):
            w.line("\(room).disconnect(\(ws))")
        case .broadcast(let room, let t):
            w.line("await \(room).broadcast(\(Self.text(b.syntax, t)))")
        case .sleep(let ms):
            w.line(ms > 0 ? Bodies.asyncPause(ms) : "await asyncio.sleep(0)")
        case .addTask(let call):
            b.addTasks([call], into: &w)
        case .with(let provider, let name, let inner):
            // the loader allows only an async generator without parameters here
            w.line("async with asynccontextmanager(\(provider))() as \(name):")
            w.indented { w in
                if inner.isEmpty { w.line("pass") }
                steps(inner, b, into: &w)
            }
        }
    }
}

/// `rooms: [manager]`: the connection manager of FastAPI's chat example, one module-level instance per room.
enum RoomWriter {
    static func write(_ rooms: [Room], workers: Int = 1, into w: inout PythonWriter) {
        guard !rooms.isEmpty else { return }
        w.section("rooms")
        w.block(#"""


class ConnectionManager:
    """The chat example's connection manager: a list of websockets in this process, broadcast in join order."""

    def __init__(self, name: str):
        self.name = name
        self.active_connections: list[WebSocket] = []

    async def connect(self, websocket: WebSocket):
        await websocket.accept()
        self.active_connections.append(websocket)
        record("ws.join", self.name)

    def disconnect(self, websocket: WebSocket):
        self.active_connections.remove(websocket)
        record("ws.leave", self.name)

    async def broadcast(self, message: str):
        record("ws.broadcast", self.name, quoted(message))
        for connection in self.active_connections:
            await connection.send_text(message)
"""#)
        // `--plain` has no driver to say which worker a connection reached: one process, worker 1.
        if workers > 1 { w.block(ExportTracing.isOff ? perWorker.replacingOccurrences(of: "current_worker.get()", with: "1") : perWorker) }
        w.line()
        for room in rooms {
            w.line(workers > 1 ? "\(room.name) = PerWorker(\(PythonSyntax.string(room.name)), workers=[\((1...workers).map(String.init).joined(separator: ", "))])"
                               : "\(room.name) = ConnectionManager(\(PythonSyntax.string(room.name)))")
        }
    }

    /// `app: {workers: N}`: uvicorn would run N processes, each with its own manager. The driver runs one process,
    /// so each room keeps one manager per worker and a connection uses its own worker's (`worker:` of its request).
    static let perWorker = #"""


class PerWorker:
    """`uvicorn --workers N` runs N copies of this module, each with its own ConnectionManager: one per worker here."""

    def __init__(self, name: str, workers: list):
        self.copies = {n: ConnectionManager(name) for n in workers}

    def here(self) -> ConnectionManager:
        return self.copies[current_worker.get()]

    async def connect(self, websocket: WebSocket):
        await self.here().connect(websocket)

    def disconnect(self, websocket: WebSocket):
        self.here().disconnect(websocket)

    async def broadcast(self, message: str):
        await self.here().broadcast(message)
"""#
}
