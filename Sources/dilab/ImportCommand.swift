import ArgumentParser
import DILab
import DILabExport
import DILabImport
import Foundation

/// `dilab import`: a real FastAPI app becomes a scenario. The app is imported in a Python with FastAPI (the
/// profile's managed venv, as `verify` uses, or `--python`), its routes and Dependants are read as FastAPI
/// built them, and with `--record` the given requests run through it to fill in values, raises and `expect:`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a scenario from a real FastAPI app: its routes and dependency trees, and with --record what its requests did.",
        discussion: """
        The app file is imported as a module (a package's relative imports work); --app module:attr names the
        FastAPI instance as uvicorn does. --record takes `METHOD /target` or a JSON object
        {"request": "GET /items/", "headers": {...}, "cookies": {...}, "body": ...}, once per request.
        What introspection cannot know is written as a PLACEHOLDER; what dilab cannot model is a comment in the
        scenario and a warning here. Exit status: 0 written, 2 the app did not import or bad arguments.
        See docs/import.md.
        """)

    @Argument(help: "The app's Python file.") var appFile: String
    @Option(name: .customLong("app"), help: "module:attr (or attr) of the FastAPI instance (default: `app`, else the first FastAPI found).") var appSpec: String?
    @Option(name: .shortAndLong, help: "Write the scenario here instead of standard output.") var output: String?
    @Option(name: .customLong("record"), help: "A request to run through the real app (repeatable).") var records: [String] = []
    @Option(help: "Use this Python (with FastAPI installed) instead of a managed venv.") var python: String?
    @OptionGroup var profileOption: ProfileOption

    func run() throws {
        let requests: [RecordRequest]
        do { requests = try records.map(RecordRequestParser.parse) } catch {
            Terminal.printError("\(error)")
            throw ExitCode(2)
        }
        guard FileManager.default.fileExists(atPath: appFile) else {
            Terminal.printError("error: no such file: \(appFile)")
            throw ExitCode(2)
        }
        let chosen = try profileOption.profile()
        let app: IntrospectedApp
        do {
            let env = try python.map { PythonEnvironment(python: $0) } ?? PythonEnvironment.ensure(chosen ?? .latest) { Terminal.printError($0) }
            app = try Importer(python: env, appFile: appFile, appAttribute: appSpec, requests: requests).introspect()
        } catch let failure as Importer.Failure {
            switch failure {
            case .importFailed: Terminal.printError("error: \(appFile) could not be imported:\n" + failure.description)
            case .recordFailed: Terminal.printError("error: \(appFile) imported, but running the recorded requests failed:\n" + failure.description)
            case .output: Terminal.printError("error: reading \(appFile): " + failure.description)
            }
            throw ExitCode(2)
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(2)
        }
        let profile = chosen ?? Profile(name: app.fastapiVersion) ?? .latest
        if let note = Importer.versionNote(app.fastapiVersion, profile: profile) { Terminal.printError("note: " + note) }
        var writer = ScenarioWriter(app: app, sourceFile: appFile, profile: profile, requests: requests)
        let text = writer.write()
        for w in writer.warnings { Terminal.printError("warning: " + w) }
        if let output {
            do {
                try FileManager.default.createDirectory(at: URL(fileURLWithPath: output).deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                Terminal.printError("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            Terminal.printError("wrote \(output) — next: dilab check \(output)" + (requests.isEmpty ? "" : "; dilab test \(output); dilab verify \(output)"))
        } else {
            print(text, terminator: "")
        }
    }

}

/// `GET /items/?q=1`, or a JSON object with `request`, `headers`, `cookies` and `body`.
enum RecordRequestParser {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: String) throws -> RecordRequest {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{"), let v = Value.parse(json: trimmed), case .string(let path)? = v["websocket"] {
            // A websocket connection: `{"websocket": "/ws", "script": [{"send": "hi"}, "receive", {"close": 1000}]}`.
            guard path.hasPrefix("/"), !path.contains(where: \.isWhitespace) else {
                throw Failure(description: "error: --record '\(text)': \"websocket\" must be a path such as \"/ws\"")
            }
            if let problem = RecordWebSocket.scriptProblem(v["script"]) {
                throw Failure(description: "error: --record '\(text)': \(problem)")
            }
            var r = RecordRequest(method: "WEBSOCKET", target: path)
            r.headers = try pairs(v["headers"], "headers", text)
            r.cookies = try pairs(v["cookies"], "cookies", text)
            r.webSocketScript = v["script"] ?? .array([])
            return r
        }
        if trimmed.hasPrefix("{") {
            guard let v = Value.parse(json: trimmed), case .object = v, case .string(let line)? = v["request"] else {
                throw Failure(description: "error: --record '\(text)': expected a JSON object with \"request\": \"METHOD /path\"")
            }
            var r = try parse(line)
            r.headers = try pairs(v["headers"], "headers", text)
            r.cookies = try pairs(v["cookies"], "cookies", text)
            r.body = v["body"]
            return r
        }
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }), parts[1].hasPrefix("/"), !parts[1].contains(" ") else {
            throw Failure(description: "error: --record '\(text)': expected `METHOD /path`, e.g. --record 'GET /users/1'")
        }
        return RecordRequest(method: parts[0], target: parts[1])
    }

    static func pairs(_ v: Value?, _ what: String, _ text: String) throws -> [(String, String)] {
        guard let v else { return [] }
        guard case .object(let p) = v else { throw Failure(description: "error: --record '\(text)': \(what) must be an object of strings") }
        return try p.map { k, value in
            guard case .string(let s) = value else { throw Failure(description: "error: --record '\(text)': \(what).\(k) must be a string") }
            return (k, s)
        }
    }
}
