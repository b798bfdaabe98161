import DILab
@testable import DILabExport
import Foundation
import Testing

/// `PythonName`'s lists are only as good as their match with what the export really writes: these tests read
/// real exports with Python's own parser and fail when the runtime or a writer starts using a name the loader
/// does not reserve.
@Suite("export names")
struct ExportNamesTests {
    struct Names: Decodable {
        var module: [String]
        var builtins: [String]
        var body: [String]
    }

    static let reader = #"""
import ast, builtins, json, sys
reserved = set(json.loads(sys.argv[1]))
for path in sys.argv[2:]:
    tree = ast.parse(open(path, encoding="utf-8").read())
    module, used, body = set(), set(), set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module.add(node.name)
        elif isinstance(node, ast.Assign):
            module.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            module.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module.update((a.asname or a.name).split(".")[0] for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and hasattr(builtins, node.id) and not node.id.startswith("__"):
            obj = getattr(builtins, node.id)
            if not (isinstance(obj, type) and issubclass(obj, BaseException)):
                used.add(node.id)
    # Bodies of the scenario's own callables: what a parameter of that function could hide.
    def own(nodes):
        for n in nodes:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name not in reserved:
                yield n
            elif isinstance(n, ast.ClassDef) and n.name not in reserved:
                yield from own(n.body)
    for fn in own(tree.body):
        for stmt in fn.body:
            body.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
    print(json.dumps({"module": sorted(module), "builtins": sorted(used), "body": sorted(body & reserved)}))
"""#

    /// Every shipped scenario, exported, with its own module-level names.
    static func shipped() throws -> [(scenario: Scenario, python: String)] {
        let root = ComparisonTests.root
        return try FileManager.default.enumerator(atPath: root + "/scenarios")!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") }.sorted().map { rel in
                let s = try ScenarioLoader.load(path: root + "/scenarios/" + rel)
                return (s, FastAPIExporter(scenario: s, profile: s.profile).export())
            }
    }

    static func ownNames(_ s: Scenario) -> Set<String> {
        var names = Set(s.providers.map(\.name) + s.tasks.map(\.name) + s.routers.map(\.name) + s.routes.map(\.handlerName))
        names.formUnion(s.routers.map { $0.name + "_lifespan" } + s.pools.map(\.name) + s.rooms.map(\.name) + s.aliases.keys)
        names.formUnion(s.app.exceptionHandlers.map { "handle_" + $0.exception.lowercased() })
        let raised = s.providers.flatMap { $0.raises + $0.cleanup.raises } + s.routes.flatMap(\.raises) + s.tasks.flatMap(\.raises)
        names.formUnion(raised.map(\.exception) + s.providers.flatMap { $0.handlers.map(\.catches) })
        for p in s.providers { if let c = p.instanceOf { names.formUnion([c, c + "_" + p.name]) } }
        names.formUnion(s.providers.compactMap { $0.wrappedBy?.decorator })
        names.formUnion(s.routes.compactMap { $0.wrappedBy?.decorator })
        names.formUnion(s.models.map(\.name))
        names.formUnion(s.middleware.map(\.name))
        names.formUnion(s.contextVars.map(\.name))
        names.formUnion(Annotations.standIns(s))  // classes named by the scenario's own annotations (`db: Session = Depends(...)`)
        return names
    }

    @Test func everyNameTheExportDefinesOrNeedsIsReserved() throws {
        let exports = try Self.shipped()
        let dir = NSTemporaryDirectory() + "dilab-names-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for (i, e) in exports.enumerated() {
            let path = dir + "/e\(i).py"
            try e.python.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let reserved = String(decoding: try JSONEncoder().encode(PythonName.reserved.sorted()), as: UTF8.self)
        let r = try Subprocess.run(["python3", "-c", Self.reader, reserved] + files, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try r.stdout.split(separator: "\n").map { try JSONDecoder().decode(Names.self, from: Data($0.utf8)) }
        #expect(rows.count == exports.count)
        for (row, e) in zip(rows, exports) {
            let own = Self.ownNames(e.scenario)
            let unreserved = row.module.filter { !PythonName.reserved.contains($0) && !own.contains($0) }
            #expect(unreserved.isEmpty, "\(e.scenario.file): the export defines \(unreserved), which PythonName.reserved lacks")
            let params = Set(e.scenario.providers.flatMap(\.params).map(\.name) + e.scenario.routes.flatMap(\.params).map(\.name) + e.scenario.tasks.flatMap(\.params)
                             + e.scenario.models.flatMap(\.fields).map(\.name))  // class attributes, which hide nothing
            let builtins = row.builtins.filter { !PythonName.builtins.contains($0) && !params.contains($0) }
            #expect(builtins.isEmpty, "\(e.scenario.file): the export calls built-ins \(builtins), which PythonName.builtins lacks")
            // A pure ASGI middleware's `__init__(self, app)` reads its own `app` (Starlette 0.27 passes it by that
            // keyword); no scenario parameter reaches a middleware's body.
            let asgi: Set<String> = e.scenario.middleware.contains { $0.kind == .asgi } ? ["app"] : []
            let hidden = row.body.filter { !PythonName.bodyNames.contains($0) && !asgi.contains($0) }
            #expect(hidden.isEmpty, "\(e.scenario.file): exported bodies read \(hidden), which PythonName.bodyNames lacks")
        }
    }

    @Test func theKeywordListIsPythons() throws {
        let r = try Subprocess.run(["python3", "-c", "import keyword, json; print(json.dumps([keyword.kwlist, keyword.softkwlist]))"], timeout: 30)
        let lists = try JSONDecoder().decode([[String]].self, from: Data(r.stdout.utf8))
        #expect(Set(lists[0]) == PythonName.keywords)
        for soft in lists[1] {
            #expect(PythonName.problem(soft, as: .parameter) == nil, "soft keyword '\(soft)' is an ordinary parameter name in Python")
        }
    }
}
