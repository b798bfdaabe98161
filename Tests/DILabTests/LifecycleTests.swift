@testable import DILab
import Testing

/// Core rule 3 and p03/p06/p07: the two exit stacks, per profile.
@Suite("Yield dependencies and cleanup")
struct LifecycleTests {
    static func p03(outer: String = "Depends(outer)", sibling: String = "Depends(sibling)", inner: String = "Depends(inner)") -> String {
        """
        providers:
          inner: {yield: true}
          outer: {yield: true, async: true, params: {i: "\(inner)"}}
          sibling: {yield: true, async: true}
        tasks:
          bg1: {async: true}
          bg2: {}
        routes:
          - GET /x:
              params: {o: "\(outer)", s: "\(sibling)", background_tasks: BackgroundTasks}
              adds_tasks: [bg1, bg2]
        """
    }

    static let setups = ["setup inner", "setup outer", "setup sibling", "handler"]

    @Test("p03 default: request cleanup after the response and after the tasks (0.165, 0.120, 0.105)",
          arguments: [Profile.latest, .v0_120, .v0_105])
    func defaultScope(profile: Profile) throws {
        let t = try run(Self.p03(), profile: profile, requests: ["GET /x"])[0]
        #expect(milestones(t) == Self.setups + ["SENT 200", "bg bg1", "bg bg2", "cleanup sibling", "cleanup outer", "cleanup inner"])
    }

    @Test("p03 on 0.115: every cleanup before the response")
    func v115() throws {
        let t = try run(Self.p03(), profile: .v0_115, requests: ["GET /x"])[0]
        #expect(milestones(t) == Self.setups + ["cleanup sibling", "cleanup outer", "cleanup inner", "SENT 200", "bg bg1", "bg bg2"])
    }

    @Test("p03 scope variants (0.165)")
    func scopeVariants() throws {
        let all = try run(Self.p03(outer: "Depends(outer, scope='function')", sibling: "Depends(sibling, scope='function')",
                                   inner: "Depends(inner, scope='function')"), requests: ["GET /x"])[0]
        #expect(milestones(all) == Self.setups + ["cleanup sibling", "cleanup outer", "cleanup inner", "SENT 200", "bg bg1", "bg bg2"])
        let sibling = try run(Self.p03(sibling: "Depends(sibling, scope='function')"), requests: ["GET /x"])[0]
        #expect(milestones(sibling) == Self.setups + ["cleanup sibling", "SENT 200", "bg bg1", "bg bg2", "cleanup outer", "cleanup inner"])
        let outer = try run(Self.p03(outer: "Depends(outer, scope='function')", inner: "Depends(inner, scope='request')"), requests: ["GET /x"])[0]
        #expect(milestones(outer) == Self.setups + ["cleanup outer", "SENT 200", "bg bg1", "bg bg2", "cleanup sibling", "cleanup inner"])
        let session = try run(Self.p03(sibling: "Depends(sibling, scope='session')"), requests: ["GET /x"])[0]
        #expect(milestones(session) == milestones(try run(Self.p03(), requests: ["GET /x"])[0]))
    }

    static let sessionInTask = """
    providers:
      get_session: {yield: true}
    tasks:
      use_session: {uses: [get_session]}
    routes:
      - GET /default: {params: {s: Depends(get_session), bt: BackgroundTasks}, adds_tasks: [use_session]}
    """

    @Test("p06: a task sees the session open by default, closed on 0.115", arguments: Profile.allCases)
    func sessionInBackground(profile: Profile) throws {
        let t = try run(Self.sessionInTask, profile: profile, requests: ["GET /default"])[0]
        let flagged = t.events.contains { $0.kind == .violation && $0.data["q"] == "use-after-cleanup" }
        #expect(flagged == (profile == .v0_115))
    }

    @Test("p06: a task added during request cleanup never runs; in 0.115 it does")
    func lateTask() throws {
        let yaml = """
        providers:
          late_adder: {yield: true, params: {bt: BackgroundTasks}, cleanup: {adds_tasks: [late]}}
        tasks: {early: {}, late: {}}
        routes:
          - GET /x: {params: {l: Depends(late_adder), bt: BackgroundTasks}, adds_tasks: [early]}
          - GET /f: {params: {l: "Depends(late_adder, scope='function')", bt: BackgroundTasks}, adds_tasks: [early]}
        """
        let latest = try run(yaml, requests: ["GET /x", "GET /f"])
        #expect(lines(latest[0], kinds: [.taskStart]) == ["task.start early"])
        #expect(latest[0].events.last?.compact == "violation late task-never-runs")
        #expect(lines(latest[1], kinds: [.taskStart]) == ["task.start early", "task.start late"])
        let withoutScope = yaml.split(separator: "\n").filter { !$0.contains("scope=") }.joined(separator: "\n")
        let old = try run(withoutScope, profile: .v0_115, requests: ["GET /x"])[0]
        #expect(milestones(old) == ["setup late_adder", "handler", "cleanup late_adder", "SENT 200", "bg early", "bg late"])
    }

    @Test("p06: tasks from dependencies and the handler share one list, in order; a failure stops the rest")
    func taskOrder() throws {
        let yaml = """
        providers:
          sub_dep_adds: {params: {bt: BackgroundTasks}, adds_tasks: [{task: note, args: {m: from sub-dep}}]}
          dep_adds: {params: {bt: BackgroundTasks, s: Depends(sub_dep_adds)}, adds_tasks: [{task: note, args: {m: from dep}}]}
        tasks:
          note: {params: [m]}
          t1: {}
          t2: {raises: {exception: ValueError, message: task failed}}
          t3: {}
        routes:
          - GET /order: {params: {d: Depends(dep_adds), bt: BackgroundTasks}, adds_tasks: [{task: note, args: {m: h1}}]}
          - GET /raises: {params: {bt: BackgroundTasks}, adds_tasks: [t1, t2, t3]}
        """
        let t = try run(yaml, requests: ["GET /order", "GET /raises"])
        #expect(t[0].events.filter { $0.kind == .taskStart }.map(\.detail) == [#"(m="from sub-dep")"#, #"(m="from dep")"#, #"(m="h1")"#])
        #expect(t[1].status == 200)
        #expect(milestones(t[1]) == ["handler", "SENT 200", "bg t1", "bg t2", "APP RAISED ValueError"])
        #expect(t[1].events.contains { $0.compact == "violation t3 task-skipped" })
    }

    @Test("p06: Response(background=) replaces the injected tasks")
    func explicitBackground() throws {
        let yaml = """
        tasks: {injected: {}, explicit: {}}
        routes:
          - GET /x: {params: {bt: BackgroundTasks}, adds_tasks: [injected], response_background: explicit}
        """
        let t = try run(yaml, requests: ["GET /x"])[0]
        #expect(lines(t, kinds: [.taskStart]) == ["task.start explicit"])
        #expect(t.events.contains { $0.compact == "violation injected dropped-task" })
    }

    static let stream = """
    providers:
      resource: {yield: true}
    routes:
      - GET /default:
          params: {r: Depends(resource)}
          stream: {chunks: ["c{{i}}(closed={{closed.resource == True}})"], uses: [resource]}
      - GET /function:
          params: {r: "Depends(resource, scope='function')"}
          stream: {chunks: ["c{{i}}(closed={{closed.resource == True}})", "c{{i}}"], uses: [resource]}
    """

    @Test("p07: only request-scoped resources stay open while streaming")
    func streaming() throws {
        let t = try run(Self.stream, requests: ["GET /default", "GET /function"])
        #expect(t[0].bodyText == "c0(closed=False)")
        #expect(milestones(t[0]) == ["setup resource", "handler", "SENT 200", "cleanup resource"])
        #expect(t[1].bodyText == "c0(closed=True)c1")
        #expect(milestones(t[1]) == ["setup resource", "handler", "cleanup resource", "SENT 200"])
        #expect(t[1].events.filter { $0.kind == .violation }.count == 2)
        let defaultOnly = Self.stream.components(separatedBy: "  - GET /function:")[0]
        let old = try #require(try run(defaultOnly, profile: .v0_115, requests: ["GET /default"]).first)
        #expect(old.bodyText == "c0(closed=True)")
    }
}
