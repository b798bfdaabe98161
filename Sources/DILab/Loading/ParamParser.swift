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

    /// `Header()`, `Header(None)`, `Query(5)`, `Header(alias="X-Token")`, `Query(default=3)`.
    mutating func parseSource(type: RequestParam.ValueType, optional: Bool, typeGiven: Bool) throws -> RequestParam {
        guard case .name(let marker) = next(), let source = ParamParser.requestSources[marker] else { fatalError("unreachable") }
        try expect("(", "after \(marker)")
        var rp = RequestParam(source: source, type: type, optional: optional)
        var constraintOffsets: [Int] = []
        var first = true
        while peek != .punct(")") {
            if !first { try expect(",", "between arguments") }
            first = false
            if case .name(let kw) = peek, toks[pos + 1].0 == .punct("=") {
                pos += 2
                switch kw {
                case "default": rp.defaultValue = try parseLiteral()
                case "alias":
                    guard case .str(let a) = next() else { throw Failure(message: "alias takes a string", offset: toks[pos - 1].1) }
                    rp.alias = a
                case "embed", "convert_underscores", "media_type":
                    let at = toks[pos - 2].1
                    let value = try parseLiteral()
                    if let refused = Unmodelled.markerArguments[kw], refused.changing.map({ $0 == value }) ?? true {
                        throw Unmodelled.failure("\(marker)(\(kw)=...)", refused.entry, offset: at)
                    }
                case "description", "title":
                    _ = try parseLiteral()
                case _ where ParamParser.constraintKeywords.contains(kw):
                    guard source != .body else {
                        throw Failure(message: "Body() constraints are not modelled; dilab reads \(kw)= on Path, Query, Header and Cookie", offset: toks[pos - 2].1)
                    }
                    let at = toks[pos - 2].1
                    let value = try parseLiteral()
                    if rp.constraints.contains(where: { $0.keyword == kw || Set([$0.keyword, kw]) == ["pattern", "regex"] }) {
                        throw Failure(message: "\(kw)= is given twice", offset: at)
                    }
                    rp.constraints.append(ParamConstraint(keyword: kw, value: value))
                    constraintOffsets.append(at)
                default: throw Failure(message: "\(marker)() has no argument '\(kw)' here", offset: toks[pos - 2].1)
                }
            } else if case .name(let t) = peek, ParamParser.knownTypes[t] != nil, !typeGiven {
                pos += 1
                rp.type = ParamParser.knownTypes[t]!
            } else {
                if peek == .punct(".") || peek == .name("...") { pos += 1; continue }
                rp.defaultValue = try parseLiteral()
            }
        }
        pos += 1
        if rp.type == .list, source != .body {
            throw Unmodelled.failure("list[...] = \(marker)()", Unmodelled.Entry(
                sentence: "dilab reads one value per name, so a repeated \(marker.lowercased()) parameter (?tags=a&tags=b) would come out wrong", anchor: "types"), offset: 0)
        }
        if rp.defaultValue == .null { rp.optional = true }
        for (c, at) in zip(rp.constraints, constraintOffsets) { try ParamParser.checkConstraint(c, type: rp.type, offset: at) }
        return rp
    }

    static let constraintKeywords: Set<String> = ["gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern", "regex"]

    /// What pydantic accepts when it builds the validator (else FastAPI fails at import, which dilab does not model):
    /// bounds on an int are ints, on a float numbers; `multiple_of` is positive; lengths are ints >= 0 on a str; a
    /// pattern is a string the Rust regex crate compiles, within what `ConstraintPattern` evaluates exactly.
    static func checkConstraint(_ c: ParamConstraint, type: RequestParam.ValueType, offset: Int) throws {
        switch c.keyword {
        case "gt", "ge", "lt", "le", "multiple_of":
            switch (type, c.value) {
            case (.int, .int), (.float, .int): break
            case (.float, .double(let d)) where d.isFinite: break
            case (.int, .double):
                throw Failure(message: "\(c.keyword)= on an int parameter takes an int", offset: offset,
                              hint: "pydantic refuses a float bound on an int ('\(c.keyword)' must be coercible to an integer); use float or an int bound")
            case (.int, _), (.float, _):
                throw Failure(message: "\(c.keyword)= takes a number", offset: offset)
            default:
                throw Failure(message: "\(c.keyword)= applies to int and float parameters, not \(type.rawValue)", offset: offset)
            }
            if c.keyword == "multiple_of" {
                let positive: Bool
                switch c.value { case .int(let i): positive = i > 0; case .double(let d): positive = d > 0; default: positive = false }
                guard positive else { throw Failure(message: "multiple_of= must be greater than 0", offset: offset) }
            }
        case "min_length", "max_length":
            guard type == .str else { throw Failure(message: "\(c.keyword)= applies to str parameters here, not \(type.rawValue)", offset: offset) }
            guard case .int(let n) = c.value, n >= 0 else { throw Failure(message: "\(c.keyword)= takes an int >= 0", offset: offset) }
        default:  // pattern, regex
            guard type == .str else { throw Failure(message: "\(c.keyword)= applies to str parameters, not \(type.rawValue)", offset: offset) }
            guard case .string(let text) = c.value else { throw Failure(message: "\(c.keyword)= takes a string", offset: offset) }
            do {
                _ = try ConstraintPattern(text)
            } catch {
                throw Failure(message: error.message, offset: offset,
                              hint: "dilab evaluates literals, ., ^, $, [classes], \\d \\w \\s, groups, | and * + ? {n,m}; no flags, look-around, back-references or \\b")
            }
        }
    }

    /// A Python literal: number, string, True/False/None, a list or dict of literals.
    mutating func parseLiteral() throws -> Value {
        let at = offset
        switch next() {
        case .num(let n):
            if let i = Int(n) { return .int(i) }
            if let d = Double(n) { return .double(d) }
        case .str(let s): return .string(s)
        case .name("True"): return .bool(true)
        case .name("False"): return .bool(false)
        case .name("None"): return .null
        case .punct("["):
            var items: [Value] = []
            while peek != .punct("]") {
                items.append(try parseLiteral())
                if peek == .punct(",") { pos += 1 }
                if peek == .end { throw Failure(message: "unclosed '['", offset: offset) }
            }
            pos += 1
            return .array(items)
        case .punct("{"):
            var pairs: [(String, Value)] = []
            while peek != .punct("}") {
                guard case .str(let k) = next() else { throw Failure(message: "dict keys are strings", offset: toks[pos - 1].1) }
                try expect(":", "after a dict key")
                pairs.append((k, try parseLiteral()))
                if peek == .punct(",") { pos += 1 }
                if peek == .end { throw Failure(message: "unclosed '{'", offset: offset) }
            }
            pos += 1
            return .object(pairs)
        default: break
        }
        throw Failure(message: "expected a default value (a number, a 'string', True, False or None)", offset: at)
    }
}

import Foundation
