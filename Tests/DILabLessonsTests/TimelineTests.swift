import DILab
import DILabLessons
import Foundation
import Testing

/// Lessons on scenarios whose requests overlap (`at:`): a step sees the whole file on one timeline, picks a
/// request by line and occurrence, and `request: timeline` names every request's events in order, `#id` first.
@Suite struct TimelineTests {
    /// A pool of one connection held by a request-scoped session; two `GET /users` and one `GET /slow`.
    static let scenario = """
    scenario: timeline fixture
    fastapi: latest
    pools: {db_pool: 1}
    providers:
      get_session: {yield: true, async: true, acquires: db_pool, duration: 5ms, returns: "S#{{call}}", cleanup: {duration: 5ms}}
    routes:
      - GET /users:
          async: true
          params: {db: Depends(get_session)}
          duration: 10ms
          returns: "{{db}}"
      - GET /slow:
          async: true
          params: {db: Depends(get_session)}
          duration: 100ms
          returns: "{{db}}"
    requests:
      - {request: GET /slow, at: 0ms}
      - {request: GET /users, at: 10ms}
      - {request: GET /users, at: 20ms}
    """

    static func yaml(_ steps: String) -> String {
        "title: Timeline lesson\nsteps:\n" + steps
    }

    static let steps = """
      - id: who-waits
        section: Predict
        predict:
          scenario: app.yaml
          request: timeline
          kinds: [wait, acquire]
          answer: ["#1 acquire db_pool pool", "#2 wait db_pool pool", "#3 wait db_pool pool", "#2 acquire db_pool pool", "#3 acquire db_pool pool"]
        hints: [first come, first served]
      - id: second-users
        section: Predict
        predict:
          scenario: app.yaml
          request: GET /users
          occurrence: 2
          kinds: [wait, acquire, handler]
          answer: [wait db_pool pool, acquire db_pool pool, handler get_users]
        hints: [it waits]
      - id: when
        section: Predict
        question:
          prompt: When does the second GET /users get the connection?
          answer: "130"
          fact: {scenario: app.yaml, request: GET /users, occurrence: 2, of: time, event: acquire db_pool pool}
        hints: [after two cleanups]
      - id: waits
        section: Predict
        question:
          prompt: How many requests wait?
          answer: "2"
          fact: {scenario: app.yaml, request: timeline, of: count, event: wait *}
        hints: [count the waits]
      - id: run
        section: Predict
        run: {scenario: app.yaml, request: timeline}
    """

    func fixture(_ lessonYAML: String = TimelineTests.yaml(TimelineTests.steps)) throws -> Fixture {
        let f = try Fixture(lessonYAML: lessonYAML)
        try Self.scenario.write(toFile: f.root + "/01-fixture/app.yaml", atomically: true, encoding: .utf8)
        return f
    }

    @Test func theSelfTestProvesTimelinePredictionsAndFacts() throws {
        let f = try fixture()
        for r in CourseCheck.run(try f.course()) {
            #expect(r.failure == nil, "\(r.step): \(r.failure ?? "")")
        }
    }

    @Test func aRequestOfAConcurrentFileIsTakenFromTheSharedTimeline() throws {
        let f = try fixture()
        let lesson = try #require(try f.course().lesson(matching: "01"))
        // Run alone, the second GET /users would never wait: the step must see it on the file's timeline.
        let second = try TraceProbe.run(TraceSource(scenario: "app.yaml", request: "GET /users", occurrence: 2), in: lesson)
        let trace = try #require(second.trace)
        #expect(trace.id == 3)
        #expect(TraceProbe.lines(trace, kinds: ["wait", "acquire"]) == ["wait db_pool pool", "acquire db_pool pool"])
        #expect(trace.events.first { $0.kind == .acquire }?.t == 130)
        // A line the file does not send joins the same timeline, after the last request has finished.
        let extra = try #require(try TraceProbe.run(TraceSource(scenario: "app.yaml", request: "GET /slow?x=1"), in: lesson).trace)
        #expect(extra.id == 4)
        #expect(TraceProbe.lines(extra, kinds: ["wait"]) == [])
        #expect((extra.events.first?.t ?? 0) >= 150)
    }

    @Test func aTimelinePredictionIsComparedWithItsRequestIds() throws {
        let f = try fixture()
        var runner = try f.runner()
        let shown = runner.perform(.show, lesson: "01").text
        #expect(shown.contains("every request of the file, on one timeline"))
        #expect(shown.contains("#3 wait db_pool pool"))
        // Right events, wrong requests: request 3 arrived after request 2, so it is served after it.
        let swapped = "#1 acquire db_pool pool; #2 wait db_pool pool; #3 wait db_pool pool; #3 acquire db_pool pool; #2 acquire db_pool pool"
        let wrong = runner.perform(.answer(swapped), lesson: "01")
        #expect(wrong.status == .wrong)
        #expect(wrong.text.contains("`#3 acquire db_pool pool` too early"))
        // The kind after the id is read case-insensitively, as on a single request.
        let right = "#1 ACQUIRE db_pool pool\n#2 wait db_pool pool\n#3 Wait db_pool pool\n#2 acquire db_pool pool\n#3 acquire db_pool pool"
        #expect(runner.perform(.answer(right), lesson: "01").status == .correct)
    }

    @Test func aRunStepShowsEveryRequestOnOneTimeAxis() throws {
        let f = try fixture()
        let course = try f.course()
        let lesson = try #require(course.lesson(matching: "01"))
        let runner = LessonRunner(course: course, progress: CourseProgress(), workspace: f.state)
        let text = runner.view(lesson, 4)
        let lines = text.split(separator: "\n").map(String.init)
        let waits = lines.filter { $0.contains(" wait ") }
        #expect(waits.count == 2 && waits[0].contains("#2  wait") && waits[1].contains("#3  wait"))
        #expect(lines.contains { $0.contains("#3 GET /users → 200") })
        // `why` replays requests one at a time, so it is not offered on an overlapping scenario.
        #expect(runner.traceOnScreen(lesson, lesson.steps[4]) == nil)
        #expect(runner.overlappingSource(lesson, lesson.steps[4])?.scenario == "app.yaml")
    }

    @Test func aTimelineGoalTakesNoRequestAndMayStandAlone() throws {
        let fixed = Self.scenario.replacingOccurrences(of: "pools: {db_pool: 1}", with: "pools: {db_pool: 3}")
        #expect(fixed != Self.scenario)
        let yaml = Self.yaml("""
          - id: fix
            section: Predict
            exercise:
              start: app.yaml
              solution: fixed.yaml
              kinds: [acquire, wait]
              goal:
                - request: timeline
                  trace: ["#1 acquire db_pool pool", "#2 acquire db_pool pool", "#3 acquire db_pool pool"]
            hints: [a bigger pool]

        """)
        let f = try fixture(yaml)
        try fixed.write(toFile: f.root + "/01-fixture/fixed.yaml", atomically: true, encoding: .utf8)
        let result = try #require(CourseCheck.run(try f.course()).first)
        #expect(result.failure == nil, "\(result.failure ?? "")")
        let lesson = try #require(try f.course().lesson(matching: "01"))
        guard case .exercise(let spec) = lesson.steps[0].kind else { Issue.record("not an exercise"); return }
        let start = StepCheck.exercise(spec, lesson: lesson, path: lesson.path("app.yaml"))
        #expect(start.verdict == .wrong)
        #expect(start.text.contains("✗ timeline  (every request, in the order it happened)"))
        #expect(start.text.contains("#2 wait db_pool pool"))
    }

    @Test func aTimelineGoalWithABodyIsACourseError() throws {
        let yaml = Self.yaml("""
          - id: fix
            section: Predict
            exercise:
              start: app.yaml
              solution: app.yaml
              goal:
                - request: timeline
                  body: ok
                  trace: ["#1 acquire db_pool pool"]
            hints: [none]

        """)
        let f = try fixture(yaml)
        do { _ = try f.course(); Issue.record("loaded") } catch {
            #expect("\(error)".contains("goal `timeline` has no response"))
        }
    }

    @Test func aTimeFactNamesItsEvent() throws {
        let yaml = Self.yaml("""
          - id: when
            section: Predict
            question:
              prompt: When?
              answer: "10"
              fact: {scenario: app.yaml, request: GET /users, of: time}
            hints: [look]

        """)
        let f = try fixture(yaml)
        do { _ = try f.course(); Issue.record("loaded") } catch {
            #expect("\(error)".contains("a `time` fact names the `event:`"))
        }
    }
}

extension TimelineTests {
    @Test func aWrongTimeShowsWhatLeadsUpToItButNotTheAnswer() throws {
        let f = try fixture()
        var runner = try f.runner()
        _ = runner.perform(.show, lesson: "01")
        for _ in 0..<2 { _ = runner.perform(.giveUp, lesson: "01"); _ = runner.perform(.next, lesson: "01") }
        let wrong = runner.perform(.answer("20"), lesson: "01")
        #expect(wrong.status == .wrong)
        #expect(wrong.text.contains("125 ms  #2 exit get_session"))
        #expect(wrong.text.contains("130 ms  #2 release db_pool pool"))
        #expect(!wrong.text.contains("#3 release"))
        #expect(!wrong.text.contains("acquire"))
    }
}
