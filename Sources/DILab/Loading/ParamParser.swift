/// Reads a parameter written the way it would stand in a Python signature:
/// `int`, `int = 3`, `str | None = Header(None)`, `str = Cookie()`, `Session = Depends(get_db)`,
/// `Depends(get_db, use_cache=False)`, `Security(get_user, scopes=["items"])`, `Annotated[str, Header()]`,
/// `BackgroundTasks`, `SecurityScopes`.
struct ParamParser {
    struct Failure: Error {
        var message: String
        var offset: Int
        var hint: String?
    }

    enum Tok: Equatable { case name(String), str(String), num(String), punct(Character), end }

    var toks: [(Tok, Int)] = []
    var pos = 0
    var aliases: [String: DependsSpec] = [:]
    /// The classes `models:` declares: a parameter annotated with one is validated as that model.
    var models: Set<String> = []
    /// What the last `parseType` read as pydantic validates it beyond the plain type (`EmailStr`, `list[Item]`).
    var typed: FieldType?

    static let requestSources: [String: RequestParam.Source] = [
        "Query": .query, "Path": .path, "Header": .header, "Cookie": .cookie, "Body": .body,
    ]
    static let knownTypes: [String: RequestParam.ValueType] = [
        "int": .int, "float": .float, "str": .str, "bool": .bool, "dict": .dict, "list": .list, "Any": .any,
        "EmailStr": .str, "List": .list, "Dict": .dict,
    ]

    static func parse(_ text: String, aliases: [String: DependsSpec] = [:], models: Set<String> = []) throws -> Param.Kind {
        var p = ParamParser()
        p.aliases = aliases
        p.models = models
        p.toks = try tokenize(text)
        var kind = try p.parseSpec()
        guard p.peek == .end else { throw Failure(message: "unexpected text after the parameter", offset: p.offset) }
        if case .request(var rp) = kind, let typed = p.typed {
            try ParamParser.attach(typed, to: &rp)
            kind = .request(rp)
        }
        return kind
    }

    /// A value that opens a `(` it does not close, followed by keys that close it: a flow mapping YAML split at
    /// a comma inside the call. Returns the call as written and the index of the first pair after it.
    static func flowSplit(_ pairs: [(key: String, value: String?)], at i: Int) -> (joined: String, next: Int)? {
        func depth(_ s: String) -> Int { ParamParser.bracketDepth(s) }
        guard let first = pairs[i].value, depth(first) > 0 else { return nil }
        var text = first
        var open = depth(first)
        var j = i + 1
        // A real split is a few pieces; the cap keeps many unclosed values from rescanning the rest each time.
        while j < pairs.count, open > 0, j - i <= 64 {
            let piece = pairs[j].key + (pairs[j].value.map { ": " + $0 } ?? "")
            text += ", " + piece
            open += depth(piece)
            j += 1
        }
        return open <= 0 && j > i + 1 ? (text, j) : nil
    }

    /// A dependency written in a `dependencies: [...]` list: `name`, `Depends(name, ...)` or `Security(...)`.
    static func parseDependency(_ text: String) throws -> DependsSpec {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.contains("("), trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
            return DependsSpec(provider: trimmed)
        }
        guard case .depends(let d) = try parse(text) else {
            throw Failure(message: "expected a dependency: a provider name, Depends(name) or Security(name, scopes=[...])", offset: 0)
        }
        return d
    }

    static func tokenize(_ text: String) throws -> [(Tok, Int)] {
        try asciiTokens(text) ?? characterTokens(text)
    }

    /// `tokenize` by Character, for any text (offsets are Character offsets, which are columns).
    static func characterTokens(_ text: String) throws -> [(Tok, Int)] {
        let chars = Array(text)
        var i = 0
        var out: [(Tok, Int)] = []
        while i < chars.count {
            let c = chars[i]
            let start = i
            if c == " " || c == "\t" { i += 1; continue }
            if c.isLetter || c == "_" {
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." { i += 1 }
                out.append((.name(String(chars[start..<i])), start))
            } else if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                i += 1
                while i < chars.count, chars[i].isNumber || chars[i] == "." { i += 1 }
                out.append((.num(String(chars[start..<i])), start))
            } else if c == "'" || c == "\"" {
                i += 1
                var s = ""
                while i < chars.count, chars[i] != c { s.append(chars[i]); i += 1 }
                guard i < chars.count else { throw Failure(message: "unterminated string", offset: start) }
                i += 1
                out.append((.str(s), start))
            } else if c == ".", i + 2 < chars.count, chars[i + 1] == ".", chars[i + 2] == "." {
                i += 3
                out.append((.name("..."), start))  // Ellipsis: `Field(...)`, `Query(...)` — required
            } else if "()[]=,|{}:".contains(c) {
                i += 1
                out.append((.punct(c), start))
            } else {
                throw Failure(message: "unexpected character '\(c)'", offset: start)
            }
        }
        out.append((.end, chars.count))
        return out
    }

    var peek: Tok { toks[pos].0 }
    var offset: Int { toks[pos].1 }
    mutating func next() -> Tok { defer { pos += 1 }; return toks[pos].0 }

    mutating func expect(_ c: Character, _ what: String) throws {
        guard peek == .punct(c) else { throw Failure(message: "expected '\(c)' \(what)", offset: offset) }
        pos += 1
    }

    /// `[TYPE] [= DEFAULT_OR_MARKER]` or a bare marker call.
    mutating func parseSpec() throws -> Param.Kind {
        if case .name(let n) = peek, n == "Depends" || n == "Security" { return try parseDepends() }
        if case .name(let n) = peek, ParamParser.requestSources[n] != nil {
            return .request(try parseSource(type: .str, optional: false, typeGiven: false))
        }
        if case .name("Annotated") = peek { return try parseAnnotated() }
        let typeStart = pos
        let (typeName, valueType, optional) = try parseType()
        let annotation = pos == typeStart + 1 && PythonName.isIdentifier(typeName) ? typeName : nil
        if var alias = aliases[typeName], valueType == nil, peek == .end {
            alias.alias = typeName
            return .depends(alias)
        }
        if typeName == "BackgroundTasks" { return .backgroundTasks }
        if typeName == "SecurityScopes" { return .securityScopes }
        if typeName == "WebSocket" { return .webSocket }
        if typeName == "Request" { return .requestObject }
        if typeName == "Response" { return .responseObject }
        // `x: JSONResponse = Depends(make)` names only the value's type: FastAPI injects nothing for it.
        let dependsDefault = peek == .punct("=") && [.name("Depends"), .name("Security")].contains(toks[pos + 1].0)
        if !dependsDefault, let entry = Unmodelled.types[typeName] { throw Unmodelled.failure(typeName, entry, offset: 0) }
        if !dependsDefault, valueType == nil, Unmodelled.looksLikeAlias(typeName) {
            throw Failure(message: "'\(typeName)' reads like an Annotated alias, but no `aliases:` entry declares it", offset: 0,
                          hint: "declare it, e.g. `aliases: {\(typeName): \"Annotated[T, Depends(provider)]\"}` (see \(Unmodelled.page)#annotated-aliases)")
        }
        if peek == .punct("=") {
            pos += 1
            if case .name(let n) = peek {
                if let entry = Unmodelled.markers[n] { throw Unmodelled.failure(n, entry, offset: offset) }
                if n == "Depends" || n == "Security" {
                    guard case .depends(var d) = try parseDepends() else { fatalError("unreachable") }
                    if d.provider.isEmpty { d.provider = typeName; d.shortcut = annotation != nil }
                    d.spelling = .defaulted
                    d.annotation = annotation
                    return .depends(d)
                }
                if ParamParser.requestSources[n] != nil {
                    var rp = try parseSource(type: valueType ?? .dict, optional: optional, typeGiven: true)
                    if valueType == nil { rp.model = try modelNamed(typeName) }
                    return .request(rp)
                }
            }
            let value = try parseLiteral()
            var rp = RequestParam(source: valueType == nil ? .body : .inferred, type: valueType ?? .dict,
                                  optional: optional, defaultValue: value)
            if valueType == nil { rp.model = try modelNamed(typeName) }
            return .request(rp)
        }
        guard let valueType else {
            // A capitalised unknown name is a Pydantic model, read from the body; a lower-case one is a typo.
            guard typeName.first?.isUppercase == true else {
                let suggestion = Suggest.closest(to: typeName, in: ParamParser.knownTypes.keys.sorted() + ["BackgroundTasks", "SecurityScopes"])
                throw Failure(message: "unknown type '\(typeName)'", offset: 0,
                              hint: suggestion.map { "did you mean '\($0)'?" } ?? "use int, float, str, bool, dict, list, a model class name, or Depends(...)")
            }
            var rp = RequestParam(source: .body, type: .dict, optional: optional)
            rp.model = try modelNamed(typeName)
            return .request(rp)
        }
        return .request(RequestParam(source: .inferred, type: valueType, optional: optional))
    }

    /// The declared model a class-name annotation names. Without a `models:` section a class name is a plain JSON
    /// body (a dict), as before models existed; with one, an undeclared class name is a typo, not a silent dict.
    func modelNamed(_ typeName: String) throws -> String? {
        if models.contains(typeName) { return typeName }
        guard !models.isEmpty, typeName.first?.isUppercase == true else { return nil }
        let suggestion = Suggest.closest(to: typeName, in: models.sorted())
        throw Failure(message: "unknown model '\(typeName)': `models:` declares \(models.sorted().joined(separator: ", "))", offset: 0,
                      hint: suggestion.map { "did you mean '\($0)'?" } ?? "declare it under `models:`, or write `dict = Body()` for an unvalidated JSON body")
    }

    /// `Annotated[T, Depends(x)]` or `Annotated[T, Header()]`.
    mutating func parseAnnotated() throws -> Param.Kind {
        pos += 1
        try expect("[", "after Annotated")
        let typeStart = pos
        let (typeName, valueType, optional) = try parseType()
        let typeOffset = toks[pos - 1].1
        let annotation = pos == typeStart + 1 && PythonName.isIdentifier(typeName) ? typeName : nil
        try expect(",", "between the type and the marker in Annotated[...]")
        if ![.name("Depends"), .name("Security")].contains(peek), let entry = Unmodelled.types[typeName] {
            throw Unmodelled.failure(typeName, entry, offset: typeOffset)
        }
        guard case .name(let marker) = peek else {
            throw Failure(message: "Annotated metadata other than Depends(...), Security(...) or Query/Path/Header/Cookie/Body(...) is not modelled",
                          offset: offset, hint: "see \(Unmodelled.page)#annotated-metadata")
        }
        if let entry = Unmodelled.markers[marker] { throw Unmodelled.failure(marker, entry, offset: offset) }
        let kind: Param.Kind
        if marker == "Depends" || marker == "Security" {
            guard case .depends(var d) = try parseDepends() else { fatalError("unreachable") }
            if d.provider.isEmpty { d.provider = typeName; d.shortcut = annotation != nil }
            d.spelling = .annotated
            d.annotation = annotation
            kind = .depends(d)
        } else if ParamParser.requestSources[marker] != nil {
            var rp = try parseSource(type: valueType ?? .dict, optional: optional, typeGiven: true)
            if valueType == nil { rp.model = try modelNamed(typeName) }
            try expect("]", "to close Annotated[...]")
            if peek == .punct("=") { pos += 1; rp.defaultValue = try parseLiteral() }
            return .request(rp)
        } else {
            throw Failure(message: "unknown marker '\(marker)': Annotated metadata other than Depends, Security, Query, Path, Header, Cookie or Body is not modelled",
                          offset: offset, hint: "see \(Unmodelled.page)#annotated-metadata")
        }
        try expect("]", "to close Annotated[...]")
        return kind
    }

    /// `int`, `str | None`, `Optional[int]`, `list[str]`, or a class name.
    mutating func parseType() throws -> (String, RequestParam.ValueType?, Bool) {
        guard case .name(var name) = next() else {
            throw Failure(message: "expected a type (int, str, float, bool) or Depends(...)", offset: toks[pos - 1].1,
                          hint: "examples: int, str = 'x', str = Header(), Depends(get_db)")
        }
        var optional = false
        if name == "Optional" {
            try expect("[", "after Optional")
            let inner = try parseType()
            try expect("]", "to close Optional[...]")
            return (inner.0, inner.1, true)
        }
        typed = name == "EmailStr" ? .email : nil
        if peek == .punct("[") {
            try readElement(of: name)
            // Generic arguments such as list[str] or dict[str, int]: skip them.
            var depth = 0
            repeat {
                if peek == .punct("[") { depth += 1 }
                if peek == .punct("]") { depth -= 1 }
                if peek == .end { throw Failure(message: "unclosed '['", offset: offset) }
                pos += 1
            } while depth > 0
        }
        while peek == .punct("|") {
            pos += 1
            guard case .name(let other) = next() else { throw Failure(message: "expected a type after '|'", offset: toks[pos - 1].1) }
            if other == "None" { optional = true } else if name == "None" { name = other; optional = true }
        }
        return (name, ParamParser.knownTypes[name], optional)
    }
}

import Foundation
