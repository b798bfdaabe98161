import DILab

/// `dilab_trace.py`: dilab's recorder, the scenario's requests and the drivers that send them, in one module next to
/// `app.py`. The app imports the recorder's names from it and calls `run_trace(app, globals())` under `--trace`.
struct SidecarWriter {
    let exporter: FastAPIExporter

    /// The module's code without its docstring (also what `export()` puts above the app in one file).
    var code: String {
        var w = PythonWriter()
        w.block(PythonRuntime.recorder)
        if exporter.hasWebSockets { w.block(PythonRuntime.webSocketHelpers) }
        if !exporter.scenario.pools.isEmpty { w.block(PythonRuntime.connectionPool) }
        exporter.requests(into: &w)
        w.block(PythonRuntime.driver)
        if exporter.hasWebSocketRequests { w.block(PythonRuntime.webSocketDriver) }
        if exporter.drivesTogether {
            if !exporter.hasWebSocketRequests { w.line("_connection_at = None  # no websocket connection among the requests") }
            w.block(PythonRuntime.concurrentDriver)
        }
        runTrace(into: &w)
        return w.text
    }

    func text(forApp appName: String) -> String {
        let module = PythonSyntax.docstring(FastAPIExporter.module(appName))
        var w = PythonWriter()
        w.line("\"\"\"dilab's recorder and driver for \(PythonSyntax.docstring(appName)) (exported from \(PythonSyntax.docstring(exporter.scenario.file))).")
        w.line()
        w.line("\(module).py imports the recorder's functions from here; `python \(PythonSyntax.docstring(appName)) --trace` calls run_trace, which sends")
        w.line("the scenario's requests through the app as raw ASGI calls and prints every event as JSON.")
        w.line("\"\"\"")
        w.block(code)
        return w.text.trimmedTrailingLines
    }

    func runTrace(into w: inout PythonWriter) {
        w.line()
        w.line()
        w.line("def run_trace(the_app, namespace: dict) -> None:")
        w.indented { w in
            w.line("\"\"\"Under --trace: the scenario's requests through `the_app`, every event printed as JSON (else nothing).\"\"\"")
            w.line("global app, PROVIDERS")
            w.line("if not TRACE_MODE:")
            w.indented { $0.line("return") }
            w.line("app = the_app")
            w.line("PROVIDERS = {name: namespace[name] for name in PROVIDER_NAMES}")
            // An abandoned generator in a reference cycle is closed whenever the cyclic collector happens to run,
            // which depends on allocation counts: its cleanup would show up at a different event from run to run
            // (seen on 0.115's cancelled sync setup). dilab models no garbage collector, so the driver runs without it.
            w.line("gc.disable()  # a run is repeatable: no generator is closed by the cyclic collector mid-run")
            if exporter.drivesTogether {
                w.line("print(json.dumps(asyncio.run(_drive_together()), ensure_ascii=False), flush=True)")
                w.line("os._exit(0)  # a hung request may still hold a worker thread")
            } else {
                w.line("print(json.dumps(asyncio.run(_drive()), ensure_ascii=False))")
            }
        }
    }
}

extension FastAPIExporter {
    /// `out/app.py` → `app`.
    static func module(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".py") ? String(file.dropLast(3)) : file
    }
}
