import DILab

/// `help` and `quit`.
enum HelpCommands {
    static let all: [ConsoleCommand] = [help, quit]

    static let help = ConsoleCommand(
        name: "help", aliases: ["?", "h"], usage: "help [COMMAND]",
        summary: "List the commands, or show one command with examples.",
        examples: ["help", "help explain"],
        arguments: [[.command]]
    ) { state, call in
        let style = state.style
        if let name = call.args.first {
            if RequestLine.isMethod(name), let r = call.registry.lookup("request") { return detail(r, style: style) }
            guard let c = call.registry.lookup(name) else {
                throw ConsoleError("no command '\(name)'", hint: Suggest.closest(to: name, in: call.registry.words).map { "did you mean `\($0)`?" })
            }
            return detail(c, style: style)
        }
        var out = style.bold("dilab REPL") + " — FastAPI dependency injection, one request at a time. Tab completes; Ctrl-C cancels the line, Ctrl-D leaves.\n"
        out += "Several at once, on one event loop: `GET /a & GET /b @100ms`, `burst 3 GET /a`.\n\n"
        let width = call.registry.commands.map(\.name.count).max() ?? 8
        for c in call.registry.commands {
            out += "  " + style.bold(c.name.padding(toLength: width, withPad: " ", startingAt: 0)) + "  " + c.summary + "\n"
        }
        out += "\n" + style.bold("try") + "\n" + [
            "load scenarios/seeds/db-session-read-user.yaml",
            "GET /users/1",
            "timeline",
            "step",
            "explain get_db",
            "diff 0.115",
        ].map { "  " + $0 + "\n" }.joined()
        out += style.dim("`help COMMAND` shows its usage and examples.") + "\n"
        return out
    }

    static func detail(_ c: ConsoleCommand, style: Style) -> String {
        var out = style.bold(c.name == "request" ? c.usage : c.usage) + "\n  " + c.summary + "\n"
        if !c.aliases.isEmpty { out += "  also: " + c.aliases.joined(separator: ", ") + "\n" }
        if !c.examples.isEmpty { out += "  examples:\n" + c.examples.map { "    " + $0 + "\n" }.joined() }
        return out
    }

    static let quit = ConsoleCommand(name: "quit", aliases: ["exit", "q"], usage: "quit", summary: "Leave the REPL (Ctrl-D does too).") { _, call in
        try call.requireNoArguments("quit")
        throw QuitRequest()
    }
}
