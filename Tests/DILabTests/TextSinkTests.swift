@testable import DILab
import Foundation
import Testing

/// The text trace is written into bytes (`TextBytes`) and single lines and `Value.json` into a `String`: one writer
/// for both, so a request's rendered trace must be exactly its lines one after another.
@Suite("text sinks")
struct TextSinkTests {
    static let yaml = """
    scenario: "sinks"
    providers:
      get_db:
        yield: true
        returns: "Session \\"#{{call}}\\" → ok"
      get_user:
        params:
          db: Depends(get_db)
          x_user: str = Header()
        returns: {name: "{{x_user}}", tags: ["a", "b\\\\c"], n: 1.5}
    tasks:
      audit: {uses: [get_db]}
    routes:
      - GET /items/{item_id}:
          handler: read_item
          params:
            item_id: int
            user: Depends(get_user)
            background_tasks: BackgroundTasks
          adds_tasks: [{task: audit, args: {who: "{{user.name}}"}}]
          returns: {id: "{{item_id}}", user: "{{user}}"}
    requests:
      - {request: GET /items/7, headers: {X-User: "zoë"}}
    """

    @Test("a rendered request is its section, its lines and its answer, byte for byte")
    func renderIsItsLines() throws {
        let app = try Validator.compile(try ScenarioLoader.load(text: Self.yaml, file: "sinks.yaml"))
        let trace = Engine(app: app).handle(app.scenario.requests[0])
        let renderer = TextRenderer(style: .plain)
        let lines = trace.events.filter { $0.kind != .request }.map { renderer.line($0) }.joined()
        let expected = renderer.section(trace.request.line, right: "request \(trace.id)") + lines + "  → " + renderer.answer(trace) + "\n"
        #expect(renderer.render(trace) == expected)
        #expect(renderer.render(trace).contains("zoë"))
    }

    @Test("JSON written into bytes is the String's JSON")
    func jsonIntoBytes() {
        let value = Value.object([("a", .string("x\"y\\z\n")), ("b", .array([.int(-3), .double(2.5), .null, .bool(true)])), ("ü", .string("→ └"))])
        var bytes = TextBytes(capacity: 0)
        value.writeJSON(to: &bytes)
        #expect(bytes.string == value.json)
    }

    @Test("spaces and trailing spaces in bytes")
    func spaces() {
        var bytes = TextBytes(capacity: 0)
        bytes.write("a")
        bytes.writeSpaces(70)
        bytes.writeSpaces(0)
        bytes.writeSpaces(-2)
        #expect(bytes.string == "a" + String(repeating: " ", count: 70))
        bytes.dropTrailingSpaces()
        #expect(bytes.string == "a")
    }
}
