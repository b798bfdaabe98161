import DILab
@testable import DILabExport
import Foundation
import Testing

@Suite("export --to fastapi")
struct ExporterTests {
    static func export(_ yaml: String, profile: Profile = .latest) throws -> String {
        let scenario = try ScenarioLoader.load(text: yaml, file: "inline.yaml")
        return FastAPIExporter(scenario: scenario, profile: profile).export()
    }

    static func expr(_ text: String, roots: [String: String] = [:], locals: Set<String> = ["user", "items", "q", "flag", "a", "b"]) throws -> String {
        var s = PythonSyntax()
        s.roots = roots
        s.locals = locals
        return s.expression(try ExprParser.parse(text))
    }

    @Test func conditionsBecomePythonWithDilabsLenientPaths() throws {
        #expect(try Self.expr("user.role != 'admin'") == "get(user, \"role\") != \"admin\"")
        #expect(try Self.expr("items.0 == 1") == "get(items, 0) == 1")
        #expect(try Self.expr("q is None") == "q is None")
        #expect(try Self.expr("q is 'x'") == "q == \"x\"", "dilab's `is` compares values; Python's would compare identity")
        #expect(try Self.expr("not flag and (a or b)") == "(not flag) and (a or b)")
        #expect(try Self.expr("exc.type == 'ValueError'", roots: ["exc": "describe(exc)"]) == "get(describe(exc), \"type\") == \"ValueError\"")
        #expect(try Self.expr("request == 2") == "request_number() == 2")
        #expect(try Self.expr("os.environ == 1", locals: []) == "get(None, \"environ\") == 1", "a root that is no parameter is None, never a Python global")
    }

    @Test func templatesKeepTheTypeOfASingleHoleAndInterpolateOtherwise() throws {
        var s = PythonSyntax()
        s.locals = ["user_id", "call"]
        #expect(s.template(try Template.parse(string: "{{user_id}}")) == "user_id")
        #expect(s.template(try Template.parse(string: "Session#{{call}}")) == "f\"Session#{text(call)}\"", "a parameter of no known type keeps text")
        s.scalars = ["user_id"]
        s.locals.insert("cfg")
        #expect(s.template(try Template.parse(string: "user {{user_id}}")) == "f\"user {user_id}\"", "an int parameter reads as in --plain")
        #expect(s.template(try Template.parse(string: "{{user_id}}: {{cfg.a}} {{len(cfg)}}")) == "f\"{user_id}: {text(get(cfg, 'a'))} {len(_plain(cfg))}\"", "a path keeps get and text")
        #expect(s.template(.object([("a", .value(.array([.int(1), .null, .bool(true), .double(2)])))])) == "{\"a\": [1, None, True, 2.0]}")
        #expect(PythonSyntax.string("say \"hi\"\n\\") == "\"say \\\"hi\\\"\\n\\\\\"")
    }

    @Test func aYieldDependencyHasItsExceptBlocksFinallyAndSuccessPathCleanup() throws {
        let py = try Self.export("""
        providers:
          get_db:
            yield: true
            async: true
            returns: "db{{call}}"
            except:
              - {catch: HTTPException, then: reraise}
              - {catch: ValueError, raise: {status: 400, detail: converted}, when: "exc.message != 'keep'"}
              - {catch: KeyError, then: swallow}
            cleanup: {duration: 2ms, raises: {exception: CommitError, message: commit failed}}
        routes:
          - GET /x: {params: {db: "Depends(get_db, scope='function')"}}
        """)
        #expect(py.contains("""
        async def get_db():
            call = count("get_db")
            record("enter", "get_db")
            try:
                yield f"db{call}"
            except HTTPException as exc:
                record("catch", "get_db", summary(exc) + " → re-raised")
                raise
            except ValueError as exc:
                if get(describe(exc), "message") != "keep":
                    record("catch", "get_db", summary(exc) + " → HTTPException 400")
                    raise HTTPException(status_code=400, detail="converted")
                record("catch", "get_db", summary(exc) + " → re-raised")
                raise
            except KeyError as exc:
                record("catch", "get_db", summary(exc) + " → swallowed")
                return  # swallowed: the exception ends here
            finally:
                record("exit", "get_db")
                await asleep_ms(2)
            raise traced("get_db", CommitError("commit failed"))
        """))
        #expect(py.contains("class CommitError(Exception):"))
        #expect(py.contains("@app.get(\"/x\")\nasync def get_x(db=Depends(get_db, scope=\"function\")):"))
    }

    @Test func providersAreDefinedAfterWhatTheirDefaultsNameAndCyclesArePatched() throws {
        let py = try Self.export("""
        providers:
          b: {params: {a: Depends(a)}}
          a: {params: {b: Depends(b)}}
          top: {params: {x: Depends(c)}}
          c: {}
        routes:
          - GET /x: {params: {t: Depends(top)}}
        """)
        let c = try #require(py.range(of: "def c(")), top = try #require(py.range(of: "def top("))
        #expect(c.lowerBound < top.lowerBound)
        #expect(py.contains("def a(*, b=None):"))
        #expect(py.contains("a.__kwdefaults__[\"b\"] = Depends(b)"))
    }

    @Test func aTenThousandLongCycleIsOrderedWithoutRecursion() throws {
        var yaml = "providers:\n"
        for i in 0..<10_000 { yaml += "  d\(i): {params: {x: Depends(d\((i + 1) % 10_000))}}\n" }
        let py = try Self.export(yaml + "routes:\n  - GET /x: {params: {t: Depends(d0)}}\n")
        let last = try #require(py.range(of: "def d9999(")), first = try #require(py.range(of: "def d0("))
        #expect(last.lowerBound < first.lowerBound)
        #expect(py.contains("d9999.__kwdefaults__[\"x\"] = Depends(d0)"))
    }

    @Test func requiredParametersAfterDefaultsBecomeKeywordOnly() throws {
        let py = try Self.export("""
        routes:
          - GET /items/{item_id}:
              handler: read_item
              params: {q: str = "x", item_id: int, token: str = Header(), tags: "str | None = None"}
        """)
        #expect(py.contains("async def read_item(*, q: str = \"x\", item_id: int, token: str = Header(), tags: str | None = None):"))
    }

    @Test func instancesSchemesLruAndRoutersReadLikeFastAPI() throws {
        let py = try Self.export("""
        providers:
          checker: {instance_of: Checker, params: {q: str = ""}, returns: "{{'bar' in q}}"}
          settings: {lru_cache: true, returns: {env: dev}}
          bearer: {scheme: http_bearer}
        routers:
          inner: {prefix: /i, include: {in: outer}}
          outer: {prefix: /o, dependencies: [settings], include: {in: app, prefix: /v1}}
        routes:
          - GET /c: {router: inner, params: {ok: Depends(checker), creds: Depends(bearer)}, status: 201}
        """)
        #expect(py.contains("class Checker:"))
        #expect(py.contains("checker = Checker(\"checker\")"))
        #expect(py.contains("@lru_cache\ndef settings():"))
        #expect(py.contains("bearer = traced_scheme(HTTPBearer)(\"bearer\")"))
        #expect(py.contains("outer = APIRouter(prefix=\"/o\", dependencies=[Depends(settings)])"))
        #expect(py.contains("@inner.get(\"/c\", status_code=201)"))
        let inner = try #require(py.range(of: "outer.include_router(inner)")), outer = try #require(py.range(of: "app.include_router(outer, prefix=\"/v1\")"))
        #expect(inner.lowerBound < outer.lowerBound, "a nested router is included into its parent first")
    }

    /// Every shipped scenario exports to Python that parses (python3's own parser; no FastAPI needed).
    @Test func everyShippedScenarioExportsToValidPython() throws {
        let root = ComparisonTests.root
        let dir = NSTemporaryDirectory() + "dilab-export-test-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for case let rel as String in FileManager.default.enumerator(atPath: root + "/scenarios")! where rel.hasSuffix(".yaml") {
            let scenario = try ScenarioLoader.load(path: root + "/scenarios/" + rel)
            let out = dir + "/" + rel.replacingOccurrences(of: "/", with: "_") + ".py"
            try FastAPIExporter(scenario: scenario, profile: scenario.profile).export().write(toFile: out, atomically: true, encoding: .utf8)
            files.append(out)
        }
        #expect(files.count >= 40)
        let check = "import ast, sys\nfor f in sys.argv[1:]:\n    ast.parse(open(f).read(), f)\nprint(len(sys.argv) - 1)"
        let r = try Subprocess.run(["python3", "-c", check] + files, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(files.count))
    }
}
