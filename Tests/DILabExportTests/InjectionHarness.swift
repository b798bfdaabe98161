import DILab
@testable import DILabExport
import Foundation

/// Runs exported apps under python3 without FastAPI, to prove a hostile scenario executes nothing.
/// Each export is (1) parsed, (2) walked for any identifier carrying the payload marker outside a string
/// constant, and (3) imported against a stub `fastapi`, with `pwned_marker` installed as a builtin that
/// writes a sentinel file: if any payload ran at import, the sentinel exists.
enum InjectionHarness {
    /// The identifier every payload carries; harmless in a string, a finding anywhere else.
    static let marker = "pwned_marker"

    struct Finding: Decodable {
        var file: String
        var parsed: Bool
        var imported: Bool
        var leaks: [String]
        var error: String?
    }

    struct Report {
        var findings: [String: Finding]
        var sentinelWritten: Bool
        var runtimeChecks: String
    }

    /// A stand-in for FastAPI and Starlette: enough for the export to import, nothing that runs app code.
    static let stub = #"""
class _Any:
    def __init__(self, *a, **k):
        self.dependency_overrides = {}
    def __call__(self, *a, **k):
        return a[0] if len(a) == 1 and callable(a[0]) and not k else _Any()
    def __getattr__(self, name):
        return _Any()
    def __getitem__(self, key):
        return _Any()

class HTTPException(Exception):
    def __init__(self, status_code=500, detail=None, headers=None):
        self.status_code, self.detail = status_code, detail

class RequestValidationError(Exception): pass
class FastAPIError(RuntimeError): pass
class SecurityScopes:
    def __init__(self, scopes=None):
        self.scopes = scopes or []
        self.scope_str = " ".join(self.scopes)
class HTTPAuthorizationCredentials:
    def __init__(self, scheme, credentials):
        self.scheme, self.credentials = scheme, credentials
class APIKeyHeader(_Any): pass
class HTTPBearer(_Any): pass
class OAuth2PasswordBearer(_Any): pass
class BackgroundTasks:
    def __init__(self):
        self.tasks = []
APIRouter = FastAPI = Body = Cookie = Depends = Header = Path = Query = Request = Response = Security = _Any
class WebSocketDisconnect(Exception):
    def __init__(self, code=1000, reason=None):
        self.code, self.reason = code, reason
class WebSocketException(Exception):
    def __init__(self, code=1008, reason=None):
        self.code, self.reason = code, reason
WebSocket = _Any
JSONResponse = StreamingResponse = HTMLResponse = PlainTextResponse = RedirectResponse = BackgroundTask = MutableHeaders = _Any
StarletteHTTPException = HTTPException
__version__ = "stub"
"""#

    /// Parses, walks and imports each file; prints one JSON finding per file, then checks the runtime's `get`.
    static let checker = #"""
import ast, builtins, importlib.util, json, os, sys
MARK = sys.argv[1]
SENTINEL = os.path.abspath("SENTINEL")
builtins.pwned_marker = lambda *a, **k: open(SENTINEL, "w").close()
NAMED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

def leaks(tree):
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Name): names.append(node.id)
        elif isinstance(node, ast.Attribute): names.append(node.attr)
        elif isinstance(node, NAMED): names.append(node.name)
        elif isinstance(node, ast.arg): names.append(node.arg)
        elif isinstance(node, ast.keyword) and node.arg: names.append(node.arg)
        elif isinstance(node, ast.alias): names.append(node.name)
        out += [f"{type(node).__name__} {n} at line {getattr(node, 'lineno', '?')}" for n in names if n == MARK]
    return out

results = []
last = None
for i, path in enumerate(sys.argv[2:]):
    r = {"file": path, "parsed": False, "imported": False, "leaks": [], "error": None}
    try:
        source = open(path, encoding="utf-8").read()
        tree = ast.parse(source, path)
        r["parsed"] = True
        r["leaks"] = leaks(tree)
        spec = importlib.util.spec_from_file_location(f"exported_{i}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        r["imported"] = True
        last = module
    except BaseException as e:
        r["error"] = f"{type(e).__name__}: {e}"
    results.append(r)
for r in results:
    print(json.dumps(r))
checks = []
if last is not None:
    from fastapi import BackgroundTasks, SecurityScopes
    g = last.get
    checks.append(g(BackgroundTasks(), "__init__", "__globals__") is None)
    checks.append(g(os, "environ") is None)
    checks.append(g(last, "os") is None)
    checks.append(g({"a": [1, {"b": 2}]}, "a", 1, "b") == 2)
    checks.append(g(SecurityScopes(["me"]), "scopes", 0) == "me")
    checks.append(last.text(BackgroundTasks()) == "<BackgroundTasks>")
print("RUNTIME " + "".join("1" if c else "0" for c in checks))
"""#

    /// A fresh folder holding the stub packages; removed by the caller.
    static func stubFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "dilab-injection-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        for pkg in ["fastapi", "starlette"] { try fm.createDirectory(atPath: "\(dir)/\(pkg)", withIntermediateDirectories: true) }
        try stub.write(toFile: "\(dir)/fastapi/__init__.py", atomically: true, encoding: .utf8)
        for sub in ["fastapi/exceptions", "fastapi/responses", "fastapi/security", "starlette/background", "starlette/exceptions", "starlette/datastructures"] {
            try "from fastapi import *\nfrom fastapi import _Any\n".write(toFile: "\(dir)/\(sub).py", atomically: true, encoding: .utf8)
        }
        try "".write(toFile: "\(dir)/starlette/__init__.py", atomically: true, encoding: .utf8)
        // The test's noop_wrap_async imports these when it decorates (at import time).
        try "from fastapi import _Any\niterate_in_threadpool = run_in_threadpool = _Any\n".write(toFile: "\(dir)/fastapi/concurrency.py", atomically: true, encoding: .utf8)
        // AnyIO (FastAPI's own dependency): the concurrent driver and `threadpool_tokens` import it.
        try fm.createDirectory(atPath: "\(dir)/anyio", withIntermediateDirectories: true)
        try "from fastapi import _Any\nCancelScope = _Any\n".write(toFile: "\(dir)/anyio/__init__.py", atomically: true, encoding: .utf8)
        try "from fastapi import _Any\ncurrent_default_thread_limiter = _Any\n".write(toFile: "\(dir)/anyio/to_thread.py", atomically: true, encoding: .utf8)
        // pydantic (FastAPI's own dependency): `models:` export BaseModel classes with Field(...) and EmailStr.
        try fm.createDirectory(atPath: "\(dir)/pydantic", withIntermediateDirectories: true)
        try "from fastapi import _Any\nclass BaseModel: pass\nField = EmailStr = _Any\n".write(toFile: "\(dir)/pydantic/__init__.py", atomically: true, encoding: .utf8)
        return dir
    }

    /// Imports one export against the stub and prints `json.dumps` of a Python expression evaluated in it.
    static func evaluate(_ export: String, _ expression: String) throws -> String {
        let dir = try stubFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try export.write(toFile: "\(dir)/exported.py", atomically: true, encoding: .utf8)
        let script = "import asyncio, inspect, json\nfrom exported import *\nv = \(expression)\nprint(json.dumps(asyncio.run(v) if inspect.iscoroutine(v) else v, separators=(',', ':')))"
        let r = try Subprocess.run(["/bin/sh", "-c", "cd \"$0\" && PYTHONPATH=\"$0\" python3 -c \"$1\"", dir, script], timeout: 60)
        return r.status == 0 ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : "error: \(r.stderr)"
    }

    /// Writes each export to a fresh folder with the stub beside it and runs the checker over all of them.
    static func run(_ exports: [String: String]) throws -> Report {
        let dir = try stubFolder()
        let fm = FileManager.default
        defer { try? fm.removeItem(atPath: dir) }
        var files: [String] = []
        for (name, text) in exports.sorted(by: { $0.key < $1.key }) {
            let path = "\(dir)/\(name).py"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        try checker.write(toFile: "\(dir)/check.py", atomically: true, encoding: .utf8)
        let r = try Subprocess.run(["/bin/sh", "-c", "cd \"$0\" && PYTHONPATH=\"$0\" python3 check.py \"$@\"", dir, marker] + files, timeout: 120)
        var findings: [String: Finding] = [:]
        var runtime = ""
        for line in r.stdout.split(separator: "\n") {
            if line.hasPrefix("RUNTIME ") { runtime = String(line.dropFirst(8)); continue }
            guard let f = try? JSONDecoder().decode(Finding.self, from: Data(line.utf8)) else { continue }
            findings[((f.file as NSString).lastPathComponent as NSString).deletingPathExtension] = f
        }
        return Report(findings: findings, sentinelWritten: fm.fileExists(atPath: "\(dir)/SENTINEL"), runtimeChecks: runtime + r.stderr)
    }
}
