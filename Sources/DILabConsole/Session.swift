import DILab
import Foundation

/// Loading, reloading and recompiling: the only places the session touches the file system.
extension ConsoleState {
    /// Loads `path`, compiles it under the current profile choice and starts a fresh app (lifespan startup).
    /// On failure the previous scenario stays loaded. Returns a summary (and the startup events, if any).
    public mutating func load(path: String) throws -> String {
        let text = try ConsoleState.read(path)
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(text: text, file: path)
        } catch let list as DiagnosticList {
            throw ConsoleError(list.description + "\n\(list.diagnostics.count) error\(list.diagnostics.count == 1 ? "" : "s") in \(path)",
                               hint: scenarioPath.map { "still using \($0)" })
        }
        let profile = chosenProfile ?? scenario.profile
        let app = try ConsoleState.compile(scenario, profile: profile)
        let keepOverrides = scenarioPath == path
        self.scenarioPath = path
        self.scenario = scenario
        self.loadedText = text
        self.app = app
        if !keepOverrides {
            overrides = Dictionary(scenario.overrides.map { ($0.original, $0.replacement) }, uniquingKeysWith: { $1 })
            lastRequest = nil
        } else {
            // A reload keeps the user's overrides, minus names the edited file no longer has.
            overrides = overrides.filter { scenario.provider(named: $0.key) != nil && scenario.provider(named: $0.value) != nil }
        }
        lastTrace = nil
        lastRun = nil
        cursor = nil
        return startApp()
    }

    /// Recompiles the loaded scenario under `profile` and restarts the app.
    public mutating func switchProfile(_ profile: Profile?) throws -> String {
        chosenProfile = profile
        guard let scenario else { return "" }
        app = try ConsoleState.compile(scenario, profile: self.profile)
        lastTrace = nil
        lastRun = nil
        cursor = nil
        return startApp()
    }

    /// A new engine: a fresh app lifetime, with lifespan startup run and shown.
    mutating func startApp() -> String {
        guard let app, let scenario else { return "" }
        let engine = Engine(app: app)
        self.engine = engine
        var out = style.bold("loaded \(scenarioPath ?? scenario.file)") + ": \(scenario.name)\n"
        out += "  FastAPI \(app.profile.fastapiVersion) (profile \(app.profile.rawValue)) · \(app.routes.count) route\(app.routes.count == 1 ? "" : "s") · \(scenario.providers.count) provider\(scenario.providers.count == 1 ? "" : "s")\n"
        if !app.appErrors.isEmpty {
            out += style.red("  FastAPI refuses to build this app (requests will not be served):") + "\n"
            for d in app.appErrors { out += "    " + d.description.replacingOccurrences(of: "\n", with: "\n    ") + "\n" }
            return out
        }
        let startup = engine.startup()
        if !startup.isEmpty {
            let renderer = TextRenderer(style: style)
            out += "  lifespan startup:\n" + startup.map { "  " + renderer.line($0) }.joined()
        }
        if !overrides.isEmpty {
            out += "  dependency_overrides: " + overrides.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// Reloads when the file's text changed on disk. Returns a notice, or "" when nothing changed.
    /// A broken edit keeps the previous version loaded and says why (once per distinct broken text).
    public mutating func reloadIfChanged() -> String {
        guard let path = scenarioPath, let old = loadedText else { return "" }
        guard let text = try? ConsoleState.read(path), text != old else { return "" }
        do {
            let summary = try load(path: path)
            return style.yellow("\(path) changed on disk: reloaded") + "\n" + summary
        } catch {
            loadedText = text   // do not repeat the same complaint before every command
            let message = (error as? ConsoleError)?.message ?? "\(error)"
            return style.red("\(path) changed on disk but does not load; keeping the previous version:") + "\n" + message + "\n"
        }
    }

    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConsoleError("cannot read \(path)", hint: "check the path; scenarios live under scenarios/")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConsoleError("\(path) is not UTF-8 text") }
        return text
    }

    static func compile(_ scenario: Scenario, profile: Profile) throws -> CompiledApp {
        do {
            return try Validator.compile(scenario, profile: profile)
        } catch let list as DiagnosticList {
            throw ConsoleError(list.description)
        }
    }
}
