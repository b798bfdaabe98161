/// `Query(...)`, `Header(...)`, `Cookie(...)`, `Path(...)`, `Body(...)`: where a request parameter comes from, its
/// default, alias and constraints, and the literals they are written with.
extension ParamParser {
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
