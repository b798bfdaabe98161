import DILab
@testable import DILabExport
import Testing

/// The export of `wrapped_by: {decorates: __call__}`: the decorator above the method, as
/// tests/test_dependency_wrapped.py writes `@noop_wrap def __call__`, defined before the class that uses it.
@Suite("export: decorated __call__ methods")
struct WrappedCallExportTests {
    @Test func theDecoratorIsOnTheMethodAndDefinedFirst() throws {
        let s = try PlainExportTests.load("scenarios/classes/wrapped-call-method.yaml")
        let py = FastAPIExporter(scenario: s, profile: s.profile).export()
        #expect(py.contains("    @noop_wrap\n    async def __call__(self, q: str = \"\"):"), "\(py)")
        #expect(py.contains("    @noop_wrap_async\n    def __call__(self, q: str = \"\"):"))
        #expect(py.contains("async_checker = AsyncQueryChecker(\"async_checker\")\n"), "the instance itself is not wrapped")
        #expect(!py.contains("noop_wrap(AsyncQueryChecker"))
        let definition = try #require(py.range(of: "def noop_wrap(func):"))
        let use = try #require(py.range(of: "class QueryChecker:"))
        #expect(definition.lowerBound < use.lowerBound)
    }

    @Test func aDecoratorIsDefinedBeforeADependencyWrittenFirst() throws {
        // `top` is listed first but depends on `base`, which the export writes first: the decorator goes with `base`.
        let yaml = """
        providers:
          top: {wrapped_by: deco, params: {b: Depends(base)}, returns: "{{b}}"}
          base: {wrapped_by: deco, returns: x}
        routes:
          - GET /r: {handler: h, params: {v: Depends(top)}, returns: "{{v}}"}
        """
        let s = try Validator.compile(ScenarioLoader.load(text: yaml, file: "inline.yaml")).scenario
        let py = FastAPIExporter(scenario: s, profile: s.profile).export()
        let definition = try #require(py.range(of: "def deco(func):"))
        let first = try #require(py.range(of: "@deco\n"))
        #expect(definition.lowerBound < first.lowerBound, "\(py)")
    }
}
