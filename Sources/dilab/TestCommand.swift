import ArgumentParser
import DILab
import DILabSuite
import Foundation

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Replay scenarios as a conformance suite against their golden expectations.",
        discussion: "Prints one line per scenario and a closing 'N passed, N failed' line. Exit 0 only when all pass.")

    @Argument(help: "Scenario files or folders (default: scenarios/).", completion: .file())
    var paths: [String] = []

    @Flag(help: "Rewrite the expectations from the engine's current output (refused when CI is set).")
    var update = false

    @Option(help: "Only scenario files whose path contains this text.")
    var filter: String?

    @OptionGroup var profileOption: ProfileOption

    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Scenario files checked in parallel.")
    var jobs: Int = 1

    @Flag(help: "A scenario without `expect:` fails instead of being skipped (CI sets this).")
    var requireExpectations = false

    func run() throws {
        let profile = try profileOption.profile()
        var files: [String]
        do {
            files = try Discovery.scenarioFiles(under: paths.isEmpty ? ["scenarios"] : paths)
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(2)
        }
        if let filter {
            files = files.filter { $0.contains(filter) }
            // A typo in CI must not go green on zero scenarios.
            guard !files.isEmpty else {
                Terminal.printError("error: --filter '\(filter)' matches no scenario file under \((paths.isEmpty ? ["scenarios"] : paths).joined(separator: " "))")
                throw ExitCode(2)
            }
        }
        if update {
            guard ProcessInfo.processInfo.environment["CI"] == nil else {
                Terminal.printError(SuiteError.updateRefusedInCI.description)
                throw ExitCode(2)
            }
            try updateGoldens(files, profile: profile)
            return
        }
        var results = SuiteRunner(profileFilter: profile).check(files: files, jobs: jobs)
        if requireExpectations {
            for i in results.indices where results[i].status == .skipped && results[i].problem == "no expectations" {
                results[i].status = .failed
                results[i].problem = "no `expect:` in this scenario (--require-expectations): add one, or run `dilab test --update` locally"
            }
        }
        print(SuiteReport.text(results, style: Terminal.style()), terminator: "")
        if let junit {
            try JUnitReport.xml(results).write(toFile: junit, atomically: true, encoding: .utf8)
        }
        if results.contains(where: \.isInputError) { throw ExitCode(2) }
        if results.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
    }

    func updateGoldens(_ files: [String], profile: Profile?) throws {
        var failed = 0
        for f in files {
            do {
                let scenario = try ScenarioLoader.load(path: f)
                let text = try GoldenWriter.updated(scenario, profileFilter: profile)
                if text != scenario.sourceText {
                    try text.write(toFile: f, atomically: true, encoding: .utf8)
                    print("updated \(f)")
                } else {
                    print("unchanged \(f)")
                }
            } catch let list as DiagnosticList {
                failed += 1
                Terminal.printError(list.description)
            }
        }
        if failed > 0 { throw ExitCode(2) }
    }
}
