import DILab

/// The type annotations a scenario wrote on its dependency parameters (`config: EmailConfig = Depends(...)`), kept in
/// the export. FastAPI does not read a `Depends` parameter's annotation (only `Depends()` uses it, as the callable),
/// so a type the export does not define is declared as a stand-in class; a name that could mean anything else
/// (lower-case, reserved, a built-in) is left out rather than written.
enum Annotations {
    static let builtinTypes: Set<String> = ["int", "str", "float", "bool", "dict", "list", "Any", "Callable"]

    /// Whether the name may stand in an annotation: a built-in type, or a capitalised name no export defines.
    static func writable(_ name: String) -> Bool {
        guard PythonName.isIdentifier(name) else { return false }
        if builtinTypes.contains(name) { return true }
        return name.first?.isUppercase == true && !PythonName.reserved.contains(name) && !PythonName.builtins.contains(name)
    }

    /// The annotation names of `scenario` the export must declare: written, not built in, and not a class it defines.
    static func standIns(_ scenario: Scenario) -> [String] {
        var params = scenario.routes.flatMap(\.params) + scenario.providers.flatMap(\.params)
        params += scenario.routes.flatMap { $0.webSocket == nil ? [] : $0.params }
        var out: [String] = []
        let defined = Set(scenario.providers.filter { $0.form == .classType }.map(\.name)).union(FastAPIExporter.customExceptions(scenario))
            .union(scenario.models.map(\.name))
        for p in params {
            guard let type = p.depends?.annotation, p.depends?.alias == nil, writable(type), !builtinTypes.contains(type) else { continue }
            // A name the scenario uses for something else (a function, a router) would be redefined: left out.
            if defined.contains(type) || out.contains(type) { continue }
            if scenario.provider(named: type) != nil || scenario.task(named: type) != nil || scenario.router(named: type) != nil { continue }
            if scenario.routes.contains(where: { $0.handlerName == type }) || scenario.providers.contains(where: { $0.instanceOf == type }) { continue }
            out.append(type)
        }
        return out
    }

    static func write(_ scenario: Scenario, into w: inout PythonWriter) {
        let names = standIns(scenario)
        guard !names.isEmpty else { return }
        w.section("the types the scenario's parameters name")
        for n in names {
            w.line()
            w.line()
            w.line("class \(n):")
            w.indented { $0.line("\"\"\"Stands for the app's \(n); FastAPI does not read a Depends parameter's annotation.\"\"\"") }
        }
    }
}
