/// A parameter annotated like a model field (`email: EmailStr`, `items: list[Item]`): read as any value of its
/// source, then validated by the field rules (`ModelValidation`), so its errors carry pydantic's full `loc`
/// (`["body",1,"price"]`) and EmailStr's `value_error`.
extension RequestValues {
    func readTyped(_ p: ResolvedParam, _ typed: FieldType) -> (Value, [Value]) {
        var plain = p
        plain.spec.fieldType = nil
        plain.spec.type = .any  // the field rules check the shape: a non-list is list_type at the parameter's loc
        let (raw, e) = read(plain)
        if let e { return (.null, [e]) }
        if case .null = raw, p.spec.optional { return (.null, []) }
        guard isGiven(p) else { return (raw, []) }  // its default, which pydantic does not validate
        let loc: [Value] = p.source == .body ? (embedBody ? [.string("body"), .string(p.key)] : [.string("body")])
            : [.string(p.source.rawValue), .string(p.key)]
        return validateField(raw, typed, constraints: [], loc: loc, depth: 0)
    }

    /// Whether the request carries the parameter (else `read` gave its default).
    func isGiven(_ p: ResolvedParam) -> Bool {
        switch p.source {
        case .body: return isPresent(p)
        case .query: return request.query.contains { $0.0 == p.key }
        case .header: return request.headers.contains { $0.0.lowercased() == p.key.lowercased() }
        case .cookie: return cookies.contains { $0.0 == p.key }
        case .path: return pathValues[p.key] != nil
        case .inferred: return false
        }
    }
}
