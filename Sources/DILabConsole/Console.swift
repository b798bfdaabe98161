import DILab

/// The interpreter: one line in, one output out. It never prints, never reads the terminal, and never
/// re-implements FastAPI's semantics — every command renders or compares traces the engine produced.
public struct Console: Sendable {
    public var registry: CommandRegistry

    public init(registry: CommandRegistry = .standard) {
        self.registry = registry
    }

    public func execute(_ line: String, in state: inout ConsoleState) -> ConsoleOutput {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        // Blank lines and `#` comments let transcripts explain themselves.
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return ConsoleOutput() }
        let notice = state.reloadIfChanged() + LessonCommands.recheckIfSaved(before: trimmed, in: &state)
        var out = ConsoleOutput(notice: notice)
        do {
            out.text = try dispatch(trimmed, in: &state)
        } catch let e as ConsoleError {
            out.error = e
        } catch is QuitRequest {
            out.quit = true
        } catch let list as DiagnosticList {
            out.error = ConsoleError(list.description)
        } catch {
            out.error = ConsoleError("\(error)")
        }
        return out
    }

    func dispatch(_ line: String, in state: inout ConsoleState) throws -> String {
        let words: [String]
        do {
            words = try ShellWords.split(line)
        } catch {
            throw ConsoleError("unterminated \(error.quote) quote", hint: "close the quote, or escape it with \\")
        }
        guard let first = words.first else { return "" }
        if TogetherCommands.isTogether(words) {
            _ = try state.requireScenario()
            return try TogetherCommands.send(words, in: &state)
        }
        if RequestLine.isMethod(first) {
            return try RequestCommands.send(words, in: &state)
        }
        guard let command = registry.lookup(first) else {
            let hint = Suggest.closest(to: first.lowercased(), in: registry.words).map { "did you mean `\($0)`? (`help` lists every command)" }
                ?? "`help` lists every command"
            throw ConsoleError("unknown command '\(first)'", hint: hint)
        }
        if command.needsScenario { _ = try state.requireScenario() }
        return try command.run(&state, Invocation(args: Array(words.dropFirst()), line: line, registry: registry))
    }
}

extension CommandRegistry {
    /// The built-in commands, in the order `help` lists them.
    public static var standard: CommandRegistry {
        CommandRegistry(LoadCommands.all + BrowseCommands.all + RequestCommands.all + TogetherCommands.all + StepCommands.all
                        + ExplainCommands.all + VariantCommands.all + LessonCommands.all + HelpCommands.all)
    }
}
