@testable import DILab
import Testing

/// The identifier rule of `PythonName`: what must keep loading, what is refused, and where it is reported.
@Suite("Python names")
struct PythonNameTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "names.yaml"))
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("ordinary exception types keep loading, raised and caught")
    func builtinExceptionsLoad() {
        for type in ["ValueError", "KeyError", "HTTPException", "RuntimeError", "PermissionError", "MyOwnError"] {
            let yaml = """
            providers:
              db:
                yield: true
                except: [{catch: BaseException, then: swallow}, {catch: \(type), then: reraise}]
            app:
              exception_handlers: {\(type): {status: 418}}
            routes:
              - GET /x: {params: {d: Depends(db)}, raises: {exception: \(type), message: boom}}
            """
            #expect(diagnostics(yaml).isEmpty, "\(type)")
        }
    }

    @Test("soft keywords and underscores are ordinary parameter names")
    func softKeywords() {
        #expect(diagnostics("routes:\n  - GET /x: {params: {match: int = 1, case: int = 1, type: str = 'a', _: int = 0, _q: int = 0}}\n").isEmpty)
    }

    @Test("a refused name is reported at its node, with the rule and a hint")
    func locatedAtTheNode() throws {
        let d = diagnostics("providers:\n  db: {}\nroutes:\n  - GET /x:\n      params: {d: Depends(db)}\n      handler: \"f(a=1):#\"\n")
        let hit = try #require(d.first { $0.rule == "name" })
        #expect(hit.location == SourceLocation(file: "names.yaml", line: 6, column: 16))
        #expect(hit.message.contains("'f(a=1):#' is not a Python identifier"))
        #expect(hit.hint != nil)
    }

    @Test("each role refuses what would break its place in the export")
    func roles() {
        #expect(PythonName.problem("get_db", as: .global) == nil)
        #expect(PythonName.problem("lambda", as: .parameter) != nil, "a keyword")
        #expect(PythonName.problem("__debug__", as: .parameter) != nil, "a dunder")
        #expect(PythonName.problem("caf\u{E9}", as: .global) != nil, "not ASCII: Python would normalise it")
        #expect(PythonName.problem("1x", as: .global) != nil)
        #expect(PythonName.problem("", as: .global) != nil)
        #expect(PythonName.problem("record", as: .global) != nil, "the recorder")
        #expect(PythonName.problem("str", as: .global) != nil, "a built-in the export calls")
        #expect(PythonName.problem("ValueError", as: .global) != nil, "a provider would hide the built-in exception")
        #expect(PythonName.problem("plain_value", as: .global) == nil)
        #expect(PythonName.problem("self", as: .parameter) != nil)
        #expect(PythonName.problem("id", as: .parameter) == nil, "a built-in the bodies never read is a fine parameter")
        #expect(PythonName.problem("_hidden", as: .attribute) != nil, "templates never read `_` fields")
        #expect(PythonName.problem("BaseException", as: .caughtException) == nil)
        #expect(PythonName.problem("BaseException", as: .raisedException) != nil, "not an Exception: it would stop the server")
        #expect(PythonName.problem("Exception", as: .raisedException) == nil)
        #expect(PythonName.problem("StopIteration", as: .raisedException) != nil)
        #expect(PythonName.problem("len", as: .raisedException) != nil, "a custom class named len would hide the built-in")
    }

    @Test("the engine knows Python's exception hierarchy, so catch: OSError catches PermissionError")
    func hierarchy() {
        #expect(PyError(type: "PermissionError").isInstance(of: "OSError"))
        #expect(PyError(type: "SystemExit").isInstance(of: "BaseException"))
        #expect(!PyError(type: "SystemExit").isInstance(of: "Exception"))
        #expect(PyError(type: "MyOwnError").isInstance(of: "Exception"))
        #expect(PyError.builtinChain("KeyError") == ["LookupError", "Exception", "BaseException"])
        #expect(PyError.builtinChain("HTTPException") == nil, "FastAPI's, imported, not a Python built-in")
    }

    @Test("a template path may not name a `_` member, in holes and conditions alike")
    func templatePaths() {
        let hole = diagnostics("routes:\n  - GET /x:\n      params: {q: str = 'a'}\n      returns: {v: \"{{q._x}}\"}\n")
        #expect(hole.contains { $0.rule == "template-path" && $0.location.line == 4 })
        let fine = diagnostics("routes:\n  - GET /x:\n      params: {q: str = 'a'}\n      returns: \"{{q.a_b}}\"\n")
        #expect(fine.isEmpty)
    }
}
