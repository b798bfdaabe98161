import DILab
import Foundation

/// A Python with one pinned FastAPI, in a venv outside the repository (`~/.cache/dilab/venvs/<version>`),
/// created on first use. `DILAB_VENV_DIR` moves the venvs; `--python` uses an interpreter as it is.
public struct PythonEnvironment: Sendable {
    public var python: String

    public init(python: String) { self.python = python }

    /// What pip installs for each profile: the FastAPI release its behaviour was observed on.
    public static func requirements(_ profile: Profile) -> [String] {
        var r = ["fastapi==\(profile.fastapiVersion)"]
        if profile == .v0_105 { r.append("httpx<0.28") }
        // pydantic's EmailStr (`models:`) needs it; pinned, since its messages are what dilab reproduces.
        r.append("email-validator==2.4.0")
        return r
    }

    public static func venvRoot() -> String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["DILAB_VENV_DIR"], !dir.isEmpty { return dir }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return cache + "/dilab/venvs"
    }

    /// The venv for a profile, created (python3 -m venv, pip install) when missing. Progress goes to `log`.
    public static func ensure(_ profile: Profile, log: (String) -> Void) throws -> PythonEnvironment {
        let dir = venvRoot() + "/fastapi-" + profile.fastapiVersion
        let python = dir + "/bin/python"
        let marker = dir + "/.dilab-ready"
        let wanted = requirements(profile).joined(separator: "\n")
        if let ready = FileManager.default.contents(atPath: marker) {
            if String(decoding: ready, as: UTF8.self) == wanted { return PythonEnvironment(python: python) }
            // A venv made before a requirement was added (email-validator): install what is missing in place.
            log("updating \(dir) (pip install \(requirements(profile).joined(separator: " "))) ...")
            let r = try Subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + requirements(profile), timeout: 900)
            guard r.status == 0 else { throw VerifyError.setup("pip install \(requirements(profile).joined(separator: " ")) failed in \(dir):\n\(r.stderr)") }
            _ = FileManager.default.createFile(atPath: marker, contents: Data(wanted.utf8))
            return PythonEnvironment(python: python)
        }
        log("creating \(dir) (pip install \(requirements(profile).joined(separator: " "))) ...")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: venvRoot(), withIntermediateDirectories: true)
        let base = ProcessInfo.processInfo.environment["DILAB_BASE_PYTHON"] ?? "python3"
        var r = try Subprocess.run(["/usr/bin/env", base, "-m", "venv", dir], timeout: 300)
        guard r.status == 0 else { throw VerifyError.setup("python3 -m venv failed (install python3-venv?):\n\(r.stderr)") }
        r = try Subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + requirements(profile), timeout: 900)
        guard r.status == 0 else { throw VerifyError.setup("pip install \(requirements(profile).joined(separator: " ")) failed:\n\(r.stderr)") }
        _ = FileManager.default.createFile(atPath: marker, contents: Data(requirements(profile).joined(separator: "\n").utf8))
        return PythonEnvironment(python: python)
    }

    /// `python app.py --trace` with virtual durations switched off, or, for requests that overlap, on a real clock
    /// of `timeScale` real ms per virtual ms.
    /// Runs are forked from a `TraceServer` that has FastAPI imported; a plain subprocess when none can start.
    public func trace(appFile: String, timeScale: Double = 0, timeout: Double = 120) throws -> Subprocess.Result {
        let environment = ["DILAB_TIME_SCALE": String(timeScale), "PYTHONDONTWRITEBYTECODE": "1"]
        if let forked = TraceServerPool.shared.trace(python: python, appFile: appFile, environment: environment, timeout: timeout) {
            return forked
        }
        return try Subprocess.run([python, appFile, "--trace"], environment: environment, timeout: timeout)
    }
}

/// Runs a child process to completion, collecting its output, killing it after a timeout.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ argv: [String], environment: [String: String] = [:], timeout: Double) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
        p.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw VerifyError.setup("cannot start \(argv[0]): \(error.localizedDescription)") }
        // Read both pipes while the child runs, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let timer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        p.waitUntilExit()
        timer.cancel()
        group.wait()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
