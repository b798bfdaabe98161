import ArgumentParser
import DILab
import DILabExport
import Foundation

/// Throughput of the engine on synthetic graphs and on the corpus. Speed targets live here, not in unit tests.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine: a deep dependency chain, a wide fan-out, and the scenario corpus.",
        discussion: """
        With --against-fastapi, each scenario (default: benchmarks/*.yaml) is also exported and run by real FastAPI \
        in process over raw ASGI (a managed venv, as `dilab verify` uses); dilab and FastAPI rounds alternate on the \
        same requests, and both rates, their ratio (round by round) and min–max over the rounds are printed. Rates are \
        per second of each process's CPU time, which a busy machine disturbs far less than the wall clock (also shown).
        """)

    @Option(help: "Requests per synthetic case, or per round with --against-fastapi.")
    var requests: Int = 2000

    @Option(name: .customLong("case"), help: "Run only the synthetic cases whose name contains this text (and skip the corpus).")
    var only: String?

    @Option(help: "Scenario folder to replay (skipped if absent).")
    var corpus: String = "scenarios"

    @Flag(help: "Side by side with real FastAPI: the scenarios given (default: benchmarks/*.yaml) under dilab and under FastAPI.")
    var againstFastapi = false

    @Option(help: "Rounds per case (synthetic cases), or per side with --against-fastapi (alternating dilab and FastAPI).")
    var rounds: Int = 5

    @Option(help: "With --against-fastapi, use this Python (with FastAPI installed) instead of a managed venv.")
    var python: String?

    @OptionGroup var profileOption: ProfileOption

    @Argument(help: "Scenario files for --against-fastapi.", completion: .file(extensions: ["yaml", "yml"]))
    var scenarios: [String] = []

    func validate() throws {
        if !scenarios.isEmpty && !againstFastapi { throw ValidationError("scenario files are benchmarked only with --against-fastapi") }
        if requests < 1 || rounds < 1 { throw ValidationError("--requests and --rounds must be at least 1") }
    }

    func run() throws {
        if againstFastapi { return try SideBySide(bench: self).run() }
        print("case".padding(toLength: 32, withPad: " ", startingAt: 0) + "requests".leftPadded(10) + "CPU µs/req".leftPadded(12)
              + "min–max".leftPadded(16) + "wall µs/req".leftPadded(13) + "events/req".leftPadded(12))
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

    /// One synthetic case, `rounds` times: the median of the process's CPU time per request (steady on a shared
    /// machine) with its min–max, and the wall clock's median beside it.
    func measure(_ name: String, yaml: String, count: Int, renderText: Bool = false) throws {
        if let only, !name.contains(only) { return }
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "bench.yaml"))
        let engine = Engine(app: app)
        let request = app.scenario.requests[0]
        let renderer = TextRenderer()
        var events = 0, chars = 0
        var cpu: [Double] = [], wall: [Double] = []
        for _ in 0..<rounds {
            events = 0
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = BenchClock.cpuSeconds()
            for _ in 0..<count {
                let trace = engine.handle(request)
                events += trace.events.count
                if renderText { chars &+= renderer.render(trace).utf8.count }
            }
            cpu.append((BenchClock.cpuSeconds() - cpuStart) * 1e6 / Double(count))
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(count))
        }
        if chars == 42 { print("") }  // keeps the rendering from being optimised away
        let range = String(format: "%.1f–%.1f", cpu.min()!, cpu.max()!)
        print(name.padding(toLength: 32, withPad: " ", startingAt: 0) + "\(count)".leftPadded(10)
              + String(format: "%.1f", SideBySide.median(cpu)).leftPadded(12) + range.leftPadded(16)
              + String(format: "%.1f", SideBySide.median(wall)).leftPadded(13) + "\(events / count)".leftPadded(12))
    }
}

/// The process's CPU time (every thread), which neighbours on a shared machine disturb far less than the wall clock.
enum BenchClock {
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// `dilab bench --against-fastapi`: dilab's engine (bare, then with the text trace rendered) and real FastAPI on the
/// same scenario and the same requests, in alternating rounds; ratios are taken round by round.
struct SideBySide {
    let bench: BenchCommand

    /// Requests per second of one round: by the process's CPU time (what the default table shows; steady on a
    /// shared machine) and by the wall clock.
    struct Rate {
        var cpu: Double
        var wall: Double
    }

    struct Sample {
        var engine: Rate
        var text: Rate
        var fastapi: Rate
    }

    func run() throws {
        let files = try bench.scenarios.isEmpty ? Self.defaultScenarios() : bench.scenarios
        let profile = try bench.profileOption.profile()
        for (i, file) in files.enumerated() {
            if i > 0 { print("") }
            try measure(file, profile: profile)
        }
    }

    static func defaultScenarios() throws -> [String] {
        let dir = "benchmarks"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".yaml") }.sorted() ?? []
        guard !names.isEmpty else { throw ValidationError("no scenario given and no benchmarks/*.yaml here") }
        return names.map { dir + "/" + $0 }
    }

    func measure(_ file: String, profile: Profile?) throws {
        let app = try loadApp(file, profile: profile)
        guard app.appErrors.isEmpty else { throw ValidationError("\(file): FastAPI would refuse this app: \(app.appErrors[0].message)") }
        let specs = app.scenario.requests
        guard !specs.isEmpty else { throw ValidationError("\(file): the scenario sends no requests") }
        let env = try bench.python.map { PythonEnvironment(python: $0) } ?? PythonEnvironment.ensure(app.profile) { Terminal.printError($0) }
        let fastapi = try FastAPIBench(app: app, python: env)
        defer { fastapi.close() }

        let engine = Engine(app: app)
        let renderer = TextRenderer(style: .plain)
        // The same requests, answered alike, or the comparison means nothing.
        let statuses = specs.map { engine.handle($0).status }
        if statuses != fastapi.statuses {
            Terminal.printError("warning: \(file): dilab answers \(statuses), FastAPI \(fastapi.statuses)")
        }
        let n = bench.requests
        var sink = 0
        func cpuNow() -> Double { BenchClock.cpuSeconds() }
        func timed(_ body: () -> Void) -> Rate {
            let start = DispatchTime.now().uptimeNanoseconds, cpu = cpuNow()
            body()
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return Rate(cpu: Double(n) / max(1e-9, cpuNow() - cpu), wall: Double(n) / max(1e-9, wall))
        }
        var samples: [Sample] = []
        var eventsPerRequest = (dilab: 0, fastapi: 0)
        for _ in 0..<bench.rounds {
            var events = 0
            let e = timed { for i in 0..<n { events += engine.handle(specs[i % specs.count]).events.count } }
            let t = timed { for i in 0..<n { sink &+= renderer.render(engine.handle(specs[i % specs.count])).utf8.count } }
            let f = try fastapi.round(requests: n)
            eventsPerRequest = (events / n, f.events / max(1, f.requests))
            samples.append(Sample(engine: e, text: t, fastapi: Rate(cpu: Double(f.requests) / max(1e-9, f.cpuSeconds), wall: Double(f.requests) / f.seconds)))
        }
        if sink == 42 { print("") }  // keeps the rendering from being optimised away

        print("\(file) · FastAPI \(fastapi.fastapiVersion) in process over raw ASGI · \(bench.rounds) rounds × \(n) requests, alternating")
        print("  events per request: dilab \(eventsPerRequest.dilab), FastAPI's recorder \(eventsPerRequest.fastapi)")
        print("  rates per second of the process's CPU time (wall-clock medians on the right)")
        print("  " + "side".padding(toLength: 24, withPad: " ", startingAt: 0) + "req/s median".leftPadded(14) + "min–max".leftPadded(22)
              + "µs/request".leftPadded(12) + "wall req/s".leftPadded(12))
        func row(_ name: String, _ rates: [Rate]) {
            let cpu = rates.map(\.cpu), m = Self.median(cpu)
            print("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + Self.rate(m).leftPadded(14)
                  + (Self.rate(cpu.min()!) + "–" + Self.rate(cpu.max()!)).leftPadded(22) + String(format: "%.1f", 1e6 / m).leftPadded(12)
                  + Self.rate(Self.median(rates.map(\.wall))).leftPadded(12))
        }
        func ratio(_ name: String, _ pairs: [(Rate, Rate)]) {
            let values = pairs.map { $0.0.cpu / $0.1.cpu }
            print("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%.1f×", Self.median(values)).leftPadded(14)
                  + String(format: "%.1f×–%.1f×", values.min()!, values.max()!).leftPadded(22) + "".leftPadded(12)
                  + String(format: "%.1f×", Self.median(pairs.map { $0.0.wall / $0.1.wall })).leftPadded(12))
        }
        row("dilab engine", samples.map(\.engine))
        row("dilab + text trace", samples.map(\.text))
        row("FastAPI (raw ASGI)", samples.map(\.fastapi))
        ratio("ratio engine / FastAPI", samples.map { ($0.engine, $0.fastapi) })
        ratio("ratio text / FastAPI", samples.map { ($0.text, $0.fastapi) })
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// 8,512 (thousands separated, no fraction).
    static func rate(_ v: Double) -> String {
        let digits = String(Int(v.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
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
