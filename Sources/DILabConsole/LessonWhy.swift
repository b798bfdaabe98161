import DILab
import DILabLessons
import Foundation

/// `why …` at the lesson prompt: the REPL's own `explain` command, run on a session that has sent the step's
/// requests, so a lesson explains an event exactly as the REPL does (one implementation, no copy).
public enum LessonWhy {
    /// The explanation, or the explainer's error with its hint; plain text for the loop to print.
    public static func explain(_ question: WhyQuestion, style: Style = .plain) -> String {
        var state = ConsoleState(style: style)
        state.chosenProfile = question.source.profile
        do {
            _ = try state.load(path: question.scenarioPath)
            try replay(question.source, in: &state)
        } catch let e as ConsoleError {
            return e.description
        } catch {
            return "\(error)"
        }
        let out = Console().execute("explain " + question.query, in: &state)
        if let e = out.error { return e.description }
        return out.text
    }

    /// Sends the scenario's requests up to the step's occurrence of its request line, as `TraceProbe` runs
    /// them (so call counters and lru_cache values match what the lesson showed); a line the file does not
    /// send goes last, on its own.
    static func replay(_ source: TraceSource, in state: inout ConsoleState) throws {
        guard let line = source.request, let scenario = state.scenario else { return }
        var seen = 0
        for r in scenario.requests {
            _ = try RequestCommands.run(r, in: &state)
            if r.line == line {
                seen += 1
                if seen == source.occurrence { return }
            }
        }
        _ = try RequestCommands.send(try ShellWords.split(line), in: &state)
    }
}
