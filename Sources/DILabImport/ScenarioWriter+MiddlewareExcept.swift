import DILab

/// An http middleware's `except:` blocks, from the runs where `call_next` raised and the dispatch answered instead
/// (`try: response = await call_next(request) except ValueError as exc: return JSONResponse(...)`). Record mode
/// sees the exception that reached the block, not the class the block names: `catch:` is the observed class.
extension ScenarioWriter {
    func exceptBlocks(caught: [MiddlewareRun], passed: [MiddlewareRun]) -> (blocks: [String], problem: String?) {
        var order: [String] = []
        for r in caught where !order.contains(r.nextRaised!.type) { order.append(r.nextRaised!.type) }
        var blocks: [String] = []
        for type in order {
            let group = caught.filter { $0.nextRaised!.type == type }
            if passed.contains(where: { $0.nextRaised!.type == type }) {
                return ([], "it caught \(type) on some requests and let it pass on others")
            }
            // scenario-format: a middleware's block catches one of Python's built-in exceptions.
            guard group.allSatisfy(\.nextRaisedBuiltin), PythonName.problem(type, as: .caughtException) == nil else {
                return ([], "it catches \(type), not one of Python's built-in exceptions")
            }
            let first = group[0]
            let bodies = group.compactMap { r in r.body.flatMap(Value.parse(json:)) }
            guard bodies.count == group.count, group.allSatisfy({ $0.status == first.status && $0.mediaType == "application/json" }) else {
                return ([], "what it answers when it catches \(type) is not one JSON response")
            }
            let samples = zip(group, bodies).map { r, body in
                TemplateInference.Sample(env: [("exc", .object([("type", .string(type)), ("message", .string(r.nextRaised!.message ?? ""))])),
                                               ("@request", .int(r.request))], value: body)
            }
            let (template, exact) = TemplateInference.infer(samples)
            guard exact else { return ([], "no template reproduces what it answers when it catches \(type)") }
            blocks.append("{catch: \(YAMLText.key(type)), respond: {status: \(first.status ?? 200), body: \(YAMLText.flow(template))}}")
        }
        return (blocks, nil)
    }
}
