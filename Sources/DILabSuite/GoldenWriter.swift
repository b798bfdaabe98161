import DILab
import Foundation

/// `dilab test --update`: regenerates a scenario's `expect:` (and `expect_app_errors:`) from the engine,
/// rewriting only those top-level blocks so the rest of the file, comments included, stays as written.
public enum GoldenWriter {
    /// The new file text, or the diagnostics that stop the engine from running it.
    public static func updated(_ scenario: Scenario, profileFilter: Profile? = nil) throws -> String {
        var profiles: [Profile] = []
        for e in scenario.expectations {
            let p = e.profile ?? scenario.profile
            if !profiles.contains(p) { profiles.append(p) }
        }
        if profiles.isEmpty { profiles = [scenario.profile] }
        if let only = profileFilter, !profiles.contains(only) { profiles.append(only) }
        var expectBlock = ""
        // Headers are pinned only where the scenario writes them itself (`sets:`, `middleware:`), so no other golden changes.
        let pinsHeaders = scenario.providers.contains { $0.sets != nil } || scenario.routes.contains { $0.sets != nil }
            || !scenario.middleware.isEmpty
        var appErrors: [String] = []
        for profile in profiles {
            let app = try Validator.compile(scenario, profile: profile)
            if !app.appErrors.isEmpty {
                appErrors = app.appErrors.map(\.message)
                continue
            }
            if let only = profileFilter, only != profile {
                // Keep other profiles' expectations as they are.
                expectBlock += scenario.expectations.filter { ($0.profile ?? scenario.profile) == profile }
                    .map { render($0, profile: profile, pinned: profile != scenario.profile) }.joined()
                continue
            }
            let result = Engine.run(app)
            let pinned = profile != scenario.profile
            if !result.startup.isEmpty {
                expectBlock += render(Expectation(request: "lifespan startup", trace: result.startup.map(\.compact)), profile: profile, pinned: pinned)
            }
            defer {
                if !result.shutdown.isEmpty {
                    expectBlock += render(Expectation(request: "lifespan shutdown", trace: result.shutdown.map(\.compact)), profile: profile, pinned: pinned)
                }
            }
            for t in result.requests {
                // No response at all (a cancelled or deadlocked request): nothing to pin but the trace.
                let answered = t.status != 0
                var e = Expectation(request: t.request.line, profile: profile, status: answered ? t.status : nil,
                                    body: answered && t.webSocket == nil ? (t.isJSON ? t.body : .string(t.bodyText)) : nil,
                                    trace: t.events.filter { $0.kind != .request }.map(\.compact))
                if pinsHeaders, answered, t.webSocket == nil {
                    var pinned = SuiteRunner.responseHeaders(t).filter { $0.0 != "content-type" }.map { ($0.0, Optional($0.1)) }
                    // An absence the scenario pinned (`x-id: null`) stays pinned while the header is still absent.
                    let before = scenario.expectations.first { $0.request == t.request.line && ($0.profile ?? scenario.profile) == profile }
                    for (name, value) in before?.headers ?? [] where value == nil && !pinned.contains(where: { $0.0 == name.lowercased() }) {
                        pinned.append((name.lowercased(), nil))
                    }
                    e.headers = pinned
                }
                if let ws = t.webSocket, ws.accepted {
                    e.received = ws.received
                    e.close = ws.closeCode
                }
                expectBlock += render(e, profile: profile, pinned: profile != scenario.profile)
            }
        }
        var text = strip(blocks: ["expect", "expect_app_errors"], from: scenario.sourceText)
        while text.hasSuffix("\n\n") { text.removeLast() }
        if !text.hasSuffix("\n") { text += "\n" }
        if !appErrors.isEmpty {
            text += "\nexpect_app_errors:\n" + appErrors.map { "  - \(scalar($0))\n" }.joined()
        }
        if !expectBlock.isEmpty {
            text += "\nexpect:\n" + expectBlock
        }
        return text
    }

    static func render(_ e: Expectation, profile: Profile, pinned: Bool) -> String {
        var out = "  - request: \(scalar(e.request))\n"
        if pinned { out += "    fastapi: \"\(profile.rawValue)\"\n" }
        if let s = e.status { out += "    status: \(s)\n" }
        if let b = e.body { out += "    body: \(b.json)\n" }
        if let h = e.headers, !h.isEmpty { out += "    headers: {" + h.map { "\($0.0): " + ($0.1.map { Value.string($0).json } ?? "null") }.joined(separator: ", ") + "}\n" }
        if let r = e.received { out += "    received: [" + r.map { Value.string($0).json }.joined(separator: ", ") + "]\n" }
        if let c = e.close { out += "    close: \(c)\n" }
        if let t = e.trace {
            out += "    trace:\n" + t.map { "      - \(scalar($0))\n" }.joined()
        }
        return out
    }

    /// A YAML scalar: plain when safe, otherwise double-quoted with JSON escapes (valid YAML).
    static func scalar(_ s: String) -> String {
        let risky = s.isEmpty || s.contains(": ") || s.contains(" #") || s.hasSuffix(":")
            || "-?:,[]{}#&*!|>'\"%@`".contains(s.first!) || s != s.trimmingCharacters(in: .whitespaces)
            || ["true", "false", "null", "yes", "no", "~"].contains(s.lowercased()) || Int(s) != nil || Double(s) != nil
        return risky ? Value.string(s).json : s
    }

    /// Removes top-level `key:` blocks (the key line and every indented or blank line after it).
    static func strip(blocks keys: [String], from text: String) -> String {
        var out: [Substring] = []
        var skipping = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let top = !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("\t") && !line.hasPrefix("#")
            if top {
                skipping = keys.contains { line.hasPrefix("\($0):") }
            } else if skipping, line.hasPrefix("#") {
                skipping = false
            }
            if !skipping { out.append(line) }
        }
        return out.joined(separator: "\n")
    }
}
