import ArgumentParser
import DILab
import DILabExport
import Foundation

/// `dilab export`: the scenario leaves dilab as a FastAPI app, a Mermaid graph or a Chrome trace.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a scenario: a runnable FastAPI app, a Mermaid or DOT graph, a Chrome trace or an HTML timeline.",
        discussion: """
        --to fastapi   a FastAPI app: real Depends, yield dependencies, routers,
                       BackgroundTasks... with a record(...) line per event.
                       With -o DIR/app.py, dilab's recorder and driver go to
                       DIR/dilab_trace.py beside it; on standard output they
                       come first in one file. Run it with `uvicorn app:app`,
                       or `python app.py --trace` for its events.
                       --plain: the app alone, no tracing at all.
        --to mermaid   every route's dependency graph (= dilab graph --format mermaid)
        --to dot       the same graph for Graphviz
        --to chrome    the simulated trace for about:tracing or Perfetto
                       (one track per request)
        --to html      the run's timeline as one self-contained page: a lane
                       per request (and per slot or pool), yield holds, the
                       handler, stream, tasks, waits, disconnects; no scripts
        """)

    @Argument(help: "The scenario file.") var scenario: String
    @Option(name: .customLong("to"), help: "fastapi | mermaid | dot | chrome | html") var target: ExportTarget = .fastapi
    @Option(name: .shortAndLong, help: "Write here instead of standard output.") var output: String?
    @Flag(name: .customLong("plain"), help: "With --to fastapi: the app alone, without dilab's recorder or driver (no tracing).")
    var plain = false
    @OptionGroup var profileOption: ProfileOption

    func run() throws {
        let app = try loadApp(scenario, profile: try profileOption.profile())
        if plain && target != .fastapi {
            Terminal.printError("--plain is for --to fastapi (the other targets have no tracing to leave out)")
            throw ExitCode(2)
        }
        let text: String
        var beside: [ExportedFile] = []
        switch target {
        case .fastapi:
            let exporter = FastAPIExporter(scenario: app.scenario, profile: app.profile)
            if plain {
                text = exporter.plain()
            } else if let output {
                // Written to a file: the recorder and the driver go to their own module beside it.
                let files = exporter.files(appName: (output as NSString).lastPathComponent)
                text = files[0].text
                beside = Array(files.dropFirst())
            } else {
                text = exporter.export()
            }
        case .mermaid: text = GraphRenderer.render(app, format: .mermaid)
        case .dot: text = GraphRenderer.render(app, format: .dot)
        case .chrome: text = ChromeTraceExporter.export(Engine.run(app))
        case .html: text = HTMLTimelineExporter.export(Engine.run(app), app: app)
        }
        if let output {
            // `-o /tmp/app/app.py` as the README writes it: the folder is made if it is not there.
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try text.write(toFile: output, atomically: true, encoding: .utf8)
                for f in beside { try f.text.write(to: folder.appendingPathComponent(f.name), atomically: true, encoding: .utf8) }
            } catch {
                Terminal.printError("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            let also = beside.map { " and " + (folder.appendingPathComponent($0.name).path) }.joined()
            let run = plain ? " — run it: uvicorn \(Self.module(output)):app" : " — run it: uvicorn \(Self.module(output)):app, or python \(output) --trace"
            Terminal.printError("wrote \(output)\(also)" + (target == .fastapi ? run : ""))
        } else {
            print(text, terminator: "")
        }
    }

    static func module(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}

enum ExportTarget: String, ExpressibleByArgument, CaseIterable {
    case fastapi, mermaid, dot, chrome, html
}
