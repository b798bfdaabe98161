@testable import DILab
import Foundation
import Testing

/// Path/Query/Header/Cookie constraints: parsing, pydantic's error objects, and the pattern matcher.
@Suite("Parameter constraints")
struct ConstraintTests {
    /// Inputs and, per pattern, which of them pydantic-core 2.50 (pydantic 2.14.4, every profile's venv) accepts:
    /// /work/constraints-probes/regex_table.py, `TypeAdapter(Annotated[str, Field(pattern=p)]).validate_python(s)`.
    static let inputs: [String] = [
        "abc",
        "abc\n",
        "AB",
        "xbx",
        "\u{663}",
        "1234",
        "a",
        "\n",
        "\u{e9}_1",
        "",
        "abab",
        "aba",
        "aa",
        "a-",
        "-",
        "c",
        "y",
        "xy",
        "ab",
        "b",
        " \t",
        "1_2",
        ".",
        "/api/x",
        "ac",
        "bc",
        "]",
        "Zz!"
    ]
    static let table: [(String, String)] = [
        ("^[a-z]+$", "1001001000111001111100001100"),
        ("b", "1101000000110000001100000100"),
        ("^\\d{1,3}$", "0000100000000000000000000000"),
        ("^a$", "0000001000000000000000000000"),
        ("^.$", "0000101000000011100100100010"),
        ("^\\w+$", "1011111010111001111101001100"),
        ("(new|old)", "0000000000000000000000000000"),
        ("^(ab)*$", "0000000001100000001000000000"),
        ("^a{2,}$", "0000000000001000000000000000"),
        ("^[^0-9]+$", "1111101100111111111110111111"),
        ("^[-a]+$", "0000001000001110000000000000"),
        ("^[a\\-z]$", "0000001000000010000000000000"),
        ("^x?y$", "0000000000000000110000000000"),
        ("\\Aab\\z", "0000000000000000001000000000"),
        ("^a|b$", "1100001000111100001100001000"),
        ("^\\s+$", "0000000100000000000010000000"),
        ("^[\\d_]+$", "0000110000000000000001000000"),
        ("^\\.$", "0000000000000000000000100000"),
        ("^\\/api", "0000000000000000000000010000"),
        ("^(?:a|b)c$", "0000000000000000000000001100"),
        ("^(?P<n>a)b$", "0000000000000000001000000000"),
        ("a*?", "1111111111111111111111111111"),
        ("^[]a]$", "0000001000000000000000000010"),
        ("", "1111111111111111111111111111"),
        ("^\\S\\D\\W$", "0000000000000000000000000001")
    ]

    @Test("the matcher agrees with pydantic-core on every probed pattern and input")
    func regexTable() throws {
        for (pattern, expected) in Self.table {
            let p = try ConstraintPattern(pattern)
            let got = Self.inputs.map { p.matches($0) ? "1" : "0" }.joined()
            #expect(got == expected, "pattern \(pattern)")
        }
    }

    @Test("patterns dilab cannot evaluate exactly are refused at load")
    func refusals() {
        for p in ["(?=a)a", "(?i)abc", "(a)\\1", "\\bword", "\\p{L}", "[[:alpha:]]", "[a&&b]", "a**", "a{1001}", "(abc", "abc)", "x{2,1}", "\\q",
                  String(repeating: "a", count: 600), String(repeating: "(a{100})", count: 50)] {
            #expect(throws: ConstraintPattern.Refusal.self, "\(p)") { _ = try ConstraintPattern(p) }
        }
    }

    @Test("a pattern built to backtrack is matched in linear time")
    func noCatastrophicBacktracking() throws {
        let p = try ConstraintPattern("^(a+)+(a*)*(a|aa)*b$")
        let input = String(repeating: "a", count: 20_000)
        let start = Date()
        #expect(!p.matches(input))
        #expect(Date().timeIntervalSince(start) < 5)
    }

    static let yaml = """
    providers:
      settings: {}
      get_page: {params: {page: "Annotated[int, Query(ge=1)]", s: Depends(settings)}}
    routes:
      - GET /n/{p}:
          params:
            p: int = Path(gt=0)
            q: int | None = Query(None, multiple_of=3, le=10)
            f: float | None = Query(None, lt=1)
            s: "str | None = Query(None, min_length=2, max_length=3, regex='^[a-z]+$')"
            x_token: str | None = Header(None, max_length=1)
            sid: int | None = Cookie(None, gt=5)
      - GET /dep: {params: {pg: Depends(get_page)}}
      - GET /d: {params: {limit: "int = Query(0, gt=0)"}}
    """

    @Test("422 bodies are pydantic's: type, loc, msg, input (the raw string), ctx")
    func errorBodies() throws {
        var r = RequestSpec(method: "GET", target: "/n/0?q=12&f=1&s=abcd")
        r.headers = [("X-Token", "ab")]
        r.cookies = [("sid", "5")]
        let t = Engine(app: try compile(Self.yaml)).handle(r)
        #expect(t.status == 422)
        #expect(t.bodyText == #"{"detail":[{"type":"greater_than","loc":["path","p"],"msg":"Input should be greater than 0","input":"0","ctx":{"gt":0}},{"type":"less_than_equal","loc":["query","q"],"msg":"Input should be less than or equal to 10","input":"12","ctx":{"le":10}},{"type":"less_than","loc":["query","f"],"msg":"Input should be less than 1","input":"1","ctx":{"lt":1.0}},{"type":"string_too_long","loc":["query","s"],"msg":"String should have at most 3 characters","input":"abcd","ctx":{"max_length":3}},{"type":"string_too_long","loc":["header","x-token"],"msg":"String should have at most 1 character","input":"ab","ctx":{"max_length":1}},{"type":"greater_than","loc":["cookie","sid"],"msg":"Input should be greater than 5","input":"5","ctx":{"gt":5}}]}"#)
        let ok = try run(Self.yaml, requests: ["GET /n/1?q=9&f=0.5&s=ab", "GET /n/1?q=4&s=A1"])
        #expect(ok[0].status == 200)
        #expect(ok[1].bodyText == #"{"detail":[{"type":"multiple_of","loc":["query","q"],"msg":"Input should be a multiple of 3","input":"4","ctx":{"multiple_of":3}},{"type":"string_pattern_mismatch","loc":["query","s"],"msg":"String should match pattern '^[a-z]+$'","input":"A1","ctx":{"pattern":"^[a-z]+$"}}]}"#)
    }

    @Test("0.105's errors carry pydantic's url after ctx")
    func url() throws {
        let t = try run(Self.yaml, profile: .v0_105, requests: ["GET /n/0"])[0]
        #expect(t.bodyText == #"{"detail":[{"type":"greater_than","loc":["path","p"],"msg":"Input should be greater than 0","input":"0","ctx":{"gt":0},"url":"https://errors.pydantic.dev/2.14/v/greater_than"}]}"#)
    }

    @Test("a dependency whose own parameter breaks a constraint is not called; its sub-dependency is")
    func dependency() throws {
        let t = try run(Self.yaml, requests: ["GET /dep?page=0"])[0]
        #expect(t.status == 422)
        #expect(calls(t) == ["settings"])
    }

    @Test("0.106–0.120 validate a missing parameter's default; 0.105 and latest do not")
    func defaults() throws {
        for profile in Profile.allCases {
            let t = try run(Self.yaml, profile: profile, requests: ["GET /d"])[0]
            if profile == .v0_115 || profile == .v0_120 {
                #expect(t.bodyText == #"{"detail":[{"type":"greater_than","loc":["query","limit"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]}"#)
            } else {
                #expect(t.status == 200, "\(profile)")
            }
        }
    }

    @Test("bounds in messages are written as Rust's Display writes them")
    func display() {
        let cases: [(Double, String)] = [(1.0, "1"), (0.5, "0.5"), (1e20, "100000000000000000000"), (1e-5, "0.00001"),
                                         (2.5, "2.5"), (-0.25, "-0.25"), (1.5e-7, "0.00000015"), (12345.678, "12345.678"), (0, "0")]
        for (d, text) in cases { #expect(ConstraintCheck.rustDisplay(.double(d)) == text) }
    }

    @Test("constraints that pydantic or dilab refuse are load errors")
    func loadErrors() {
        for param in ["int = Query(gt=0.5)", "str = Query(gt=1)", "int = Query(min_length=1)", "int = Query(multiple_of=0)",
                      "str = Query(pattern='(?=a)')", "str = Query(max_length=-1)", "dict = Body(gt=1)", "str = Query(pattern='a', regex='b')"] {
            let yaml = "routes:\n  - GET /x:\n      params:\n        q: \"\(param)\"\n"
            #expect(throws: (any Error).self, "\(param)") { _ = try ScenarioLoader.load(text: yaml) }
        }
    }
}
