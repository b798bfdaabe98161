import DILab
import DILabExport

/// One input through every stage a scenario file reaches: the expression and JSON readers, the loader, the
/// graph, the engine under each profile, every renderer and every exporter. Shared by the libFuzzer target
/// (`dilab-fuzz`) and the regression tests, so a crash the fuzzer finds is replayed as an ordinary test.
public enum FuzzHarness {
    /// Requests simulated per profile: enough to reach caches and overrides, few enough to stay fast.
    public static let maxRequests = 8

    /// What became of the input, so tests can say which stage they reached.
    public enum Outcome: Equatable, Sendable {
        case notText
        case rejected(diagnostics: Int)
        case ran(requests: Int)
    }

    @discardableResult
    public static func run(_ bytes: [UInt8]) -> Outcome {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .notText }
        // The small readers see the raw text too: a template hole, a `when:` and a request body are all untrusted.
        _ = try? (try? ExprParser.parse(text))?.evaluate([:])
        _ = try? Template.parse(string: text)
        _ = PythonJSON.loads(text)
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(text: text, file: "fuzz.yaml")
        } catch let list as DiagnosticList {
            _ = list.description
            return .rejected(diagnostics: list.diagnostics.count)
        } catch {
            return .rejected(diagnostics: 0)
        }
        var ran = 0
        for profile in Profile.allCases {
            guard let app = try? Validator.compile(scenario, profile: profile) else { continue }
            let requests = Array((scenario.requests.isEmpty ? defaultRequests(app) : scenario.requests).prefix(maxRequests))
            let result = Engine.run(app, requests: requests)
            _ = TextRenderer().render(result)
            _ = JSONRenderer.render(result)
            _ = ChromeTraceExporter.export(result)
            _ = HTMLTimelineExporter.export(result, app: app)   // lanes and the hold analysis too
            for format in GraphRenderer.Format.allCases { _ = GraphRenderer.render(app, format: format) }
            _ = FastAPIExporter(scenario: scenario, profile: profile).export()
            ran = max(ran, result.requests.count)
        }
        return .ran(requests: ran)
    }

    /// One GET of each route's path as written, for a scenario that sends no requests of its own.
    static func defaultRequests(_ app: CompiledApp) -> [RequestSpec] {
        app.routes.map { RequestSpec(method: $0.route.method, target: $0.route.path) }
    }
}
