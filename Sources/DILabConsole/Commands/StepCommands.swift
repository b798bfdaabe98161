import DILab
import DILabSuite
import Foundation

/// `step`, `next`, `back`, `timeline`: walk the last request event by event, each with the rule behind it.
enum StepCommands {
    static let all: [ConsoleCommand] = [step, next, back, timeline]

    static let step = ConsoleCommand(
        name: "step", usage: "step [next|back|first|last|N]",
        summary: "Walk the last request event by event (forwards or backwards); shows the event, its neighbours and the rule that places it.",
        examples: ["step", "step back", "step 5", "step last"],
        arguments: [[.words(["next", "back", "first", "last"]), .eventNumber]]
    ) { state, call in
        try move(call.args.first ?? "next", in: &state)
    }

    static let next = ConsoleCommand(name: "next", aliases: ["n"], usage: "next", summary: "Same as `step next`.") { state, call in
        try call.requireNoArguments("next")
        return try move("next", in: &state)
    }

    static let back = ConsoleCommand(name: "back", aliases: ["b", "prev", "p"], usage: "back", summary: "Same as `step back`.") { state, call in
        try call.requireNoArguments("back")
        return try move("back", in: &state)
    }

    static let timeline = ConsoleCommand(
        name: "timeline", aliases: ["tl"], usage: "timeline",
        summary: "Draw the last request: each yield resource's lifetime, the handler and the background tasks against the moment the response was sent. After `burst` or `GET /a & GET /b`: one lane per request (and per slot or pool) on one time axis."
    ) { state, call in
        try call.requireNoArguments("timeline")
        if let run = state.lastRun, let app = state.app {
            return LaneTimelineRenderer.render(Lanes.build(run, app: app), style: state.style)
        }
        return TimelineRenderer.render(try state.requireTrace(), style: state.style)
    }

    static func move(_ how: String, in state: inout ConsoleState) throws -> String {
        let trace = try state.requireTrace()
        let events = state.numberedEvents
        guard !events.isEmpty else { throw ConsoleError("the last request has no events to step through") }
        let current = state.cursor
        let target: Int
        switch how.lowercased() {
        case "next", "n", "forward":
            target = (current ?? 0) + 1
            guard target <= events.count else {
                throw ConsoleError("already at the last event (\(events.count))", hint: "`step back` goes backwards; `step first` starts again")
            }
        case "back", "b", "prev", "p", "previous":
            target = (current ?? 1) - 1
            guard target >= 1 else { throw ConsoleError("already at the first event", hint: "`step next` goes forwards") }
        case "first": target = 1
        case "last": target = events.count
        default:
            guard let n = Int(how.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
                throw ConsoleError("step takes next, back, first, last or an event number, not '\(how)'")
            }
            // A number names an event, so out of range says the range rather than where the cursor is.
            let range = "events are numbered 1–\(events.count); `show` lists them"
            guard n >= 1 else { throw ConsoleError("no event #\(n)", hint: range) }
            guard n <= events.count else { throw ConsoleError("there are only \(events.count) events", hint: range) }
            target = n
        }
        state.cursor = target
        return render(trace, events: events, at: target, style: state.style)
    }

    static func render(_ trace: RequestTrace, events: [TraceEvent], at n: Int, style: Style) -> String {
        var out = style.dim("event \(n) of \(events.count) · \(trace.request.line) (request \(trace.id), profile \(trace.profile.rawValue))") + "\n"
        if n > 1 { out += style.dim("  " + TraceView.line(events[n - 2], number: n - 1, style: .plain).trimmingTrailingNewline) + "\n" }
        out += style.bold("▶ ") + TraceView.line(events[n - 1], number: n, style: style)
        if n < events.count { out += style.dim("  " + TraceView.line(events[n], number: n + 1, style: .plain).trimmingTrailingNewline) + "\n" }
        let e = events[n - 1]
        if let rule = Rules.governing(e, profile: trace.profile) {
            out += Wrap.paragraph("rule: " + rule.title + " — " + rule.text, indent: 2, hanging: 8, bold: rule.title, style: style)
            out += style.dim("        see: \(RuleDocs.citation(rule))") + "\n"
        } else if e.kind == .request {
            out += "  the request arrives\n"
        }
        if n == events.count { out += style.dim("  (last event; `step back` or `explain \(n)`)") + "\n" }
        return out
    }
}
