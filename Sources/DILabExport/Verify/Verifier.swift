import DILab
import Foundation

/// The differential check: simulate a scenario, export it, run the export under real FastAPI, compare.
public struct Verifier: Sendable {
    public struct Outcome: Sendable {
        public var file: String
        public var profile: Profile
        public var fastapiVersion: String
        public var requests: Int
        public var events: Int
        public var mismatches: [Mismatch]
        /// The scenario could not be verified at all (bad file, Python failed): reported, and counted as a failure.
        public var error: String?
        /// The error is in the scenario file itself (dilab cannot load it), not in the comparison.
        public var inputError = false
        public var passed: Bool { error == nil && mismatches.isEmpty }
    }

    public var python: PythonEnvironment
    public var workDirectory: String

    public init(python: PythonEnvironment, workDirectory: String) {
        self.python = python
        self.workDirectory = workDirectory
    }

    public func verify(file: String, profile: Profile) -> Outcome {
        var outcome = Outcome(file: file, profile: profile, fastapiVersion: profile.fastapiVersion, requests: 0, events: 0, mismatches: [])
        do {
            let scenario = try ScenarioLoader.load(path: file)
            let app = try Validator.compile(scenario, profile: profile)
            let expected = ComparableRun(Engine.run(app), app: app)
            let exporter = FastAPIExporter(scenario: app.scenario, profile: profile)
            // Its own folder per scenario and profile: the app and its sidecar (dilab_trace.py), as `dilab export -o` writes them.
            let folder = workDirectory + "/" + Self.moduleName(file, profile)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for f in exporter.files() { try f.text.write(toFile: folder + "/" + f.name, atomically: true, encoding: .utf8) }
            let appFile = folder + "/app.py"
            // Requests on a real clock: a machine busy enough to delay a wake-up by the ordering margin can make one
            // run disagree, so a disagreeing run is repeated; the scenario fails only when every run disagrees.
            let attempts = exporter.drivesTogether ? 1 + Self.concurrentRetries : 1
            for attempt in 1...attempts {
                let result = try python.trace(appFile: appFile, timeScale: exporter.drivesTogether ? Self.timeScale : 0)
                let lastLine = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
                guard let json = Value.parse(json: lastLine) else {
                    outcome.error = "the exported app (\(appFile)) exited \(result.status) without a trace:\n" + Self.tail(result.stderr)
                    return outcome
                }
                outcome.fastapiVersion = json["fastapi"]?.text ?? "?"
                let actual = try ComparableRun(driverOutput: json)
                outcome.requests = expected.requests.count
                outcome.events = expected.requests.reduce(expected.startup.count + expected.shutdown.count) { $0 + $1.events.count }
                outcome.mismatches = Comparison.compare(dilab: expected, fastapi: actual)
                if outcome.mismatches.isEmpty || attempt == attempts { break }
            }
            if outcome.passed { try? FileManager.default.removeItem(atPath: folder) }
        } catch let list as DiagnosticList {
            outcome.error = list.description
            outcome.inputError = true
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    /// Real milliseconds per virtual millisecond when the requests overlap: slow enough that thread hand-offs
    /// (a fraction of a millisecond) stay far below `Comparison.orderingMargin`.
    public static let timeScale = 3.0
    /// How many more times a disagreeing run of overlapping requests is repeated before it counts.
    public static let concurrentRetries = 2

    /// `scenarios/seeds/db-session.yaml` under 0.115 → `seeds_db_session_0115`: readable and unique per run.
    static func moduleName(_ file: String, _ profile: Profile) -> String {
        let parts = (file as NSString).deletingPathExtension.split(separator: "/").suffix(2).joined(separator: "_")
        let name = String(parts.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return name + "_" + profile.rawValue.replacingOccurrences(of: ".", with: "")
    }

    static func tail(_ text: String, lines: Int = 15) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).map { "    " + $0 }.joined(separator: "\n")
    }
}
