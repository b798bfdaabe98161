import ArgumentParser
import DILab
import DILabExport
import DILabSuite
import Foundation

/// `dilab verify`: real FastAPI as the judge. Each scenario is exported, run under the profile's pinned
/// FastAPI in a venv outside the repository, and compared event by event with dilab's own trace.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check scenarios against real FastAPI: export, run with the pinned version, compare.",
        discussion: """
        Venvs live in $DILAB_VENV_DIR, else $XDG_CACHE_HOME/dilab/venvs, else ~/.cache/dilab/venvs, one per
        FastAPI version, created on first use. What is compared, and what is normalised, is in docs/verify.md.
        Exit status: 0 all agree, 1 a mismatch, 2 a scenario dilab cannot read, or no Python.
        """)

    @Argument(help: "Scenario files or folders (default: scenarios/).") var paths: [String] = []
    @OptionGroup var profileOption: ProfileOption
    @Flag(help: "Only scenarios that pin the --fastapi profile (their `fastapi:` or an expectation for it).") var pinned = false
    @Option(help: "Use this Python (with FastAPI installed) instead of a managed venv.") var python: String?
    @Option(help: "Scenarios verified in parallel.") var jobs: Int = 2
    @Option(help: "Keep the exported apps here (default: a temporary folder, removed for scenarios that agree).") var keep: String?

    func run() throws {
        let profile = try profileOption.profile()
        if pinned && profile == nil { throw ValidationError("--pinned needs --fastapi PROFILE") }
        let files: [String]
        do { files = try Discovery.scenarioFiles(under: paths.isEmpty ? ["scenarios"] : paths) } catch {
            Terminal.printError("\(error)")
            throw ExitCode(2)
        }
        var plan: [(String, Profile)] = []
        for file in files {
            guard let scenario = try? ScenarioLoader.load(path: file) else {
                plan.append((file, profile ?? .latest))  // reported as an error by the verifier
                continue
            }
            if let p = profile {
                if pinned, scenario.profile != p, !scenario.expectations.contains(where: { $0.profile == p }) { continue }
                plan.append((file, p))
            } else {
                plan.append((file, scenario.profile))
            }
        }
        let work = keep ?? (NSTemporaryDirectory() + "dilab-verify-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var verifiers: [Profile: Verifier] = [:]
        for p in Set(plan.map(\.1)).sorted(by: { $0.rawValue < $1.rawValue }) {
            do {
                let env = try python.map { PythonEnvironment(python: $0) } ?? PythonEnvironment.ensure(p) { Terminal.printError($0) }
                verifiers[p] = Verifier(python: env, workDirectory: work)
            } catch {
                Terminal.printError("\(error)")
                throw ExitCode(2)
            }
        }
        let chosen = verifiers
        let outcomes = OrderedParallel.map(plan, jobs: max(1, jobs)) { chosen[$0.1]!.verify(file: $0.0, profile: $0.1) }
        let style = Terminal.style()
        for o in outcomes { print(VerifyReport.line(o, style: style)) }
        let unreadable = outcomes.filter(\.inputError).count
        let failed = outcomes.filter { !$0.passed }.count - unreadable
        print("\(outcomes.count - failed - unreadable) agreed, \(failed) mismatched" + (unreadable > 0 ? ", \(unreadable) unreadable" : ""))
        if keep == nil { try? FileManager.default.removeItem(atPath: work) }
        if unreadable > 0 { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// How one outcome is printed: a line when it agrees; the divergence and both sequences when not.
enum VerifyReport {
    static func line(_ o: Verifier.Outcome, style: Style) -> String {
        let head = "\(o.file) · FastAPI \(o.fastapiVersion) (\(o.profile.rawValue))"
        if o.passed { return style.green("ok  ") + "  \(head) · \(o.requests) requests, \(o.events) events" }
        var out = style.red("FAIL") + "  \(head)"
        if let e = o.error { out += "\n    " + e.replacingOccurrences(of: "\n", with: "\n    ") }
        for m in o.mismatches { out += "\n  " + m.description.replacingOccurrences(of: "\n", with: "\n  ") }
        return out
    }
}

