/// Reads `context_vars:` (module-level `ContextVar`s) and the `sets_context:` lines of providers, routes, tasks
/// and middleware steps.
enum ContextVarReader {
    /// `context_vars: {request_id_var: {name: request_id, default: "-"}}`; `request_id_var: {}` or `~` for
    /// `ContextVar("request_id_var")` without a default.
    static func declarations(_ node: YNode) -> [ContextVarDecl] {
        node.mapping("context_vars").compactMap { p in
            guard p.keyNode.checkName(p.key, .global, what: "context variable") else { return nil }
            var decl = ContextVarDecl(name: p.key, label: p.key, location: p.keyNode.location)
            if p.value.isNull { return decl }
            for entry in p.value.mapping("context variable '\(p.key)'", allowed: ["name", "default", "doc"]) {
                switch entry.key {
                case "name":
                    // Free text: written into the export only as a string literal.
                    if let label = entry.value.string("the ContextVar's name") { decl.label = label }
                case "default":
                    guard let t = entry.value.template("the default"), case .value(let v) = t else {
                        entry.value.error("a context variable's default is a literal value", rule: "context-var",
                                          hint: "write the value itself, e.g. `default: \"-\"`; a `{{...}}` hole has no callable to run in")
                        continue
                    }
                    decl.defaultValue = v
                default: break
                }
            }
            return decl
        }
    }

    /// `sets_context: {request_id_var: "{{x_request_id}}"}`: `request_id_var.set(...)` for each, in order.
    static func sets(_ node: YNode) -> ContextSets {
        node.mapping("sets_context").compactMap { p in
            guard p.keyNode.checkName(p.key, .global, what: "context variable") else { return nil }
            return p.value.inertTemplate("a context variable's value").map { (p.key, $0) }
        }
    }
}
