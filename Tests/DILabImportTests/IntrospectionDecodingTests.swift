@testable import DILab
import Testing
@testable import DILabImport

/// The introspection script's JSON (shape as printed for FastAPI's tutorial008b) decodes into typed values, and
/// the writer turns it into the scenario `scripts/import-tutorials.sh` checks against real FastAPI.
@Suite struct IntrospectionDecodingTests {
    static let json = #"""
    {"fastapi": "0.165.0", "python": "3.11.7", "module": "tutorial008b", "attr": "app", "lifespan": false, "app_dependencies": [],
     "dependency_overrides": [], "routes": [{"kind": "http", "path": "/items/{item_id}", "handler": 1, "methods": ["GET"], "dependencies": [],
     "status_code": null, "response_class": "JSONResponse"}],
     "callables": [{"id": 1, "python_name": "get_item", "form": "function", "async": false, "generator": false, "file": "t.py", "line": 25,
       "params": [{"kind": "path", "type": "str", "optional": false, "name": "item_id"},
                  {"kind": "depends", "depends": {"callable": 2, "use_cache": true}, "name": "username"}]},
      {"id": 2, "python_name": "get_username", "form": "function", "async": false, "generator": true, "file": "t.py", "line": 18, "params": []}],
     "unsupported": [],
     "responses": [{"status": 400, "content_type": "application/json", "text": "{\"detail\":\"Owner error: Rick\"}"},
                   {"status": 200, "content_type": "application/json", "text": "{\"description\":\"Gun\",\"owner\":\"Rick\"}"}],
     "calls": [{"request": 1, "callable": 2, "role": "dependency", "args": {}, "tasks": [], "returned": "Rick",
                "thrown": {"type": "OwnerError", "message": "Rick", "builtin": false}, "after_throw": "convert",
                "converted": {"type": "HTTPException", "status": 400, "detail": "Owner error: Rick", "headers": {}}},
               {"request": 1, "callable": 1, "role": "handler", "args": {"username": "Rick", "item_id": "plumbus"}, "tasks": [],
                "raised": {"type": "OwnerError", "message": "Rick", "builtin": false}},
               {"request": 2, "callable": 2, "role": "dependency", "args": {}, "tasks": [], "returned": "Rick"},
               {"request": 2, "callable": 1, "role": "handler", "args": {"username": "Rick", "item_id": "portal-gun"}, "tasks": [],
                "returned": {"description": "Gun", "owner": "Rick"}}],
     "events": [], "tasks": []}
    """#

    @Test func decodesAndWritesAScenarioDilabAgreesWith() throws {
        let app = try IntrospectionDecoding.decode(json: Self.json)
        #expect(app.routes.first?.path == "/items/{item_id}")
        #expect(app.callables[2]?.isGenerator == true)
        #expect(app.calls[0].afterThrow == .convert && app.calls[0].converted?.status == 400)
        #expect(app.calls.map(\.index) == [0, 1, 2, 3])
        var writer = ScenarioWriter(app: app, sourceFile: "t.py", profile: .latest,
                                    requests: [RecordRequest(method: "GET", target: "/items/plumbus"), RecordRequest(method: "GET", target: "/items/portal-gun")])
        let text = writer.write()
        #expect(text.contains(#"{catch: OwnerError, raise: {status: 400, detail: "Owner error: {{exc.message}}"}}"#))
        #expect(text.contains(#"{exception: OwnerError, message: "{{username}}", when: "item_id != 'portal-gun'"}"#))  // the one happy value is the condition's
        #expect(text.contains("get_username:  # t.py:18"))
        let run = Engine.run(try Validator.compile(ScenarioLoader.load(text: text)))
        #expect(run.requests.map(\.status) == [400, 200])
        #expect(run.requests.last?.body == .object([("description", .string("Gun")), ("owner", .string("Rick"))]))
        #expect(writer.warnings.isEmpty)
    }

    @Test func aMistypedFieldIsNamed() {
        #expect(throws: IntrospectionDecoding.Failure.self) {
            try IntrospectionDecoding.decode(json: #"{"routes": [{"kind": "http", "path": 3}]}"#)
        }
    }
}
