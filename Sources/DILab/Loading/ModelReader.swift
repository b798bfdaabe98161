/// Reads `models:`: each class a mapping of fields written as in the class body —
/// `recipients: List[EmailStr]`, `price: float = Field(gt=0)`, `owner: Owner | None = None`.
enum ModelReader {
    /// Field names pydantic refuses or reserves (`BaseModel`'s own attributes): a field would shadow them.
    static let shadowed: Set<String> = ["dict", "json", "copy", "construct", "schema", "schema_json", "validate",
                                        "parse_obj", "parse_raw", "parse_file", "from_orm", "update_forward_refs"]

    /// Names a field annotation may read; a field named like one would shadow it inside the class body.
    static let typeNames: Set<String> = ["str", "int", "float", "bool", "dict", "list", "Any", "EmailStr", "List", "Optional", "Field", "None"]

    static func models(_ node: YNode) -> [BodyModel] {
        let pairs = node.mapping("models")
        let names = Set(pairs.map(\.key))
        var out: [BodyModel] = []
        for p in pairs {
            guard p.keyNode.checkName(p.key, .global, what: "model name") else { continue }
            guard p.key.first?.isUppercase == true, ParamParser.knownTypes[p.key] == nil, !ParamParser.injected.contains(p.key) else {
                p.keyNode.error("a model names a class: start it with a capital letter, and not a type FastAPI or pydantic already names",
                                hint: "e.g. `EmailContent: {subject: str, recipients: List[EmailStr]}`")
                continue
            }
            var fields: [ModelField] = []
            var forbidsExtra = false
            for f in p.value.mapping("model '\(p.key)'") {
                if f.key == "model_config" {
                    forbidsExtra = ModelConfigReader.forbidsExtra(f.value)
                    continue
                }
                guard f.keyNode.checkName(f.key, .attribute, what: "field name") else { continue }
                if typeNames.contains(f.key) || names.contains(f.key) {
                    f.keyNode.error("field name '\(f.key)' names a type: in the class body it would hide that type from the fields after it",
                                    hint: "rename the field, e.g. \(f.key)_value")
                    continue
                }
                if f.key.hasPrefix("_") || f.key.hasPrefix("model_") || shadowed.contains(f.key) {
                    f.keyNode.error("field name '\(f.key)': pydantic reads a leading `_` as a private attribute and refuses names that shadow BaseModel's (`model_...`, `dict`, `json`, ...)",
                                    hint: "rename the field")
                    continue
                }
                guard let text = f.value.scalar, !f.value.isNull else {
                    f.value.error("field '\(f.key)' needs a type", hint: "e.g. `\(f.key): str`, `\(f.key): int = Field(gt=0)`")
                    continue
                }
                do {
                    var field = try ParamParser.parseField(text, models: names)
                    field.name = f.key
                    field.location = f.keyNode.location
                    fields.append(field)
                } catch let e as ParamParser.Failure {
                    f.value.error("bad field '\(f.key)': \(e.message)", rule: "model",
                                  hint: e.hint ?? "examples: str, int = 3, List[EmailStr], Owner | None = None, float = Field(gt=0)",
                                  at: f.value.location.offset(by: e.offset + (f.value.isQuoted ? 1 : 0)))
                } catch {}
            }
            var model = BodyModel(name: p.key, fields: fields, location: p.keyNode.location)
            model.forbidsExtra = forbidsExtra
            out.append(model)
        }
        reportStructure(out, node: node)
        return out
    }

    /// How deep models may nest (a model in a model in ...): validation, serialization and the export walk it.
    static let maxNesting = 32

    /// Refuses recursive models (a model that contains itself, or a model that does, through its fields: dilab
    /// validates by walking fields and does not model pydantic's self-referencing models) and chains nested
    /// deeper than `maxNesting`. One topological peel, no recursion: the text is untrusted and may be large.
    static func reportStructure(_ models: [BodyModel], node: YNode) {
        let names = Set(models.map(\.name))
        var refs: [String: Set<String>] = [:]
        var users: [String: [String]] = [:]
        for m in models where refs[m.name] == nil {
            let r = Set(m.fields.flatMap(\.type.modelNames).filter(names.contains))
            refs[m.name] = r
            for n in r { users[n, default: []].append(m.name) }
        }
        var pending = refs.mapValues(\.count)
        var ready = pending.filter { $0.value == 0 }.map(\.key).sorted()
        var depth: [String: Int] = [:]
        while let next = ready.popLast() {
            depth[next] = 1 + (refs[next]?.compactMap { depth[$0] }.max() ?? 0)
            for u in users[next] ?? [] {
                pending[u]! -= 1
                if pending[u] == 0 { ready.append(u) }
            }
        }
        for m in models {
            if let d = depth[m.name] {
                if d > maxNesting {
                    node.error("model '\(m.name)' nests models more than \(maxNesting) levels deep", rule: "model",
                               hint: "flatten the chain: give an inner field a plain `dict` type", at: m.location)
                }
            } else {
                node.error("model '\(m.name)' contains itself (through its fields, or a model that does): recursive models are not modelled by dilab",
                           rule: "model", hint: "break the cycle: give the inner reference a plain `dict` type", at: m.location)
            }
        }
    }
}

extension ParamParser {
    /// The names FastAPI injects by annotation: not model names.
    static let injected: Set<String> = ["BackgroundTasks", "SecurityScopes", "WebSocket", "Request", "Response", "BaseModel", "List", "Optional",
                                        "Field", "Annotated", "HTTPConnection", "StarletteRequest", "None", "True", "False"]

    /// `TYPE`, `TYPE = LITERAL`, `TYPE = Field(...)`: one model field (its name and location are the caller's).
    static func parseField(_ text: String, models: Set<String>) throws -> ModelField {
        var p = ParamParser()
        p.models = models
        p.toks = try tokenize(text)
        let type = try p.fieldType(depth: 0)
        var field = ModelField(name: "", type: type)
        if p.peek == .punct("=") {
            p.pos += 1
            if p.peek == .name("Field") { try p.fieldCall(&field) } else { field.defaultValue = try p.parseLiteral() }
        }
        guard p.peek == .end else { throw Failure(message: "unexpected text after the field", offset: p.offset) }
        return field
    }

    /// A field annotation; `depth` bounds `List[List[...]]` nesting (the text is untrusted).
    mutating func fieldType(depth: Int) throws -> FieldType {
        guard depth < 8 else { throw Failure(message: "the type nests more than 8 levels deep", offset: offset) }
        let at = offset
        guard case .name(let name) = next() else { throw Failure(message: "expected a type", offset: at) }
        var type: FieldType
        switch name {
        case "list", "List":
            try expect("[", "after \(name): \(name)[T]")
            type = .list(try fieldType(depth: depth + 1))
            try expect("]", "to close \(name)[...]")
        case "Optional":
            try expect("[", "after Optional")
            type = .optional(try fieldType(depth: depth + 1))
            try expect("]", "to close Optional[...]")
        case "EmailStr": type = .email
        case "str", "int", "float", "bool", "dict", "Any":
            type = .scalar(ParamParser.knownTypes[name]!)
        case "None":
            guard peek == .punct("|") else { throw Failure(message: "a field of type None alone is not modelled", offset: at) }
            pos += 1
            return .optional(try fieldType(depth: depth + 1))
        default:
            guard models.contains(name) else {
                let known = ["str", "int", "float", "bool", "dict", "Any", "EmailStr", "List", "Optional"] + models.sorted()
                throw Failure(message: "unknown field type '\(name)'", offset: at,
                              hint: Suggest.closest(to: name, in: known).map { "did you mean '\($0)'?" }
                                ?? "use str, int, float, bool, dict, Any, EmailStr, List[T], Optional[T], T | None or a model declared under `models:`")
            }
            type = .model(name)
        }
        if peek == .punct("|") {
            pos += 1
            guard next() == .name("None") else { throw Failure(message: "only `T | None` unions are modelled", offset: toks[pos - 1].1) }
            type = .optional(type)
        }
        return type
    }

    /// `Field(default, gt=..., max_length=..., pattern=...)`: a default and the constraints `Query()` takes.
    mutating func fieldCall(_ field: inout ModelField) throws {
        pos += 1
        try expect("(", "after Field")
        var first = true
        while peek != .punct(")") {
            if !first { try expect(",", "between arguments") }
            first = false
            if peek == .punct(")") { break }
            if case .name(let kw) = peek, toks[pos + 1].0 == .punct("=") {
                let at = offset
                pos += 2
                switch kw {
                case "default": field.defaultValue = try parseLiteral()
                case "description", "title": _ = try parseLiteral()
                case _ where ParamParser.constraintKeywords.contains(kw):
                    let c = ParamConstraint(keyword: kw, value: try parseLiteral())
                    if field.constraints.contains(where: { $0.keyword == kw || Set([$0.keyword, kw]) == ["pattern", "regex"] }) {
                        throw Failure(message: "\(kw)= is given twice", offset: at)
                    }
                    guard let scalar = field.type.constrained else {
                        throw Failure(message: "\(kw)= on a \(field.type.python) field is not modelled", offset: at,
                                      hint: "dilab checks Field() constraints on str, int, float and EmailStr fields")
                    }
                    try ParamParser.checkConstraint(c, type: scalar, offset: at)
                    field.constraints.append(c)
                default:
                    throw Failure(message: "Field() argument '\(kw)' is not modelled", offset: at,
                                  hint: "dilab reads Field(default, gt=, ge=, lt=, le=, multiple_of=, min_length=, max_length=, pattern=, description=, title=)")
                }
            } else if peek == .name("...") || peek == .name("Ellipsis") {
                pos += 1
            } else {
                field.defaultValue = try parseLiteral()
            }
        }
        pos += 1
    }
}
