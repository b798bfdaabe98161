import DILab
@testable import DILabExport
import Testing

/// The export writes `noop_wrap_async` line for line as tests/test_dependency_wrapped.py does, so `dilab verify`
/// runs the real thing: its generator branches (`gen_wrapper`, `async_gen_wrapper`) and its plain `wrapper`.
@Suite("export: the test's noop_wrap_async")
struct WrappedAsyncWrapperExportTests {
    @Test func theAsyncWrapperIsTheTests() throws {
        let s = try PlainExportTests.load("scenarios/classes/wrapped-matrix-functions.yaml")
        let py = FastAPIExporter(scenario: s, profile: s.profile).export()
        #expect(py.contains("""
            if inspect.isgeneratorfunction(func):

                @functools.wraps(func)
                async def gen_wrapper(*args, **kwargs):
                    async for item in iterate_in_threadpool(func(*args, **kwargs)):
                        yield item
        """), "\(py)")
        #expect(py.contains("    elif inspect.isasyncgenfunction(func):\n"))
        #expect(py.contains("            async for item in func(*args, **kwargs):\n                yield item\n"))
        #expect(py.contains("        if inspect.isclass(func):\n            return await run_in_threadpool(func, *args, **kwargs)\n"))
        #expect(py.contains("\nimport inspect\n"))
        #expect(py.contains("@noop_wrap_async\ndef wrapped_gen_dependency_async_wrapper():\n"))
    }

    @Test func theEndpointReturnsTheValueAsItIs() throws {
        let s = try PlainExportTests.load("scenarios/classes/wrapped-matrix-instances.yaml")
        let py = FastAPIExporter(scenario: s, profile: s.profile).export()
        #expect(py.contains("    return value\n"), "the test's `return value`, whatever the profile makes of it")
    }
}
