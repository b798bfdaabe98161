import DILab

/// `models:` as the pydantic classes a FastAPI developer writes (`class EmailContent(BaseModel): ...`), and the
/// annotations of parameters typed with them. Names passed the loader's Python-name checks; defaults and
/// constraint values are written as literals, never as code.
enum ModelWriter {
    /// The imports the classes need, or none when the scenario declares no model.
    static func imports(_ scenario: Scenario) -> [String] {
        guard !scenario.models.isEmpty else { return [] }
        let email = scenario.models.contains { $0.fields.contains { $0.type.usesEmail } }
        return ["from typing import Annotated, List, Optional",
                "from pydantic import BaseModel, Field" + (email ? ", EmailStr" : "")]
    }

    /// The classes, each after the models its fields name (the loader refused cycles).
    static func write(_ scenario: Scenario, into w: inout PythonWriter) {
        guard !scenario.models.isEmpty else { return }
        w.section("models")
        for m in ordered(scenario.models) {
            w.line("class \(m.name)(BaseModel):")
            if m.forbidsExtra { w.line("    model_config = {\"extra\": \"forbid\"}") }
            if m.fields.isEmpty, !m.forbidsExtra { w.line("    pass") }
            for f in m.fields { w.line("    " + field(f)) }
            w.line()
            w.line()
        }
    }

    static func field(_ f: ModelField) -> String {
        var text = "\(f.name): \(f.type.python)"
        if f.constraints.isEmpty {
            if let d = f.defaultValue { text += " = " + PythonSyntax.literal(d) }
            return text
        }
        var args = f.defaultValue.map { [PythonSyntax.literal($0)] } ?? []
        for c in f.constraints { args.append("\(c.keyword)=\(PythonSyntax.literal(c.value))") }
        return text + " = Field(\(args.joined(separator: ", ")))"
    }

    /// Depth-first: a model's field models before it, in declaration order otherwise.
    static func ordered(_ models: [BodyModel]) -> [BodyModel] {
        let byName = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var done: Set<String> = []
        var out: [BodyModel] = []
        func visit(_ m: BodyModel, depth: Int) {
            guard depth <= models.count, done.insert(m.name).inserted else { return }
            for n in m.fields.flatMap(\.type.modelNames) { if let inner = byName[n] { visit(inner, depth: depth + 1) } }
            out.append(m)
        }
        models.forEach { visit($0, depth: 0) }
        return out
    }

    /// `response_model=User, response_model_exclude_unset=True, response_model_include={"id", "name"}`.
    static func decoratorArgs(_ spec: ResponseModelSpec?) -> [String] {
        guard let spec else { return [] }
        // Options alone (a return annotation names the model) write no `response_model=`.
        var args = spec.declared ? ["response_model=" + (spec.target?.python ?? "None")] : []
        if spec.excludeUnset { args.append("response_model_exclude_unset=True") }
        if spec.excludeDefaults { args.append("response_model_exclude_defaults=True") }
        if spec.excludeNone { args.append("response_model_exclude_none=True") }
        func set(_ names: [String]) -> String { names.isEmpty ? "set()" : "{" + names.map(PythonSyntax.string).joined(separator: ", ") + "}" }
        if let i = spec.include { args.append("response_model_include=" + set(i)) }
        if let e = spec.exclude { args.append("response_model_exclude=" + set(e)) }
        return args
    }

    /// `content: EmailContent`, `owner: Owner | None = None`, `filters: Annotated[FilterParams, Query()]` (or Header(), Cookie()).
    static func param(_ name: String, _ p: RequestParam, model: String) -> (text: String, hasDefault: Bool) {
        let markers: [RequestParam.Source: String] = [.query: "Query", .header: "Header", .cookie: "Cookie"]
        if let marker = markers[p.source] { return ("\(name): Annotated[\(model), \(marker)()]", false) }
        let type = model + (p.optional ? " | None" : "")
        if let d = p.defaultValue { return ("\(name): \(type) = \(PythonSyntax.literal(d))", true) }
        if p.optional { return ("\(name): \(type) = None", true) }
        return ("\(name): \(type)", false)
    }
}
