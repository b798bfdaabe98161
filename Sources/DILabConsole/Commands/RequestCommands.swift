import DILab

/// Requests (`GET /users/1 ...`), `again`, and `show`: run the engine and print its trace.
enum RequestCommands {
    static let all: [ConsoleCommand] = [request, again, show]

    /// Listed in `help`; lines starting with a method reach `send` directly.
    static let request = ConsoleCommand(
        name: "request", aliases: ["req"], usage: "METHOD PATH [k=v | k:=json | k==v | Name:value | -H 'Name: value' | --cookie k=v | --body JSON]...",
        summary: "Send a request to the app and print the trace. `request` in front is optional.",
        examples: ["GET /users/1?q=x -H 'Authorization: Bearer t'", "POST /register email=a@b.c age:=30", "GET /items debug==1"],
        arguments: [[.method], [.route]],
        needsScenario: true
    ) { state, call in
        try send(call.args, in: &state)
    }

    static let again = ConsoleCommand(
        name: "again", aliases: ["replay"], usage: "again",
        summary: "Send the last request again (after changing an override, or to see lru_cache and counters carry over).",
        needsScenario: true
    ) { state, call in
        try call.requireNoArguments("again")
        guard let r = state.lastRequest else { throw ConsoleError("no request yet", hint: "send one first, e.g. `GET /users/1`") }
        return try run(r, in: &state)
    }

    static let show = ConsoleCommand(
        name: "show", aliases: ["trace", "last"], usage: "show [text|json]",
        summary: "Show the last request's trace again, as text (numbered events) or as dilab's JSON.",
        examples: ["show", "show json"],
        arguments: [[.words(["text", "json"])]]
    ) { state, call in
        let t = try state.requireTrace()
        switch call.args.first?.lowercased() {
        case nil, "text": return TraceView.text(t, style: state.style)
        case "json": return JSONRenderer.value(t).pretty() + "\n"
        case let other?: throw ConsoleError("unknown format '\(other)'", hint: "use `show text` or `show json`")
        }
    }

    static func send(_ words: [String], in state: inout ConsoleState) throws -> String {
        _ = try state.requireScenario()
        let spec = try RequestLine.parse(words)
        return try run(spec, in: &state)
    }

    /// One request on the session's app: the engine decides everything, the REPL keeps and prints the trace.
    static func run(_ spec: RequestSpec, in state: inout ConsoleState) throws -> String {
        let (_, app, engine) = try state.requireScenario()
        guard app.appErrors.isEmpty else {
            throw ConsoleError("FastAPI refuses to build this app, so no request is served:\n" + app.appErrors.map(\.description).joined(separator: "\n"),
                               hint: "fix the file (it reloads by itself) or try another profile")
        }
        engine.overrides = state.overrides
        let trace = engine.handle(spec)
        state.lastRequest = spec
        state.lastTrace = trace
        state.lastRun = nil
        state.cursor = nil
        return TraceView.text(trace, style: state.style)
    }
}
