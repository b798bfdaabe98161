@testable import DILab
@testable import DILabExport
@testable import DILabImport
import Foundation
import Testing

/// `dilab import` of decorated dependencies, under each profile's real FastAPI: what the wrapper wraps (a function,
/// a class, a callable instance, or a decorated `__call__`) is followed through `__wrapped__` (or the closure of a
/// wrapper without functools.wraps) and written as the provider, with the `wrapped_by:` the decorator stands for.
@Suite struct ImportWrappedTests {
    static let app = #"""
import functools

from fastapi import Depends, FastAPI


def noop_wrap(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def noop_wrap_async(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        return await func(*args, **kwargs)
    return wrapper


def log_calls(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


@noop_wrap
def get_page(page: int = 1):
    return page


@noop_wrap
class Settings:
    def __init__(self, size: int = 10):
        self.size = size


class QueryChecker:
    def __call__(self, q: str = ""):
        return q


class AsyncQueryChecker:
    async def __call__(self, q: str = ""):
        return q


class SessionMaker:
    @noop_wrap
    def __call__(self):
        yield "session"


class AsyncEcho:
    @noop_wrap_async
    async def __call__(self, q: str = ""):
        return q


class KeyChecker:
    async def __call__(self):
        return "ok"


@log_calls
class AuditTrail:
    pass


checker = noop_wrap(QueryChecker())
async_checker = noop_wrap_async(AsyncQueryChecker())
session = SessionMaker()
async_echo = AsyncEcho()
key_checker = log_calls(KeyChecker())

app = FastAPI()


@app.get("/items", dependencies=[Depends(session), Depends(key_checker), Depends(AuditTrail)])
def list_items(p=Depends(get_page), s=Depends(Settings), c=Depends(checker), a=Depends(async_checker), e=Depends(async_echo)):
    return {}


@app.get("/decorated")
@noop_wrap_async
def read_decorated(q: str = ""):
    return q
"""#

    static func python(_ profile: Profile) -> String {
        PythonEnvironment.venvRoot() + "/fastapi-\(profile.fastapiVersion)/bin/python"
    }

    static let profiles = Profile.allCases.filter { FileManager.default.isExecutableFile(atPath: python($0)) }

    static func importApp(_ profile: Profile) throws -> String {
        let dir = NSTemporaryDirectory() + "dilab-import-wrapped-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.app.write(toFile: dir + "/wrapped_app.py", atomically: true, encoding: .utf8)
        let app = try Importer(python: PythonEnvironment(python: python(profile)), appFile: dir + "/wrapped_app.py",
                               appAttribute: nil, requests: []).introspect()
        var writer = ScenarioWriter(app: app, sourceFile: "wrapped_app.py", profile: profile, requests: [])
        return writer.write()
    }

    /// The provider's block of lines (its key line to the next provider), for the checks below.
    static func block(_ name: String, in text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  \(name):") }) else { return "" }
        let rest = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }
        return ([lines[start]] + rest).joined(separator: "\n")
    }

    @Test(.enabled(if: !profiles.isEmpty), arguments: profiles)
    func eachWrappedFormIsReadThroughItsWrapper(profile: Profile) throws {
        let text = try Self.importApp(profile)
        let scenario = try ScenarioLoader.load(text: text)
        _ = try Validator.compile(scenario)
        func provider(_ name: String) throws -> Provider { try #require(scenario.providers.first { $0.name == name }, "\(name) in\n\(text)") }
        /// The decorator as `name`, then `async`, `no-wraps`, `__call__` for the flags that are set.
        func wrap(_ name: String) throws -> String {
            guard let w = try provider(name).wrappedBy else { return "none" }
            return ([w.decorator] + (w.isAsync ? ["async"] : []) + (w.keepsWrapped ? [] : ["no-wraps"]) + (w.decoratesCall ? ["__call__"] : []))
                .joined(separator: " ")
        }

        // A function behind a functools.wraps decorator: the decorator's name from the wrapper's code, not "wrapper".
        #expect(try wrap("get_page") == "noop_wrap")
        #expect(Self.block("get_page", in: text).contains("page: {in: query, type: int, default: 1}"))
        // `@noop_wrap class Settings`: a class provider, its __init__'s parameters.
        #expect(try provider("Settings").form == .classType)
        #expect(try wrap("Settings") == "noop_wrap")
        #expect(Self.block("Settings", in: text).contains("size: {in: query, type: int, default: 10}"))
        // `noop_wrap(instance)`, sync and async wrappers: the instance's class and its __call__'s kind.
        let c = try provider("checker"), a = try provider("async_checker")
        #expect(c.form == .instance && c.instanceOf == "QueryChecker" && !c.isAsync)
        #expect(try wrap("checker") == "noop_wrap")
        #expect(Self.block("checker", in: text).contains("q: {in: query, type: str, default: \"\"}"))
        #expect(a.form == .instance && a.instanceOf == "AsyncQueryChecker" && a.isAsync)
        #expect(try wrap("async_checker") == "noop_wrap_async async")
        // `@noop_wrap def __call__`: the instance is the dependency, the decorator on its method.
        let s = try provider("session"), e = try provider("async_echo")
        #expect(s.form == .instance && s.isGenerator && !s.isAsync)
        #expect(try wrap("session") == "noop_wrap __call__")
        #expect(e.form == .instance && e.isAsync)
        #expect(try wrap("async_echo") == "noop_wrap_async async __call__")
        // Without functools.wraps around an instance and a class: FastAPI reads `(*args, **kwargs)`.
        let k = try provider("key_checker")
        #expect(k.form == .instance && k.instanceOf == "KeyChecker" && k.isAsync)
        #expect(try wrap("key_checker") == "log_calls no-wraps")
        #expect(try provider("AuditTrail").form == .classType)
        #expect(try wrap("AuditTrail") == "log_calls no-wraps")
        // A decorated endpoint: the route's own `wrapped_by:`, its parameters read through `__wrapped__`.
        let route = try #require(scenario.routes.first { $0.handlerName == "read_decorated" })
        #expect(route.wrappedBy?.decorator == "noop_wrap_async" && route.wrappedBy?.isAsync == true && !route.isAsync)
        #expect(route.params.map(\.name) == ["q"])
        #expect(!text.contains("wrapper"))
    }
}
