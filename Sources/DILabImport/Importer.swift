import DILab
import DILabExport
import Foundation

/// `dilab import`'s work: run the introspection script with the chosen Python, decode what it reports, write
/// the scenario. The script's Python goes to a temporary file; the app is imported by its own path.
public struct Importer {
    public enum Failure: Error, CustomStringConvertible {
        /// The app did not import: Python's traceback, as Python printed it.
        case importFailed(String)
        /// The app imported, but driving a recorded request through it failed (lifespan, the driver): the traceback.
        case recordFailed(String)
        case output(String)
        public var description: String {
            switch self {
            case .importFailed(let t), .recordFailed(let t), .output(let t): return t
            }
        }
    }

    public var python: PythonEnvironment
    public var appFile: String
    public var appAttribute: String?
    public var requests: [RecordRequest]

    public init(python: PythonEnvironment, appFile: String, appAttribute: String?, requests: [RecordRequest]) {
        self.python = python
        self.appFile = appFile
        self.appAttribute = appAttribute
        self.requests = requests
    }

    public func introspect() throws -> IntrospectedApp {
        let dir = NSTemporaryDirectory() + "dilab-import-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/dilab_introspect.py"
        try IntrospectionScript.source.write(toFile: script, atomically: true, encoding: .utf8)
        var argv = [python.python, script, appFile]
        if let a = appAttribute { argv += ["--app", a] }
        for r in requests { argv += ["--record", Self.specJSON(r)] }
        let result = try Subprocess.run(argv, environment: ["PYTHONDONTWRITEBYTECODE": "1"], timeout: 300)
        guard result.status == 0 else {
            let text = result.stderr.isEmpty ? "python exited \(result.status) with no output" : result.stderr
            // The script exits 3 (or Python's own 1) when the app did not import, 4 when record mode failed,
            // 5: the app imported and the introspection itself failed on something in it.
            switch result.status {
            case 4: throw Failure.recordFailed(text)
            case 5: throw Failure.output("the introspection failed on a construct it does not know:\n" + text)
            default: throw Failure.importFailed(text)
            }
        }
        guard let last = result.stdout.split(separator: "\n").last else { throw Failure.output("the introspection printed nothing") }
        do { return try IntrospectionDecoding.decode(json: String(last)) } catch { throw Failure.output("\(error)") }
    }

    /// A FastAPI no profile was observed on: which profile the scenario is written for, and why.
    public static func versionNote(_ version: String, profile: Profile) -> String? {
        if Profile.allCases.contains(where: { $0.fastapiVersion == version }) { return nil }
        return "the app runs FastAPI \(version), which no profile was observed on; the scenario uses profile \(profile.rawValue) (FastAPI \(profile.fastapiVersion))"
    }

    /// The request as the script's driver reads it: method, target, header and cookie pairs, a JSON body text.
    static func specJSON(_ r: RecordRequest) -> String {
        let pairs: ([(String, String)]) -> Value = { .array($0.map { .array([.string($0.0), .string($0.1)]) }) }
        var fields: [(String, Value)] = [("method", .string(r.method)), ("target", .string(r.target)), ("headers", pairs(r.headers)),
                                         ("cookies", pairs(r.cookies)), ("body", r.body.map { .string($0.json) } ?? .null)]
        if let script = r.webSocketScript { fields.append(("script", .array(RecordWebSocket.driverSteps(script)))) }
        return Value.object(fields).json
    }
}
