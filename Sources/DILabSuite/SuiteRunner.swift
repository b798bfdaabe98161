import DILab
import Foundation

/// The outcome of one expectation: which request, under which profile, and what differed.
public struct CaseResult: Sendable {
    public var file: String
    public var location: SourceLocation
    public var request: String
    public var profile: Profile
    /// Nil when it passed.
    public var failure: String?
    public var name: String { "\(request) [\(profile.rawValue)]" }
}

/// One scenario file checked against its expectations.
public struct FileResult: Sendable {
    public enum Status: String, Sendable { case passed = "PASS", failed = "FAIL", skipped = "SKIP" }
    public var file: String
    public var status: Status
    public var cases: [CaseResult]
    /// A problem with the file as a whole (unreadable, input errors, unexpected app errors).
    public var problem: String?
    /// The file is not a scenario dilab can read (YAML, shape or names): bad input, exit 2 as everywhere else.
    public var isInputError = false
    /// Wall-clock seconds spent on the file, for JUnit.
    public var seconds: Double = 0
}

/// Runs scenarios against their golden expectations.
public struct SuiteRunner: Sendable {
    public var profileFilter: Profile?

    public init(profileFilter: Profile? = nil) {
        self.profileFilter = profileFilter
    }

    public func check(file: String) -> FileResult {
        let start = DispatchTime.now().uptimeNanoseconds
        var result: FileResult
        do {
            result = check(try ScenarioLoader.load(path: file))
        } catch let list as DiagnosticList {
            result = FileResult(file: file, status: .failed, cases: [], problem: list.description, isInputError: true)
        } catch {
            result = FileResult(file: file, status: .failed, cases: [], problem: "\(error)", isInputError: true)
        }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return result
    }

    /// Groups expectations by profile, runs every request of the file once per profile (so app-lifetime state
    /// such as call counters is the same as in `dilab run`), and compares request by request.
    public func check(_ scenario: Scenario) -> FileResult {
        let file = scenario.file
        var cases: [CaseResult] = []
        var profiles: [Profile] = []
        for e in scenario.expectations {
            let p = e.profile ?? scenario.profile
            if !profiles.contains(p) { profiles.append(p) }
        }
        if profiles.isEmpty, !scenario.expectedAppErrors.isEmpty { profiles = [scenario.profile] }
        if let only = profileFilter { profiles = profiles.filter { $0 == only } }
        if profiles.isEmpty {
            return FileResult(file: file, status: .skipped, cases: [], problem: scenario.expectations.isEmpty ? "no expectations" : "no expectations for this profile")
        }
        for profile in profiles {
            let app: CompiledApp
            do {
                app = try Validator.compile(scenario, profile: profile)
            } catch let list as DiagnosticList {
                return FileResult(file: file, status: .failed, cases: [], problem: list.description, isInputError: true)
            } catch {
                return FileResult(file: file, status: .failed, cases: [], problem: "\(error)", isInputError: true)
            }
            let actualErrors = app.appErrors.map(\.message)
            if !actualErrors.isEmpty || !scenario.expectedAppErrors.isEmpty {
                let ok = actualErrors == scenario.expectedAppErrors
                cases.append(CaseResult(file: file, location: SourceLocation(file: file, line: 1, column: 1), request: "app construction",
                                        profile: profile, failure: ok ? nil : appErrorFailure(expected: scenario.expectedAppErrors, actual: actualErrors)))
                if !actualErrors.isEmpty { continue }
            }
            let result = Engine.run(app)
            var used = Set<Int>()
            for e in scenario.expectations where (e.profile ?? scenario.profile) == profile {
                if let phase = LifespanPhase(rawValue: e.request) {
                    cases.append(compareLifespan(e, phase == .startup ? result.startup : result.shutdown, file: file, profile: profile))
                    continue
                }
                guard let index = result.requests.indices.first(where: { !used.contains($0) && result.requests[$0].request.line == e.request }) else {
                    cases.append(CaseResult(file: file, location: e.location, request: e.request, profile: profile,
                                            failure: "no request '\(e.request)' in `requests:` for this expectation"))
                    continue
                }
                used.insert(index)
                cases.append(compare(e, result.requests[index], file: file, profile: profile))
            }
        }
        let failed = cases.contains { $0.failure != nil }
        return FileResult(file: file, status: failed ? .failed : .passed, cases: cases, problem: nil)
    }

    /// `request: lifespan startup` / `lifespan shutdown` expectations pin the app's lifespan events.
    enum LifespanPhase: String { case startup = "lifespan startup", shutdown = "lifespan shutdown" }

    func compareLifespan(_ e: Expectation, _ events: [TraceEvent], file: String, profile: Profile) -> CaseResult {
        var trace = RequestTrace(id: 0, request: RequestSpec(method: "GET", target: "/"), profile: profile, events: events)
        trace.status = e.status ?? 0
        var expectation = e
        expectation.status = nil
        expectation.body = nil
        return compare(expectation, trace, file: file, profile: profile)
    }

    func appErrorFailure(expected: [String], actual: [String]) -> String {
        "FastAPI's app-construction errors differ\n" + LineDiff.unified(expected: expected, actual: actual)
    }

    /// The headers the app set (not the server's date or server), lower-cased, in order: content-type, then each
    /// other name once, several values of one name (two `set-cookie`) joined with ", ".
    public static func responseHeaders(_ trace: RequestTrace) -> [(String, String)] {
        var out: [(String, String)] = []
        if case .some(.some(let type)) = trace.contentType { out.append(("content-type", type)) }
        for (name, value) in trace.headers {
            let key = name.lowercased()
            if let i = out.firstIndex(where: { $0.0 == key }) { out[i].1 += ", " + value } else { out.append((key, value)) }
        }
        return out
    }

    /// Status, then body, then the trace; the first divergent event is named with the rule that governs it.
    func compare(_ e: Expectation, _ trace: RequestTrace, file: String, profile: Profile) -> CaseResult {
        var result = CaseResult(file: file, location: e.location, request: e.request, profile: profile)
        var problems: [String] = []
        if let status = e.status, status != trace.status {
            problems.append("status: expected \(status), got \(trace.status)")
        }
        if let body = e.body {
            let actual = trace.isJSON ? trace.body : .string(trace.bodyText)
            if body != actual {
                problems.append("body: expected \(body.json), got \(actual.json)")
                if problems.count == 1, let at = e.bodyLocation { result.location = at }
            }
        }
        if let headers = e.headers {
            let actual = Self.responseHeaders(trace)
            for (name, value) in headers {
                let got = actual.first { $0.0 == name.lowercased() }?.1
                if got != value {
                    problems.append("header \(name.lowercased()): expected " + (value.map { Value.string($0).json } ?? "none")
                                    + ", got " + (got.map { Value.string($0).json } ?? "none"))
                }
            }
        }
        if let received = e.received {
            let actual = trace.webSocket?.received ?? []
            if received != actual {
                problems.append("received: expected \(Value.array(received.map(Value.string)).json), got \(Value.array(actual.map(Value.string)).json)")
            }
        }
        if let close = e.close, close != trace.webSocket?.closeCode {
            problems.append("close: expected \(close), got " + (trace.webSocket?.closeCode.map(String.init) ?? "no close"))
        }
        if let expected = e.trace {
            let actual = trace.events.filter { $0.kind != .request }
            let lines = actual.map(\.compact)
            if let i = LineDiff.firstDivergence(expected, lines) {
                let at = i < e.traceLineLocations.count ? e.traceLineLocations[i] : (e.traceLocation ?? e.location)
                result.location = at
                var text = "trace differs at event \(i + 1)\n"
                text += "    expected: \(i < expected.count ? expected[i] : "(nothing more)")\n"
                text += "    actual:   \(i < lines.count ? lines[i] : "(nothing more)")\n"
                if i < actual.count, let rule = Rules.governing(actual[i], profile: profile) {
                    text += "    rule: \(rule.title) — \(rule.text)\n          (see \(RuleDocs.citation(rule)))\n"
                }
                text += LineDiff.unified(expected: expected, actual: lines).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "    " + $0 }.joined(separator: "\n")
                problems.append(text)
            }
        }
        result.failure = problems.isEmpty ? nil : problems.joined(separator: "\n")
        return result
    }

    /// Checks many files, `jobs` at a time; results come back in input order so output is stable.
    public func check(files: [String], jobs: Int) -> [FileResult] {
        OrderedParallel.map(files, jobs: jobs) { self.check(file: $0) }
    }
}

/// Prints results the way people and CI read them: a line per scenario, details for failures, a closing count.
public enum SuiteReport {
    public static func text(_ results: [FileResult], style: Style = .plain) -> String {
        var out = ""
        for r in results {
            switch r.status {
            case .passed: out += style.green("PASS") + " \(r.file) (\(r.cases.count) expectation\(r.cases.count == 1 ? "" : "s"))\n"
            case .skipped: out += style.yellow("SKIP") + " \(r.file) (\(r.problem ?? ""))\n"
            case .failed:
                out += style.red("FAIL") + " \(r.file)\n"
                if let p = r.problem { out += indent(p) + "\n" }
                for c in r.cases {
                    guard let f = c.failure else { continue }
                    out += "  \(c.location): \(c.name): " + f.replacingOccurrences(of: "\n", with: "\n  ") + "\n"
                }
            }
        }
        out += closingLine(results) + "\n"
        return out
    }

    public static func closingLine(_ results: [FileResult]) -> String {
        let passed = results.filter { $0.status == .passed }.count
        let failed = results.filter { $0.status == .failed }.count
        let skipped = results.filter { $0.status == .skipped }.count
        return "\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "")
    }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
