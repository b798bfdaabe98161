/// The annotations a parameter shares with model fields, validated as pydantic validates them: `EmailStr` (in any
/// source) and a body `list[Item]` / `List[Item]` / `list[EmailStr]` of a declared model. Other generic arguments
/// (`list[str]`) keep the plain sequence reading.
extension ParamParser {
    /// `list[Item]`: notes the element when it is a declared model or EmailStr; an undeclared class name there is
    /// a typo once `models:` exists (else `list[Itme]` would silently skip validation).
    mutating func readElement(of name: String) throws {
        guard name == "list" || name == "List", toks.count > pos + 3, toks[pos + 2].0 == .punct("]"),
              case .name(let element) = toks[pos + 1].0 else { return }
        if element == "EmailStr" {
            typed = .list(.email)
        } else if models.contains(element) {
            typed = .list(.model(element))
        } else if ParamParser.knownTypes[element] == nil, element.first?.isUppercase == true, !models.isEmpty {
            let suggestion = Suggest.closest(to: element, in: models.sorted())
            throw Failure(message: "unknown model '\(element)' in \(name)[\(element)]: `models:` declares \(models.sorted().joined(separator: ", "))",
                          offset: toks[pos + 1].1,
                          hint: suggestion.map { "did you mean '\($0)'?" } ?? "declare it under `models:`, or write `list = Body()` for an unvalidated list")
        }
    }

    /// Puts the typed annotation on the parameter, refusing what FastAPI would not read that way.
    static func attach(_ typed: FieldType, to rp: inout RequestParam) throws {
        if case .list = typed, rp.source != .body, rp.source != .inferred {
            throw Failure(message: "a list of models or emails is read from the body, not a \(rp.source.rawValue) parameter", offset: 0,
                          hint: "drop the marker (`items: list[Item]`) or write `= Body()`")
        }
        if !rp.constraints.isEmpty {
            throw Failure(message: "constraints on an EmailStr or list parameter are not modelled", offset: 0,
                          hint: "see \(Unmodelled.page)#types")
        }
        if case .list = typed { rp.type = .list } else { rp.type = .str }
        rp.fieldType = typed
    }
}
