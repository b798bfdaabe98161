/// Renders the dependency graph FastAPI builds for each route: as a tree, Graphviz DOT or Mermaid.
public enum GraphRenderer {
    public enum Format: String, Sendable, CaseIterable { case tree, dot, mermaid }

    public static func render(_ app: CompiledApp, format: Format) -> String {
        switch format {
        case .tree: return app.routes.map(tree).joined(separator: "\n")
        case .dot: return dot(app)
        case .mermaid: return mermaid(app)
        }
    }

    static func label(_ d: Dependant, profile: Profile) -> String {
        guard let p = d.provider else { return "handler" }
        var tags: [String] = []
        tags.append(p.isAsync ? "async" : "sync")
        if p.isGenerator { tags.append("yield") }
        if p.form == .classType { tags.append("class") }
        if let i = p.instanceOf { tags.append("instance of \(i)") }
        if p.lruCache { tags.append("lru_cache") }
        if let s = d.use?.scope { tags.append("scope=\(s)") } else if p.isGenerator, profile.supportsScope { tags.append("scope=request") }
        if d.use?.useCache == false { tags.append("use_cache=False") }
        if !d.ownScopes.isEmpty { tags.append("scopes=\(d.ownScopes)") }
        if d.level != "param" { tags.append(d.level) }
        let name = d.name.map { "\($0)=" } ?? ""
        return "\(name)\(p.name)  [\(tags.joined(separator: ", "))]"
    }

    public static func tree(_ route: CompiledRoute) -> String {
        var out = "\(route.route.method) \(route.fullPath) → \(route.route.handlerName)\n"
        func walk(_ d: Dependant, _ prefix: String) {
            for (i, sub) in d.dependencies.enumerated() {
                let last = i == d.dependencies.count - 1 && d.requestParams.isEmpty
                out += prefix + (last ? "└─ " : "├─ ") + label(sub, profile: .latest) + "\n"
                walk(sub, prefix + (last ? "   " : "│  "))
            }
            for (i, p) in d.requestParams.enumerated() {
                let last = i == d.requestParams.count - 1
                let req = p.spec.isRequired ? "required" : "default \(p.spec.defaultValue?.json ?? "None")"
                out += prefix + (last ? "└─ " : "├─ ") + "\(p.name): \(p.spec.model ?? p.spec.type.rawValue)  (\(p.source.rawValue) '\(p.key)', \(req))\n"
            }
        }
        walk(route.dependant, "")
        return out
    }

    static func edges(_ app: CompiledApp) -> [(String, String, String)] {
        var seen: Set<String> = []
        var out: [(String, String, String)] = []
        func walk(_ parent: String, _ d: Dependant) {
            for sub in d.dependencies {
                let child = sub.callName
                var label = sub.use?.useCache == false ? "use_cache=False" : ""
                if let s = sub.use?.scope { label += (label.isEmpty ? "" : ", ") + "scope=\(s)" }
                let key = "\(parent)->\(child)|\(label)"
                if seen.insert(key).inserted { out.append((parent, child, label)) }
                walk(child, sub)
            }
        }
        for r in app.routes { walk("\(r.route.method) \(r.fullPath)", r.dependant) }
        return out
    }

    static func dot(_ app: CompiledApp) -> String {
        var out = "digraph dependencies {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        for p in app.scenario.providers where p.isGenerator { out += "  \(dotID(p.name)) [style=rounded, color=orange];\n" }
        for r in app.routes { out += "  \(dotID("\(r.route.method) \(r.fullPath)")) [shape=oval];\n" }
        for (a, b, l) in edges(app) { out += "  \(dotID(a)) -> \(dotID(b))" + (l.isEmpty ? "" : " [label=\(dotID(l))]") + ";\n" }
        return out + "}\n"
    }

    static func mermaid(_ app: CompiledApp) -> String {
        var ids: [String: String] = [:]
        func id(_ s: String) -> String {
            if let i = ids[s] { return i }
            let i = "n\(ids.count)"
            ids[s] = i
            return i
        }
        var out = "graph LR\n"
        for (a, b, l) in edges(app) {
            out += "  \(id(a))[\"\(mermaidText(a))\"] -->" + (l.isEmpty ? "" : "|\"\(mermaidText(l))\"|") + " \(id(b))[\"\(mermaidText(b))\"]\n"
        }
        return out
    }

    /// A DOT double-quoted ID: a route path or scope is scenario text, so quotes and backslashes are escaped,
    /// line breaks become `\n` and other control characters are dropped; nothing can end the string early.
    public static func dotID(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": out += "\\n"
            default: if !isInvisible(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Text inside a quoted Mermaid label: every character Mermaid or its HTML rendering reads as syntax
    /// (`"`, `#`, `;`, `|`, brackets, `<`, `>`, `&`, backslash, backtick) as a `#code;` entity; line breaks as spaces.
    public static func mermaidText(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if "\"#;|[]{}<>&\\`".unicodeScalars.contains(scalar) {
                out += "#\(scalar.value);"
            } else if ["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                out += " "
            } else if !isInvisible(scalar) {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        [.control, .format, .lineSeparator, .paragraphSeparator].contains(s.properties.generalCategory)
    }
}
