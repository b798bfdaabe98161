/// A scenario's own requests may only send EmailStr values dilab judges exactly (`EmailAddress.unmodelledReason`):
/// an internationalised, quoted or display-name address is refused at load, at the request, rather than answered
/// with a verdict email-validator might not give.
enum EmailRequestCheck {
    static func problems(_ scenario: Scenario, _ routes: [CompiledRoute]) -> [Diagnostic] {
        guard scenario.models.contains(where: { $0.fields.contains { $0.type.usesEmail } }) else { return [] }
        let models = Dictionary(scenario.models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Diagnostic] = []
        for r in scenario.requests where !r.isWebSocket {
            guard let body = r.body, case .found(let i, _) = RouteMatcher.matchIndex(routes, method: r.method, path: r.path) else { continue }
            let route = routes[i]
            for p in route.bodyParams {
                guard let name = p.spec.model, let model = models[name] else { continue }
                let raw = route.embedsBody ? body[p.key] : body
                guard let raw else { continue }
                for (text, reason) in unmodelled(raw, model, models) {
                    out.append(Diagnostic(location: r.location, rule: "email",
                                          message: "EmailStr value '\(text)': \(reason), so dilab cannot give email-validator's verdict",
                                          hint: "send a plain ASCII address (name@example.com); see docs/scenario-format.md, Body models"))
                }
            }
        }
        return out
    }

    /// Strings at EmailStr positions of `raw` that dilab does not judge, walked without recursion.
    static func unmodelled(_ raw: Value, _ model: BodyModel, _ models: [String: BodyModel]) -> [(String, String)] {
        var out: [(String, String)] = []
        var todo: [(Value, FieldType)] = [(raw, .model(model.name))]
        var steps = 0
        while let (value, type) = todo.popLast(), steps < 100_000 {
            steps += 1
            switch (type, value) {
            case (.email, .string(let s)):
                if let reason = EmailAddress.unmodelledReason(s) { out.append((String(s.prefix(60)), reason)) }
            case (.optional(let inner), _): todo.append((value, inner))
            case (.list(let inner), .array(let items)): todo += items.map { ($0, inner) }
            case (.model(let n), .object(let pairs)):
                guard let m = models[n] else { continue }
                for f in m.fields where f.type.usesEmail || !f.type.modelNames.isEmpty {
                    if let v = pairs.last(where: { $0.0 == f.name })?.1 { todo.append((v, f.type)) }
                }
            default: break
            }
        }
        return out
    }
}
