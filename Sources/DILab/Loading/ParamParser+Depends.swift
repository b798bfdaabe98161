/// `Depends(...)` and `Security(...)`: a dependency marker and its options, as FastAPI's signature reads them.
extension ParamParser {
    /// `Depends(name, use_cache=False, scope="function")` / `Security(name, scopes=[...])`.
    mutating func parseDepends() throws -> Param.Kind {
        guard case .name(let marker) = next() else { fatalError("unreachable") }
        let markerOffset = toks[pos - 1].1
        try expect("(", "after \(marker)")
        var spec = DependsSpec(provider: "", isSecurity: marker == "Security")
        spec.location = SourceLocation(file: "", line: 0, column: markerOffset)
        var first = true
        while peek != .punct(")") {
            if !first { try expect(",", "between arguments") }
            if peek == .punct(")") { break }
            first = false
            guard case .name(let word) = next() else {
                throw Failure(message: "expected a provider name or keyword argument in \(marker)(...)", offset: toks[pos - 1].1)
            }
            let wordOffset = toks[pos - 1].1
            if peek == .punct("=") {
                pos += 1
                switch word {
                case "use_cache":
                    guard case .name(let b) = next(), b == "True" || b == "False" else {
                        throw Failure(message: "use_cache takes True or False", offset: toks[pos - 1].1)
                    }
                    spec.useCache = b == "True"
                case "scope":
                    guard case .str(let s) = next() else {
                        throw Failure(message: "scope takes a string: \"function\" or \"request\"", offset: toks[pos - 1].1)
                    }
                    spec.scope = s
                    spec.scopeLocation = SourceLocation(file: "", line: 0, column: wordOffset)
                case "scopes":
                    try expect("[", "to open the scopes list")
                    while peek != .punct("]") {
                        guard case .str(let s) = next() else { throw Failure(message: "scopes are strings, e.g. [\"items\"]", offset: toks[pos - 1].1) }
                        spec.scopes.append(s)
                        if peek == .punct(",") { pos += 1 }
                    }
                    pos += 1
                    if !spec.isSecurity {
                        throw Failure(message: "Depends() takes no scopes", offset: wordOffset, hint: "use Security(\(spec.provider), scopes=[...])")
                    }
                case "max_concurrency":
                    spec.maxConcurrencyLocation = SourceLocation(file: "", line: 0, column: wordOffset)
                    switch next() {
                    case .num(let n): spec.maxConcurrency = Int(n).map { $0 >= 1 ? .limit($0) : .invalid(n) } ?? .invalid(n)
                    case .name("None"): spec.maxConcurrency = nil
                    case .name(let n): spec.maxConcurrency = .invalid(n)
                    case .str(let s): spec.maxConcurrency = .invalid("'\(s)'")
                    default: throw Failure(message: "max_concurrency takes a positive int, e.g. max_concurrency=2", offset: toks[pos - 1].1)
                    }
                case "dependency":
                    guard case .name(let n) = next() else { throw Failure(message: "expected a provider name", offset: toks[pos - 1].1) }
                    spec.provider = n
                default:
                    throw Failure(message: "\(marker)() has no argument '\(word)'", offset: wordOffset,
                                  hint: marker == "Depends" ? "Depends takes a provider, use_cache=, scope= and max_concurrency=" : "Security takes a provider, scopes= and use_cache=")
                }
            } else {
                if let entry = Unmodelled.providers[word] { throw Unmodelled.failure(word, entry, offset: wordOffset) }
                spec.provider = word
                // Point diagnostics about the provider (unknown name, cycle) at its name.
                spec.location = SourceLocation(file: "", line: 0, column: wordOffset)
            }
        }
        pos += 1
        return .depends(spec)
    }
}
