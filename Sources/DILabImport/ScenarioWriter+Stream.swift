import DILab

/// A handler that returned a StreamingResponse: its `stream: {chunks: [...]}`, one template per chunk over the
/// handler's arguments and the chunk index `{{i}}`, from the chunks record mode saw its body iterator produce.
/// The pace (`every:`) is a duration, not recorded; calls that streamed different numbers of chunks are said.
extension ScenarioWriter {
    mutating func writeStream(_ cs: [RecordedCall], who: String, indent: String) {
        if app.middleware.contains(where: { $0.kind == .http }) {
            // The engine refuses it too: BaseHTTPMiddleware starts the body before call_next returns.
            unsupported("\(who) returns a StreamingResponse under an http middleware (not modelled)", indent: indent)
            line(indent + "returns: null")
            return
        }
        let streamed = cs.filter { $0.returned != nil }
        guard let count = streamed.first?.chunks?.count, streamed.allSatisfy({ $0.chunks?.count == count }) else {
            unsupported("\(who) returns a StreamingResponse on some calls only, or streams different numbers of chunks", indent: indent)
            line(indent + "returns: null")
            return
        }
        var chunks: [Value] = []
        // One template for every chunk first (`"chunk{{i}};"`): the chunks side by side are the evidence for `{{i}}`.
        let all = (0..<count).flatMap { j in streamed.map { TemplateInference.Sample(env: env($0) + [("i", .int(j))], value: .string($0.chunks![j])) } }
        if count > 1, case let (t, true) = TemplateInference.infer(all) {
            line(indent + "stream: {chunks: " + YAMLText.flow(.array(Array(repeating: t, count: count))) + "}")
            line(indent + YAMLText.comment("recorded: the chunks the StreamingResponse produced; their pace (every:) is not"))
            return
        }
        for j in 0..<count {
            let samples = streamed.map { TemplateInference.Sample(env: env($0) + [("i", .int(j))], value: .string($0.chunks![j])) }
            let (t, exact) = TemplateInference.infer(samples)
            guard exact else {
                unsupported("\(who)'s stream chunk \(j) differs between calls in a way dilab cannot template", indent: indent)
                line(indent + "returns: null")
                return
            }
            chunks.append(t)
        }
        line(indent + "stream: {chunks: " + YAMLText.flow(.array(chunks)) + "}")
        line(indent + YAMLText.comment("recorded: the chunks the StreamingResponse produced; their pace (every:) is not"))
    }
}
