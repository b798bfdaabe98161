@testable import DILab
import Testing

@Suite("Python's json.loads errors")
struct PythonJSONTests {
    /// Each expectation was printed by CPython 3.11.7 (`json.loads(s)` → `e.msg`, `e.pos`), the interpreter FastAPI ran on.
    @Test(arguments: [
        ("[1,]", "Expecting value", 3),
        (#"{"a":1,}"#, "Expecting property name enclosed in double quotes", 7),
        (#"{"a" 1}"#, "Expecting ':' delimiter", 5),
        (#"{"a":}"#, "Expecting value", 5),
        ("[1 2]", "Expecting ',' delimiter", 3),
        ("{", "Expecting property name enclosed in double quotes", 1),
        ("", "Expecting value", 0),
        ("x", "Expecting value", 0),
        (#""abc"#, "Unterminated string starting at", 0),
        (#""a\q""#, "Invalid \\escape", 2),
        ("1 2", "Extra data", 2),
        ("-", "Expecting value", 0),
        ("01", "Extra data", 1),
        ("1.", "Extra data", 1),
        ("1e", "Extra data", 1),
        (#""\u12""#, "Invalid \\uXXXX escape", 2),
        (#"{"a":[1,{"b":tru}]}"#, "Expecting value", 13),
        ("[", "Expecting value", 1),
        ("nul", "Expecting value", 0),
        ("1.5e+", "Extra data", 3),
    ])
    func errors(_ input: String, _ message: String, _ position: Int) {
        #expect(PythonJSON.loads(input) == .failure(PythonJSON.DecodeError(message: message, position: position)))
    }

    @Test func values() throws {
        #expect(try PythonJSON.loads(#" {"a": [1, 2.5, true, null], "b": "x\u00e9\n"} "#).get()
                == .object([("a", .array([.int(1), .double(2.5), .bool(true), .null])), ("b", .string("xé\n"))]))
        // Python keeps the last duplicate key; accepts NaN; big integers do not crash.
        #expect(try PythonJSON.loads(#"{"k":1,"k":2}"#).get() == .object([("k", .int(2))]))
        if case .double(let d) = try PythonJSON.loads("NaN").get() { #expect(d.isNaN) } else { Issue.record("NaN") }
        #expect(try PythonJSON.loads("123456789012345678901234567890").get() == .double(Double("123456789012345678901234567890")!))
        // Past CPython 3.11's 4300-digit limit int() raises ValueError, which is not a JSONDecodeError (FastAPI: 400).
        let huge = PythonJSON.loads("[" + String(repeating: "7", count: 4301) + "]")
        #expect(huge.isJSONDecodeFailure == false)
        #expect((try? PythonJSON.loads(String(repeating: "7", count: 4300)).get()) != nil)
        #expect(try PythonJSON.loads(#""\ud83d\ude00""#).get() == .string("😀"))
        // Positions count characters, not bytes.
        #expect(PythonJSON.loads(#"["é" x]"#) == .failure(PythonJSON.DecodeError(message: "Expecting ',' delimiter", position: 5)))
    }

    @Test("deep nesting is Python's RecursionError (not a JSON error, not a stack overflow); the limit itself decodes")
    func deepNesting() {
        #expect(PythonJSON.loads(String(repeating: "[", count: 100_000)).isJSONDecodeFailure == false)
        let n = PythonJSON.maxNesting
        #expect(PythonJSON.loads(String(repeating: "[", count: n) + String(repeating: "]", count: n)).isJSONDecodeFailure == nil)
        #expect(PythonJSON.loads(String(repeating: "[", count: n + 1) + String(repeating: "]", count: n + 1)).isJSONDecodeFailure == false)
        #expect(Value.parse(json: String(repeating: "{\"a\":", count: 20_000)) == nil)
        #expect(PythonJSON.loads("[[[]]]", maxNesting: 2).isJSONDecodeFailure == false)
    }
}

extension Result where Success == Value, Failure == PythonJSON.DecodeError {
    /// nil when it decoded; whether the failure is `json.JSONDecodeError` (422) rather than another exception (400).
    var isJSONDecodeFailure: Bool? {
        if case .failure(let e) = self { return e.isJSONDecodeError }
        return nil
    }
}
