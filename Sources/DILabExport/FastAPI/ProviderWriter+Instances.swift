import DILab

/// Callable instances (`instance_of:`): the class each is made from, shared between instances that read alike.
extension ProviderWriter {
    /// The class a callable instance is made from, named as the scenario's `instance_of:` says, so import reads the
    /// same name back. Instances whose classes would read alike share one class, as FastAPI's FixedContentQueryChecker
    /// tutorial writes it (each instance names itself through `dilab_name`). Suffixed with the instance's name when
    /// the siblings' bodies differ or the module already defines the name (a `class: true` provider, a task, a
    /// router, a handler, an exception class), so no name is defined twice.
    func instanceClassName(_ p: Provider) -> String {
        let base = p.instanceOf ?? "Callable"
        let taken = scenario.provider(named: base) != nil || scenario.task(named: base) != nil || scenario.router(named: base) != nil
            || scenario.routes.contains { $0.handlerName == base } || FastAPIExporter.customExceptions(scenario).contains(base)
        if taken { return "\(base)_\(p.name)" }
        let texts = Set(instanceSiblings(p).map { instanceClassText($0, named: base) })
        return texts.count == 1 ? base : "\(base)_\(p.name)"
    }

    func instanceSiblings(_ p: Provider) -> [Provider] {
        scenario.providers.filter { $0.form == .instance && $0.instanceOf == p.instanceOf }
    }

    /// Whether `p` is where its class is defined: always for a class of its own, else the first sibling written.
    func writesClass(_ p: Provider) -> Bool {
        let cls = instanceClassName(p)
        guard cls == (p.instanceOf ?? "Callable") else { return true }
        let siblings = Set(instanceSiblings(p).map(\.name))
        return (writtenOrder.first(where: siblings.contains) ?? p.name) == p.name
    }

    func instanceClassText(_ p: Provider, named cls: String) -> String {
        var w = PythonWriter()
        writeInstanceClass(p, named: cls, into: &w)
        return w.text
    }

    func writeInstanceClass(_ p: Provider, named cls: String, into w: inout PythonWriter) {
        let needsTasks = !p.addsTasks.isEmpty || !p.cleanup.addsTasks.isEmpty
        let bt = backgroundTasksParam(p.params, needed: needsTasks)
        // Without `@functools.wraps` the loader gave the provider the wrapper's `args` and `kwargs`; `__call__` takes none.
        let own = p.wrappedBy?.keepsWrapped == false ? [] : p.params
        let params = Signatures.list(own, late: late[p.name] ?? [], extraBackgroundTasks: bt?.extra == true ? bt?.name : nil)
        let def = p.isAsync ? "async def" : "def"
        w.line("class \(cls):")
        w.indented { w in
            w.line("\"\"\"A callable instance: each instance is its own dependency (and its own cache key).\"\"\"")
            w.line()
            w.line("def __init__(self, dilab_name: str):")
            w.indented { $0.line("self.dilab_name = dilab_name") }
            w.line()
            if let wrapped = p.wrappedBy, wrapped.decoratesCall { w.line("@\(wrapped.decorator)") }
            w.line("\(def) __call__(self" + (params.isEmpty ? "" : ", " + params) + "):")
            w.indented { w in writeBody(p, subject: "self.dilab_name", bt: bt?.name, isClass: false, into: &w) }
        }
    }
}
