import ArgumentParser
import DILab
import DILabConsole
import Foundation

/// Options every scenario-running command shares.
struct ProfileOption: ParsableArguments {
    @Option(name: .customLong("fastapi"), help: "FastAPI semantics profile: latest (0.165), 0.120, 0.115, 0.105, or a version such as 0.110 (the profile covering it).")
    var fastapi: String?

    func profile() throws -> Profile? { try Self.profile(named: fastapi) }

    static func profile(named fastapi: String?) throws -> Profile? {
        guard let fastapi else { return nil }
        guard let p = Profile(name: fastapi) else {
            throw ValidationError("unknown FastAPI profile '\(fastapi)'; use one of: " + Profile.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // A version rather than a profile's name: say which profile it chose and why (on stderr, so pipes stay clean).
        if let note = ProfileChoice.note(for: fastapi, profile: p) { Terminal.printError("note: " + note) }
        return p
    }
}

enum Terminal {
    /// Colour only on a terminal, and never with NO_COLOR set.
    static func style(for handle: Int32 = STDOUT_FILENO) -> Style {
        Style(enabled: isatty(handle) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Loads and compiles a scenario, printing diagnostics and exiting 2 on input errors.
func loadApp(_ path: String, profile: Profile?) throws -> CompiledApp {
    do {
        let scenario = try ScenarioLoader.load(path: path)
        return try Validator.compile(scenario, profile: profile)
    } catch let list as DiagnosticList {
        Terminal.printError(list.description)
        Terminal.printError("\(list.diagnostics.count) error\(list.diagnostics.count == 1 ? "" : "s") in \(path)")
        throw ExitCode(2)
    }
}

/// Parses `GET /x?q=1` plus repeated `-H 'K: V'`, `--cookie k=v` and `--body JSON` into a request. The body stays
/// bytes: the engine decodes it as FastAPI would, so a malformed one is FastAPI's 422 `json_invalid`.
func parseRequest(_ line: String, headers: [String], cookies: [String], body: String?) throws -> RequestSpec {
    let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
    guard parts.count == 2, parts[1].hasPrefix("/") else {
        throw ValidationError("bad request '\(line)': write the method and the target, e.g. 'GET /items/7?q=x'")
    }
    var spec = RequestSpec(method: parts[0].uppercased(), target: parts[1])
    for h in headers {
        let kv = h.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard kv.count == 2 else { throw ValidationError("bad header '\(h)': write 'Name: value'") }
        spec.headers.append((kv[0], kv[1]))
    }
    for c in cookies {
        let kv = c.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2 else { throw ValidationError("bad cookie '\(c)': write name=value") }
        spec.cookies.append((kv[0], kv[1]))
    }
    if let body { spec.setJSONBody(text: body) }
    return spec
}
