import DILab

/// One file of an export, named relative to the folder it is written to.
public struct ExportedFile: Sendable, Equatable {
    public var name: String
    public var text: String
}

/// Whether the code being written records dilab's events. A task-local, so the writers of every section (and any
/// new one) read it without threading a flag through each call; `plain()` turns it off for its own writing only.
enum ExportTracing {
    @TaskLocal static var isOff = false
}

extension FastAPIExporter {
    /// The sidecar's module name: `app.py` imports the recorder from it, and `dilab verify` writes it beside the app.
    public static let sidecarModule = "dilab_trace"

    /// `app.py` and `dilab_trace.py`: the app as a FastAPI developer would write it, plus one import line and a
    /// `python app.py --trace` hook, and dilab's recorder and driver beside it.
    public func files(appName: String = "app.py") -> [ExportedFile] {
        let sidecar = SidecarWriter(exporter: self).text(forApp: appName)
        let code = appCode()
        var w = PythonWriter()
        header(&w, tail: [
            "\(Self.sidecarModule).py, next to this file, is dilab's recorder and driver: each record(...) call below writes",
            "down one event of dilab's trace; the rest is ordinary FastAPI. `dilab export --plain` leaves the tracing out.",
        ], trace: true)
        let body = code.text + traceHook
        w.block(PythonImports.block(for: body, sidecar: (Self.sidecarModule, PythonImports.definedNames(in: sidecar))).joined(separator: "\n"))
        w.block(body)
        return [ExportedFile(name: appName, text: w.text.trimmedTrailingLines), ExportedFile(name: Self.sidecarModule + ".py", text: sidecar)]
    }

    /// One runnable file (what `dilab export` prints on standard output): the sidecar's code first, then the app.
    public func export() -> String {
        let sidecar = SidecarWriter(exporter: self)
        let code = appCode()
        var w = PythonWriter()
        header(&w, tail: [
            "The first part of this file is dilab's recorder and driver: each record(...) call writes down one event",
            "of dilab's trace; the rest is ordinary FastAPI. (`-o DIR/app.py` puts them in dilab_trace.py beside it.)",
        ], trace: true)
        w.block(sidecar.code)
        let body = code.text + traceHook
        let used = PythonImports.block(for: body)
        w.line()
        w.line()
        w.line("# ── the app " + String(repeating: "─", count: 88))
        w.line()
        w.block(used.joined(separator: "\n"))
        w.block(body)
        return w.text.trimmedTrailingLines
    }

    /// The app alone, as a FastAPI developer would write it: no recorder, no driver (`dilab export --plain`).
    public func plain() -> String {
        ExportTracing.$isOff.withValue(true) {
            let code = appCode()
            var w = PythonWriter()
            var tail = ["No tracing: export without --plain for dilab's recorder and `python app.py --trace`."]
            let builtins = PlainTemplates.unmatchedBuiltins(in: scenario)
            if !builtins.isEmpty {
                tail.append("dilab's " + builtins.map { "{{\($0)}}" }.joined(separator: ", ") + " have no plain-FastAPI equivalent: read as None here.")
            }
            header(&w, tail: tail, trace: false)
            var body = PythonWriter.droppingUnreadMessages(PythonWriter.fillingEmptyBlocks(code.text))
            let used = PythonNames.used(in: body)
            var globals: [String] = []
            if used.contains("CALLS") { globals.append("CALLS: Counter = Counter()  # how many times each body has run (dilab's {{call}})") }
            if used.contains("STATE") { globals.append("STATE: dict = {}  # what the lifespan sets (dilab's {{state}})") }
            if !globals.isEmpty { body = "\n\n" + globals.joined(separator: "\n") + "\n" + body }
            w.block(PythonImports.block(for: body).joined(separator: "\n"))
            w.block(body)
            return w.text.trimmedTrailingLines
        }
    }

    /// `python app.py --trace`: the sidecar's driver sends the scenario's requests through this app.
    var traceHook: String {
        "\n\nif __name__ == \"__main__\":  # python app.py --trace: dilab's driver sends the scenario's requests\n    run_trace(app, globals())\n"
    }

    /// The module docstring: the scenario's title and description (escaped: scenario data stays inside it), and how to run the app.
    func header(_ w: inout PythonWriter, tail: [String], trace: Bool) {
        let title = scenario.name.isEmpty ? "a dilab scenario" : scenario.name
        w.block("\"\"\"" + PythonSyntax.docstring(title))
        if !scenario.description.isEmpty {
            w.line()
            w.block(PythonSyntax.docstring(scenario.description.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        w.line()
        w.block("Exported by dilab from \(PythonSyntax.docstring(scenario.file)) for FastAPI \(profile.fastapiVersion) (profile \(profile.rawValue)).")
        w.line()
        w.line("    pip install \"fastapi==\(profile.fastapiVersion)\" uvicorn")
        w.line("    uvicorn app:app             # serve it" + (trace ? "; each event is printed as it happens" : ""))
        if trace {
            w.line("    python app.py --trace       # send the scenario's requests, print the events as JSON")
        }
        w.line()
        if trace { w.line("Durations are real under uvicorn (DILAB_TIME_SCALE=0.1 makes them ten times shorter).") }
        for l in tail { w.line(l) }
        w.line("\"\"\"")
    }
}

extension String {
    /// Exactly one newline at the end.
    var trimmedTrailingLines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s + "\n"
    }
}
