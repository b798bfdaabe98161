import DILab

extension FastAPIExporter {
    /// `request_id_var: ContextVar = ContextVar("request_id", default=...)` for each `context_vars:` entry: the
    /// name was checked at load as a module-level Python name; the label and default go in as data literals.
    func contextVars(into w: inout PythonWriter) {
        guard !scenario.contextVars.isEmpty else { return }
        w.section("context variables")
        for d in scenario.contextVars {
            let dflt = d.defaultValue.map { ", default=" + PythonSyntax.literal($0) } ?? ""
            w.line("\(d.name): ContextVar = ContextVar(\(PythonSyntax.string(d.label))\(dflt))")
        }
    }
}
