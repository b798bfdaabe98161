/// A background task function.
public struct TaskDef: Sendable {
    public var name: String
    public var location: SourceLocation
    public var isAsync: Bool
    public var duration: Int
    /// The provider whose resource the task touches; used to flag use after cleanup.
    public var uses: [String]
    public var raises: [RaiseSpec]
    public var params: [String]
    /// `var.set(value)` lines (`sets_context:`), after its pause.
    public var contextSets: ContextSets = []
    public init(name: String, location: SourceLocation = .unknown, isAsync: Bool = false, duration: Int = 0,
                uses: [String] = [], raises: [RaiseSpec] = [], params: [String] = []) {
        self.name = name
        self.location = location
        self.isAsync = isAsync
        self.duration = duration
        self.uses = uses
        self.raises = raises
        self.params = params
    }
}

/// `background_tasks.add_task(task, **args)`.
public struct TaskCall: Sendable {
    public var task: String
    /// `task: "{{notifier}}"`: the task is the function the parameter `notifier` holds (a `returns_task:` dependency);
    /// `task` is then that function's name, resolved when the scenario is loaded.
    public var viaParam: String?
    public var args: [(String, Template)]
    public var when: Condition?
    public var location: SourceLocation
    public init(task: String, args: [(String, Template)] = [], when: Condition? = nil, location: SourceLocation = .unknown) {
        self.task = task
        self.args = args
        self.when = when
        self.location = location
    }
}
