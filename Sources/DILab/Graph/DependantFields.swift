extension DependantFacts {
    /// What the solver reads of a dependant at every use, as one immutable value. Each read of a `Dependant.Storage`
    /// `var` is a dynamic exclusivity check (`swift_beginAccess`, ~4.5% of the sixth pass's profile, about eight
    /// per use); a compiled dependant's `facts.fields` costs one, and an override's fresh subtree makes its own.
    struct Fields: Sendable {
        let name: String?
        let dependencies: [Dependant]
        let requestParams: [ResolvedParam]
        let backgroundTasksParam: String?
        let securityScopesParam: String?
        let requestObjectParam: String?
        let responseObjectParam: String?
        let isGenerator: Bool
        /// `scope="function"` on the use: its exit goes on the function stack.
        let functionScoped: Bool
        /// The use declares `max_concurrency` (a slot to take where the profile supports it).
        let limitsConcurrency: Bool
        /// Named sub-dependencies, request parameters and injected objects: what the argument dictionary is sized for.
        let argumentCount: Int

        init(_ d: Dependant) {
            name = d.name
            dependencies = d.dependencies
            requestParams = d.requestParams
            backgroundTasksParam = d.backgroundTasksParam
            securityScopesParam = d.securityScopesParam
            requestObjectParam = d.requestObjectParam
            responseObjectParam = d.responseObjectParam
            isGenerator = d.isGenerator
            functionScoped = d.use?.scope == "function"
            if case .limit? = d.use?.maxConcurrency { limitsConcurrency = true } else { limitsConcurrency = false }
            argumentCount = d.argumentCount
        }
    }
}
