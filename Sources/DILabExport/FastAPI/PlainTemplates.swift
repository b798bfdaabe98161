import DILab

/// How `--plain` spells dilab's templates: direct Python (`config["smtp_server"]`, `creds.credentials`, f-strings)
/// instead of the recorder's lenient `get(...)` and `text(...)`. A missing key raises as Python does, and values are
/// formatted with `str()`; dilab's own built-ins that need the recorder read as None (the header says which).
enum PlainTemplates {
    /// Built-ins the plain export cannot compute without the recorder (`{{request}}` needs its numbering middleware).
    static let unmatched: Set<String> = ["request", "closed", "now"]

    static let roots: [String: String] = ["request": "None", "state": "STATE", "closed": "None", "now": "None"]

    /// The built-ins of `unmatched` some template of the scenario reads, for the plain export's header.
    static func unmatchedBuiltins(in scenario: Scenario) -> [String] {
        var roots: Set<String> = []
        for p in scenario.providers { roots.formUnion(ProviderWriter.roots(p)) }
        for r in scenario.routes { roots.formUnion(RouteWriter(scenario: scenario, route: r).roots) }
        return unmatched.filter { roots.contains($0) || roots.contains("@" + $0) }.sorted()
    }

    /// A key of a path as Python reads it: `[0]`, `["name"]`, or `.name` on an object.
    static func access(_ key: String, onObject: Bool) -> String {
        if let i = Int(key) { return "[\(i)]" }
        if onObject, PythonName.isIdentifier(key), !key.hasPrefix("_"), !PythonImports.keywords.contains(key) { return "." + key }
        return "[" + PythonSyntax.string(key) + "]"
    }

    /// `exc.type`, `exc.status`... in an `except` block: what the recorder's `describe(exc)` would read.
    static func exceptionField(_ exc: String, _ key: String) -> String? {
        switch key {
        case "type": return "type(\(exc)).__name__"
        case "status": return "getattr(\(exc), \"status_code\", None)"
        case "detail": return "getattr(\(exc), \"detail\", None)"
        case "message": return "str(\(exc))"
        default: return nil
        }
    }

    /// An f-string's literal part: Python's escapes (the JSON ones) with braces doubled; nil when a quote would need one.
    static func fStringLiteral(_ s: String) -> String {
        String(PythonSyntax.string(s).dropFirst().dropLast()).replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }

    /// The parameters whose values are objects, not data: `creds.credentials`, `commons.q`, `security_scopes.scopes`.
    static func objectParams(_ params: [Param], _ scenario: Scenario) -> Set<String> {
        var out: Set<String> = []
        for p in params {
            switch p.kind {
            case .securityScopes, .requestObject, .responseObject, .webSocket: out.insert(p.name)
            case .depends(let d):
                guard let provider = scenario.provider(named: d.provider) else { continue }
                if provider.form == .classType || provider.securityScheme?.kind == .httpBearer { out.insert(p.name) }
            default: break
            }
        }
        return out
    }
}
