@testable import DILab
import Testing
@testable import DILabImport

/// Middleware and exception handlers from what record mode saw: steps every request agrees on, a `when:` read off
/// the request for what happened on some requests only, and a comment (never a guess) for the rest.
@Suite struct ImportAppHooksTests {
    static func run(_ n: Int, _ name: String, called: Bool = true, before: [(String, Value)] = [], headers: [(String, String)] = [],
                    query: [(String, Value)] = [], status: Int? = 200, body: String? = nil, raised: RecordedException? = nil) -> MiddlewareRun {
        MiddlewareRun(request: n, middleware: name, calledNext: called, beforeState: before, afterState: [],
                      headers: [("content-type", "application/json")] + headers, innerHeaders: [("content-type", "application/json")],
                      status: status, body: body, mediaType: body == nil ? nil : "application/json", raised: raised,
                      raisedBuiltin: raised.map { !$0.isHTTP } ?? false,
                      requestEnv: [("query_params", .object(query)), ("headers", .object([]))])
    }

    static func write(_ middleware: [MiddlewareInfo], runs: [MiddlewareRun], handlers: [ExceptionHandlerInfo] = [], handlerRuns: [HandlerRun] = [],
                      requests: Int) throws -> (String, Scenario, [String]) {
        let handler = ScenarioWriterTests.callable(1, "read")
        let route = RouteInfo(kind: .http, path: "/r", methods: ["GET"], handler: 1, dependencies: [], statusCode: nil, responseClass: nil)
        var app = ScenarioWriterTests.app(routes: [route], callables: [handler])
        app.unsupported = []
        app.middleware = middleware
        app.middlewareRuns = runs
        app.exceptionHandlers = handlers
        app.handlerRuns = handlerRuns
        app.responses = (0..<requests).map { _ in ObservedResponse(status: 200, contentType: "application/json", text: "null") }
        var writer = ScenarioWriter(app: app, sourceFile: "app.py", profile: .latest,
                                    requests: (0..<requests).map { RecordRequest(method: "GET", target: "/r?n=\($0)") })
        let text = writer.write()
        return (text, try ScenarioLoader.load(text: text), writer.warnings)
    }

    @Test func stepsAndConditionsComeFromTheRuns() throws {
        let mw = [MiddlewareInfo(kind: .http, name: "add_id", file: "app.py", line: 3),
                  MiddlewareInfo(kind: .http, name: "gate", file: "app.py", line: 9),
                  MiddlewareInfo(kind: .asgi, name: "Timing", file: "app.py", line: 20),
                  MiddlewareInfo(kind: .dilabTrace, name: "RequestIds", file: "", line: 0)]
        let runs = (1...3).map { Self.run($0, "add_id", before: [("rid", .string("req-\($0)"))], headers: [("x-request-id", "req-\($0)")]) }
            + [Self.run(1, "gate", query: [("mode", .string("open"))]),
               Self.run(2, "gate", called: false, query: [("mode", .string("shut"))], status: 401, body: #"{"detail":"no"}"#),
               Self.run(3, "gate", called: false, query: [("mode", .string("down"))], status: nil, raised: RecordedException(type: "RuntimeError", message: "down", headers: []))]
        let (text, scenario, warnings) = try Self.write(mw, runs: runs, requests: 3)
        #expect(scenario.middleware.count == 3)
        #expect(text.contains(#"before: {request_state: {rid: "req-{{@request}}"}}"#))
        #expect(text.contains(#"after: {headers: {"x-request-id": "req-{{@request}}"}}"#))
        #expect(text.contains(#"when: "request.query_params.mode == 'down'""#))
        // The raising request never reaches `respond:` (raises come first), so its `when:` only tells `shut` from `open`.
        #expect(text.contains(#"respond: {status: 401, body: {detail: "no"}, when: "request.query_params.mode != 'open'"}"#))
        #expect(text.contains("PLACEHOLDER: what Timing does"))
        #expect(warnings.contains { $0.contains("middleware Timing") })
        #expect(text.contains("dilab_trace.RequestIds is the recorder's own middleware"))
    }

    @Test func disagreeingRunsAreSaidNotGuessed() throws {
        let runs = [Self.run(1, "stamp", headers: [("x-a", "1")]), Self.run(2, "stamp", headers: [("x-b", "1")])]
        let (text, scenario, _) = try Self.write([MiddlewareInfo(kind: .http, name: "stamp", file: "app.py", line: 1)], runs: runs, requests: 2)
        #expect(text.contains("# UNSUPPORTED: middleware stamp: it writes different names on different requests"))
        #expect(scenario.middleware.count == 1)
    }

    @Test func exceptionHandlersTemplateTheMessage() throws {
        let handlers = [ExceptionHandlerInfo(exception: "MyErr", handler: "mine", file: "app.py", line: 4),
                        ExceptionHandlerInfo(exception: "Other", handler: "other", file: "app.py", line: 8)]
        let runs = [HandlerRun(request: 1, exception: "MyErr", message: "first", status: 499, body: #"{"detail":"first"}"#, mediaType: "application/json"),
                    HandlerRun(request: 2, exception: "MyErr", message: "second", status: 499, body: #"{"detail":"second"}"#, mediaType: "application/json")]
        let (text, scenario, warnings) = try Self.write([], runs: [], handlers: handlers, handlerRuns: runs, requests: 2)
        #expect(text.contains(#"MyErr: {status: 499, body: {detail: "{{exc.message}}"}}"#))
        #expect(scenario.app.exceptionHandlers.map(\.exception) == ["MyErr", "Other"])
        #expect(warnings.contains { $0.contains("exception handler for Other: its response is a placeholder") })
    }
}
