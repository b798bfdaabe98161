import DILab

/// `load`, `reload`, `status`: which scenario the session runs, under which profile and overrides.
enum LoadCommands {
    static let all: [ConsoleCommand] = [load, reload, status]

    static let load = ConsoleCommand(
        name: "load", aliases: ["open"], usage: "load FILE",
        summary: "Load a scenario and start its app (lifespan startup runs). The file is reloaded by itself when it changes on disk.",
        examples: ["load scenarios/seeds/db-session-read-user.yaml"],
        arguments: [[.file]]
    ) { state, call in
        guard call.args.count == 1 else { throw ConsoleError("usage: load FILE", hint: "e.g. `load scenarios/seeds/db-session-read-user.yaml`") }
        return try state.load(path: call.args[0])
    }

    static let reload = ConsoleCommand(
        name: "reload", usage: "reload",
        summary: "Load the current file again and restart the app (fresh lru_cache, counters and request ids).",
        needsScenario: true
    ) { state, call in
        try call.requireNoArguments("reload")
        return try state.load(path: state.scenarioPath!)
    }

    static let status = ConsoleCommand(
        name: "status", aliases: ["info"], usage: "status",
        summary: "Show the loaded file, the profile, the overrides and the last request."
    ) { state, call in
        try call.requireNoArguments("status")
        guard let scenario = state.scenario else { return "no scenario loaded · profile \(state.profile.rawValue)\n" }
        var out = "file      \(state.scenarioPath ?? scenario.file)\n"
        out += "scenario  \(scenario.name)\n"
        out += "profile   \(state.profile.rawValue) (FastAPI \(state.profile.fastapiVersion))"
        out += state.chosenProfile == nil ? " · from the file\n" : " · chosen with `profile` (the file says \(scenario.profile.rawValue))\n"
        out += "overrides " + (state.overrides.isEmpty ? "none" : state.overrides.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", ")) + "\n"
        if let t = state.lastTrace { out += "last      \(RequestLine.describe(t.request)) → \(t.status) (request \(t.id))\n" }
        return out
    }
}
