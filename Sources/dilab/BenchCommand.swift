import ArgumentParser
import DILab
import Foundation

/// Throughput of the engine on synthetic graphs and on the corpus. Speed targets live here, not in unit tests.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine: a deep dependency chain, a wide fan-out, and the scenario corpus.")

    @Option(help: "Requests per synthetic case.")
    var requests: Int = 2000

    @Option(name: .customLong("case"), help: "Run only the synthetic cases whose name contains this text (and skip the corpus).")
    var only: String?

    @Option(help: "Scenario folder to replay (skipped if absent).")
    var corpus: String = "scenarios"

    func run() throws {
        print("case                              requests   total ms   µs/request   events/request")
        try measure("seed-like graph", yaml: Synthetic.seedLike, count: requests)
        try measure("seed-like, text trace rendered", yaml: Synthetic.seedLike, count: requests, renderText: true)
        try measure("chain of 100 yield deps", yaml: Synthetic.chain(depth: 100), count: requests)
        try measure("fan-out: 200 cached uses", yaml: Synthetic.fanOut(width: 200), count: requests)
        try measure("20 routes × 20-deep chain", yaml: Synthetic.routes(20, depth: 20), count: requests)
        if only == nil, FileManager.default.fileExists(atPath: corpus) {
            let files = (FileManager.default.enumerator(atPath: corpus)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            let start = DispatchTime.now()
            var requestsRun = 0
            for f in files {
                guard let scenario = try? ScenarioLoader.load(path: (corpus as NSString).appendingPathComponent(f)),
                      let app = try? Validator.compile(scenario) else { continue }
                requestsRun += Engine.run(app).requests.count
            }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
            print(String(format: "%-32@ %10d %10.1f %12.1f   (load+compile+run of %d files)", "corpus \(corpus)/" as NSString, requestsRun, ms, ms * 1000 / Double(max(1, requestsRun)), files.count))
        }
    }

    func measure(_ name: String, yaml: String, count: Int, renderText: Bool = false) throws {
        if let only, !name.contains(only) { return }
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "bench.yaml"))
        let engine = Engine(app: app)
        let request = app.scenario.requests[0]
        var events = 0
        let start = DispatchTime.now()
        let renderer = TextRenderer()
        var chars = 0
        for _ in 0..<count {
            let trace = engine.handle(request)
            events += trace.events.count
            if renderText { chars += renderer.render(trace).utf8.count }
        }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        print(String(format: "%-32@ %10d %10.1f %12.1f %16d", name as NSString, count, ms, ms * 1000 / Double(count), events / count))
    }
}

/// Scenario text for the synthetic benchmarks.
enum Synthetic {
    /// Issue 12's seed-like graph: lru_cache settings → yield get_db → repo, a header-reading user, one
    /// background task, zero durations.
    static let seedLike = """
        providers:
          get_settings: {lru_cache: true, returns: {dsn: "sqlite://"}}
          get_db: {yield: true, params: {settings: Depends(get_settings)}, returns: "Session#{{call}}"}
          get_repo: {params: {db: Depends(get_db)}, returns: {db: "{{db}}"}}
          get_user: {params: {x_user: str = Header()}, returns: {name: "{{x_user}}"}}
        tasks:
          audit: {}
        routes:
          - GET /items/{item_id}:
              handler: read_item
              params:
                item_id: int
                repo: Depends(get_repo)
                user: Depends(get_user)
                background_tasks: BackgroundTasks
              adds_tasks: [audit]
              returns: {id: "{{item_id}}", user: "{{user.name}}", db: "{{repo.db}}"}
        requests:
          - {request: GET /items/7, headers: {x-user: alice}}

        """

    static func chain(depth: Int) -> String {
        var y = "providers:\n  d0: {yield: true}\n"
        for i in 1..<depth { y += "  d\(i): {yield: true, params: {p: Depends(d\(i - 1))}}\n" }
        return y + "routes:\n  - GET /x: {params: {d: Depends(d\(depth - 1))}, returns: ok}\nrequests: [GET /x]\n"
    }

    static func fanOut(width: Int) -> String {
        var y = "providers:\n  shared: {}\n  leaf: {params: {s: Depends(shared)}}\nroutes:\n  - GET /x:\n      params:\n"
        for i in 0..<width { y += "        p\(i): Depends(leaf)\n" }
        return y + "requests: [GET /x]\n"
    }

    static func routes(_ n: Int, depth: Int) -> String {
        var y = "providers:\n  d0: {}\n"
        for i in 1..<depth { y += "  d\(i): {params: {p: Depends(d\(i - 1))}}\n" }
        y += "routes:\n"
        for r in 0..<n { y += "  - GET /r\(r): {params: {d: Depends(d\(depth - 1))}}\n" }
        return y + "requests: [GET /r\(n - 1)]\n"
    }
}
