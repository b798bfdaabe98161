import DILab

/// Python parameter lists for providers and handlers, written the way a FastAPI user would write them.
enum Signatures {
    /// `Depends(get_db, use_cache=False, scope="function")` or `Security(get_user, scopes=["items"])`.
    static func depends(_ spec: DependsSpec, provider: String? = nil) -> String {
        var args = [provider ?? spec.provider]
        if !spec.useCache { args.append("use_cache=False") }
        if let scope = spec.scope { args.append("scope=\(PythonSyntax.string(scope))") }
        if let limit = spec.maxConcurrency { args.append("max_concurrency=" + maxConcurrency(limit)) }
        if spec.isSecurity {
            if !spec.scopes.isEmpty { args.append("scopes=[" + spec.scopes.map(PythonSyntax.string).joined(separator: ", ") + "]") }
            return "Security(\(args.joined(separator: ", ")))"
        }
        return "Depends(\(args.joined(separator: ", ")))"
    }

    /// `max_concurrency=` as the scenario wrote it, so Python raises what it would: an int, or for a refused value
    /// (`True`, `0`, `"2"`) a literal of the same kind — never a bare name, which would read a global.
    static func maxConcurrency(_ limit: MaxConcurrency) -> String {
        switch limit {
        case .limit(let n): return String(n)
        case .invalid(let text):
            if ["True", "False"].contains(text) { return text }
            if let n = Int(text) { return String(n) }
            if let d = Double(text), d.isFinite { return String(d) }
            let unquoted = text.count >= 2 && text.hasPrefix("'") && text.hasSuffix("'") ? String(text.dropFirst().dropLast()) : text
            return PythonSyntax.string(unquoted)
        }
    }

    static func pythonType(_ t: RequestParam.ValueType) -> String {
        switch t {
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .bool: return "bool"
        case .dict: return "dict"
        case .list: return "list"
        case .any: return "Any"
        }
    }

    /// One request parameter: `user_id: int`, `q: str | None = None`, `x_token: str = Header()`.
    static func requestParam(_ name: String, _ p: RequestParam) -> (text: String, hasDefault: Bool) {
        var type = p.fieldType?.python ?? pythonType(p.type)  // `EmailStr`, `List[Item]`
        if p.optional { type += " | None" }
        let defaultValue: String? = p.defaultValue.map(PythonSyntax.literal) ?? (p.optional ? "None" : nil)
        let marker: String?
        switch p.source {
        // A bare `list` annotation makes FastAPI ask for python-multipart; `Body()` says what dilab reads (the body).
        case .inferred: marker = p.type == .list && p.fieldType == nil ? "Body" : p.alias == nil ? nil : "Query"
        case .path: marker = "Path"
        case .query: marker = "Query"
        case .header: marker = "Header"
        case .cookie: marker = "Cookie"
        case .body: marker = "Body"
        }
        guard let marker else {
            return ("\(name): \(type)" + (defaultValue.map { " = \($0)" } ?? ""), defaultValue != nil)
        }
        var args: [String] = []
        if let d = defaultValue { args.append(d) }
        if let alias = p.alias { args.append("alias=\(PythonSyntax.string(alias))") }
        // `gt=0`, `pattern="^[a-z]+$"`: the keyword is one of the loader's fixed names, the value a literal
        // (a pattern goes through the string-literal escaper, never into the code as written).
        for c in p.constraints { args.append("\(c.keyword)=\(PythonSyntax.literal(c.value))") }
        return ("\(name): \(type) = \(marker)(\(args.joined(separator: ", ")))", true)
    }

    /// A dependency parameter as the scenario wrote it: `db=Depends(get_db)`, `db: Session = Depends(get_db)`,
    /// `db: Annotated[Session, Depends(get_db)]`, or the class shortcut `commons: Commons = Depends()`.
    static func dependsParam(_ name: String, _ spec: DependsSpec) -> (text: String, hasDefault: Bool) {
        guard let type = spec.annotation, Annotations.writable(type) else { return ("\(name)=\(depends(spec))", true) }
        var marker = depends(spec)
        if spec.shortcut {
            let head = spec.isSecurity ? "Security(" : "Depends("
            marker = head + marker.dropFirst(head.count + spec.provider.count).drop { $0 == "," || $0 == " " }
        }
        if spec.spelling == .annotated { return ("\(name): Annotated[\(type), \(marker)]", false) }
        return ("\(name): \(type) = \(marker)", true)
    }

    /// A whole parameter list. Parameters that close a dependency cycle get `None` for now and are patched
    /// once both functions exist (`late`); when a required parameter follows a defaulted one, `*` makes them
    /// keyword-only, which FastAPI reads the same way.
    static func list(_ params: [Param], late: Set<String> = [], extraBackgroundTasks: String? = nil) -> String {
        var parts: [(String, Bool)] = []
        for p in params {
            switch p.kind {
            case .depends(let spec):
                if let alias = spec.alias, !late.contains(p.name) {
                    parts.append(("\(p.name): \(alias)", false))  // `Annotated[Any, Depends(...)]`, one object for every use
                } else if late.contains(p.name) {
                    parts.append(("\(p.name)=None", true))
                } else {
                    parts.append(dependsParam(p.name, spec))
                }
            case .request(let rp): parts.append(rp.model.map { ModelWriter.param(p.name, rp, model: $0) } ?? requestParam(p.name, rp))
            case .backgroundTasks: parts.append(("\(p.name): BackgroundTasks", false))
            case .securityScopes: parts.append(("\(p.name): SecurityScopes", false))
            case .webSocket: parts.append(("\(p.name): WebSocket", false))
            case .requestObject: parts.append(("\(p.name): Request", false))
            case .responseObject: parts.append(("\(p.name): Response", false))
            }
        }
        if let bt = extraBackgroundTasks { parts.append(("\(bt): BackgroundTasks", false)) }
        var seenDefault = false
        var needsStar = !late.isEmpty
        for (_, hasDefault) in parts {
            if hasDefault { seenDefault = true } else if seenDefault { needsStar = true }
        }
        let texts = parts.map(\.0)
        return ((needsStar && !texts.isEmpty ? ["*"] : []) + texts).joined(separator: ", ")
    }
}
