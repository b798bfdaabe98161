@testable import DILab
import Testing

/// A parameter always wins over dilab's built-in of the same bare name; `@name` always reads the built-in.
@Suite("Built-ins never shadow parameters")
struct BuiltinShadowTests {
    static let yaml = """
    scenario: shadow
    providers:
      get_value: {returns: v}
      stream_dep:
        yield: true
        params: {exc: str = "param-exc"}
        returns: "{{exc}}"
        except:
          - catch: ValueError
            raise: {status: 418, detail: "{{exc}}/{{@exc.type}}"}
    routes:
      - GET /s:
          handler: s
          params: {state: str = Depends(get_value), i: int = 5, call: str = "c"}
          stream: {chunks: ["{{i}}-{{@i}}-{{state}}-{{call}}-{{@call}};", "{{i}}-{{@i}};"]}
      - GET /e:
          handler: e
          params: {d: Depends(stream_dep)}
          raises: {exception: ValueError, message: boom}
    """

    @Test("bare names read the parameter, @names the built-in: in a stream, a handler and an except block")
    func parameterWins() throws {
        let traces = try run(Self.yaml, requests: ["GET /s", "GET /e"])
        #expect(traces[0].bodyText == "5-0-v-c-1;5-1;")
        #expect(traces[1].status == 418 && traces[1].body.json == #"{"detail":"param-exc/ValueError"}"#)
    }

    @Test("check warns where a template reads a parameter named like a built-in, and says how to reach dilab's")
    func warning() throws {
        let warnings = Validator.shadowWarnings(try ScenarioLoader.load(text: Self.yaml))
        #expect(Set(warnings.map(\.rule)) == ["shadowed-builtin"])
        // stream chunks read i, state and call; stream_dep's `returns` and its except block read its `exc`.
        #expect(warnings.map { $0.message.split(separator: "'")[1] }.sorted() == ["call", "exc", "exc", "i", "state"])
        #expect(warnings.allSatisfy { $0.severity == .warning && ($0.hint ?? "").contains("{{@") })
    }

    @Test("the @ spelling parses as one name and is known to the name check")
    func spelling() throws {
        #expect(try ExprParser.parse("@state.pool").roots == ["@state"])
        #expect(Builtin.named("@call") == .call && Builtin.named("call") == .call && Builtin.named("calls") == nil)
        #expect(throws: DiagnosticList.self) { try compile("routes:\n  - GET /x: {returns: \"{{@nope}}\"}\n") }
        #expect(try run("routes:\n  - GET /x: {returns: \"{{@request}}\"}\n", requests: ["GET /x"])[0].body == .int(1))
    }
}
