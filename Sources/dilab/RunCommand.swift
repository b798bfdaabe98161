import ArgumentParser
import DILab
import DILabConsole
import DILabSuite
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate a scenario's requests and print the trace.",
        discussion: "Exit codes: 0 the simulation ran (even if the simulated app fails, that is its trace), 2 bad input.")

    @Argument(help: "The scenario file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String

    @Option(name: .customLong("request"), help: "A request to simulate instead of the file's, e.g. 'GET /users/1?q=x'. Repeatable.")
    var requests: [String] = []

    @Option(name: .customShort("H"), help: "A header for --request, 'Name: value'. Repeatable.")
    var headers: [String] = []

    @Option(name: .customLong("cookie"), help: "A cookie for --request, name=value. Repeatable.")
    var cookies: [String] = []

    @Option(name: .customLong("body"), help: "A JSON body for --request.")
    var body: String?

    @OptionGroup var profileOption: ProfileOption

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "After the trace, draw the run on a time axis: one lane per request (and per slot or pool), each yield resource's hold, the handler, the stream, the tasks, waits and disconnects.")
    var timeline = false

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        try Self.trace(scenario, profile: try profileOption.profile(), format: format, timeline: timeline,
                       requests: try self.requests.map { try parseRequest($0, headers: headers, cookies: cookies, body: body) })
    }

    static func trace(_ scenario: String, profile: Profile?, format: OutputFormat, timeline: Bool = false, requests: [RequestSpec] = []) throws {
        let app = try loadApp(scenario, profile: profile)
        let result = Engine.run(app, requests: requests.isEmpty ? nil : requests)
        switch format {
        case .text:
            let style = Terminal.style()
            print(TextRenderer(style: style).render(result), terminator: "")
            if timeline, result.appErrors.isEmpty {
                print("\n" + LaneTimelineRenderer.render(Lanes.build(result, app: app), style: style), terminator: "")
            }
            // Resources pinned far beyond their last use (text only: the JSON trace and the goldens never carry these).
            let warnings = HoldAnalysis.warnings(result, app: app)
            if !warnings.isEmpty { print("\n" + warnings.map { style.yellow($0.text) }.joined(separator: "\n"), terminator: "") }
        case .json: print(JSONRenderer.render(result), terminator: "")
        }
    }

    /// `dilab run FILE [--format text|json] [--fastapi PROFILE] [--timeline]`, read without ArgumentParser: building its parser
    /// (type lookups over every conformance in the binary) was a fifth of a small run's start-up. Anything else
    /// (another option, `--name=value`, `-h`, a repeat, a value ArgumentParser would refuse) returns nil and takes
    /// the ordinary path, so every message and exit code stays ArgumentParser's.
    static func quick(_ arguments: [String]) -> (() throws -> Void)? {
        guard arguments.first == "run" else { return nil }
        var file: String?, format: OutputFormat?, profileName: String?, timeline = false
        var rest = arguments.dropFirst()
        while let word = rest.popFirst() {
            switch word {
            case "--format":
                guard format == nil, let value = rest.popFirst(), let f = OutputFormat(rawValue: value) else { return nil }
                format = f
            case "--fastapi":
                guard profileName == nil, let value = rest.popFirst(), !value.hasPrefix("-"), Profile(name: value) != nil else { return nil }
                profileName = value
            case "--timeline":
                guard !timeline else { return nil }
                timeline = true
            default:
                guard file == nil, !word.hasPrefix("-"), word != "help" else { return nil }
                file = word
            }
        }
        guard let file else { return nil }
        return { try trace(file, profile: try ProfileOption.profile(named: profileName), format: format ?? .text, timeline: timeline) }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate scenarios: YAML, names, cycles, scope rules. Exit 2 on any problem.")

    @Argument(help: "Scenario files.", completion: .file(extensions: ["yaml", "yml"]))
    var scenarios: [String]

    @OptionGroup var profileOption: ProfileOption

    func run() throws {
        let profile = try profileOption.profile()
        var failed = 0
        for path in scenarios {
            switch Self.outcome(path, profile: profile) {
            case .ok(let warnings):
                if !warnings.isEmpty { Terminal.printError(warnings.map(\.description).joined(separator: "\n")) }
                print("ok  \(path)")
            case .expectedAppErrors(let messages):
                // The file says FastAPI refuses this app (`expect_app_errors`), and it does: that is what it teaches.
                print("ok  \(path) (expected app error: \(messages.joined(separator: "; ")))")
            case .problems(let diagnostics):
                failed += 1
                Terminal.printError(diagnostics.map(\.description).joined(separator: "\n"))
                print("bad \(path): \(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s")")
            }
        }
        if failed > 0 { throw ExitCode(2) }
    }

    enum Outcome { case ok(warnings: [Diagnostic]), expectedAppErrors([String]), problems([Diagnostic]) }

    static func outcome(_ path: String, profile: Profile?) -> Outcome {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(path: path)
        } catch let list as DiagnosticList {
            return .problems(list.diagnostics)
        } catch {
            return .problems([Diagnostic(location: SourceLocation(file: path, line: 0, column: 0), rule: "internal", message: "\(error)")])
        }
        let all = Validator.check(scenario, profile: profile)
        let diagnostics = all.filter { $0.severity == .error }
        let warnings = all.filter { $0.severity == .warning }
        // `expect:` is checked too: unknown event kinds, expectations for requests the file does not send.
        let expectations = ExpectationCheck.diagnostics(scenario)
        let messages = diagnostics.map(\.message)
        let expectedOnly = !scenario.expectedAppErrors.isEmpty && messages == scenario.expectedAppErrors
        if !expectations.isEmpty { return .problems((expectedOnly ? [] : diagnostics) + expectations) }
        if diagnostics.isEmpty { return .ok(warnings: warnings) }
        return expectedOnly ? .expectedAppErrors(messages) : .problems(diagnostics)
    }
}
