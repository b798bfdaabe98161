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
        --to fastapi   one app.py: real Depends, yield dependencies, routers,
                       BackgroundTasks... plus a recorder. Run it with
                       `uvicorn app:app`, or `python app.py --trace` for its events.
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
    @OptionGroup var profileOption: ProfileOption

    func run() throws {
        let app = try loadApp(scenario, profile: try profileOption.profile())
        let text: String
        switch target {
        case .fastapi: text = FastAPIExporter(scenario: app.scenario, profile: app.profile).export()
        case .mermaid: text = GraphRenderer.render(app, format: .mermaid)
        case .dot: text = GraphRenderer.render(app, format: .dot)
        case .chrome: text = ChromeTraceExporter.export(Engine.run(app))
        case .html: text = HTMLTimelineExporter.export(Engine.run(app), app: app)
        }
        if let output {
            do {
                // `-o /tmp/app/app.py` as the README writes it: the folder is made if it is not there.
                let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                Terminal.printError("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            Terminal.printError("wrote \(output)" + (target == .fastapi ? " — run it: uvicorn \(Self.module(output)):app, or python \(output) --trace" : ""))
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
