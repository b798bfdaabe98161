@testable import DILab
import Testing

/// Seed 001's task dependencies (`returns_task:` and `task: "{{param}}"`), and the Depends spellings the loader keeps.
@Suite("task functions returned by a dependency; Depends spellings")
struct TaskFunctionTests {
    static let yaml = """
    providers:
      get_notifier: {returns_task: notify}
    tasks:
      notify: {params: [who]}
    routes:
      - POST /n:
          params: {bt: BackgroundTasks, notifier: Callable = Depends(get_notifier)}
          adds_tasks: [{task: "{{notifier}}", args: {who: ada}}]
    requests: [POST /n]
    """

    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "t.yaml"))
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test func theQueuedFunctionIsTheRealTaskInTheTrace() throws {
        let s = try ScenarioLoader.load(text: Self.yaml, file: "t.yaml")
        #expect(s.routes[0].addsTasks[0].task == "notify")
        #expect(s.routes[0].addsTasks[0].viaParam == "notifier")
        let events = Engine.run(try Validator.compile(s)).requests[0].events.map(\.compact)
        #expect(events.contains("task.add notify") && events.contains("task.start notify"), "\(events)")
    }

    @Test func aParameterWithoutATaskFunctionIsRefusedWhereItIsNamed() {
        let d = diagnostics(Self.yaml.replacingOccurrences(of: "{{notifier}}", with: "{{bt}}"))
        #expect(d.contains { $0.rule == "task-function" && $0.location.line == 8 }, "\(d)")
    }

    @Test func anOverriddenTaskDependencyIsRefusedByName() {
        let d = diagnostics(Self.yaml + "\ndependency_overrides: {get_notifier: get_notifier}\n")
        #expect(d.contains { $0.rule == "task-function" && $0.message.contains("overridden dependency ('get_notifier')") }, "\(d)")
    }

    @Test func returnsAndReturnsTaskExcludeEachOther() {
        let d = diagnostics(Self.yaml.replacingOccurrences(of: "{returns_task: notify}", with: "{returns_task: notify, returns: 1}"))
        #expect(d.contains { $0.message.contains("both `returns` and `returns_task`") }, "\(d)")
    }

    @Test func theSpellingAndTheAnnotationAreKept() throws {
        func spec(_ text: String) throws -> DependsSpec {
            guard case .depends(let d) = try ParamParser.parse(text) else { throw DiagnosticList([]) }
            return d
        }
        #expect(try spec("Depends(get_db)").spelling == .bare)
        let defaulted = try spec("Session = Depends(get_db)")
        #expect(defaulted.spelling == .defaulted && defaulted.annotation == "Session" && !defaulted.shortcut)
        let annotated = try spec("Annotated[Session, Depends(get_db)]")
        #expect(annotated.spelling == .annotated && annotated.annotation == "Session")
        let shortcut = try spec("Commons = Depends()")
        #expect(shortcut.shortcut && shortcut.provider == "Commons")
        #expect(try spec("list[str] = Depends(get_db)").annotation == nil, "only a plain name is kept")
    }
}
