@testable import DILab
import Testing
@testable import DILabImport

/// The JSON→YAML writer on apps whose names, paths, defaults and recorded values are hostile: the scenario it
/// writes must load (`dilab check` passes) and carry every value as the app had it.
@Suite struct ScenarioWriterTests {
    static func app(routes: [RouteInfo], callables: [CallableInfo], calls: [RecordedCall] = [], responses: [ObservedResponse] = []) -> IntrospectedApp {
        IntrospectedApp(fastapiVersion: "0.165.0", pythonVersion: "3.11.7", module: "evil\nmodule: x", hasLifespan: false, appDependencies: [],
                        overrides: [], routes: routes, callables: Dictionary(uniqueKeysWithValues: callables.map { ($0.id, $0) }),
                        callableOrder: callables.map(\.id), unsupported: [("app", "middleware Evil\n- route")], responses: responses,
                        calls: calls, events: [], tasks: [:], taskOrder: [])
    }

    static func callable(_ id: Int, _ name: String, params: [ParamInfo] = [], file: String = "app.py") -> CallableInfo {
        CallableInfo(id: id, pythonName: name, form: .function, isAsync: false, isGenerator: false, file: file, line: 7, params: params,
                     instanceOf: nil, factory: nil, lruCache: false, wrappedBy: nil, wrapperAsync: false, scheme: nil, unsupportedReason: nil)
    }

    static func query(_ name: String, _ def: Value?, type: String = "str") -> ParamInfo {
        ParamInfo(name: name, kind: .query, type: type, optional: def == .null, defaultValue: def, unrepresentableDefault: nil, alias: nil,
                  constraints: [], depends: nil)
    }

    static let hostileDefaults: [Value] = [.string("yes"), .string("null"), .string("*a"), .string("{{call}}"), .string("a\"b'c"),
                                           .string("two\nlines"), .string("# x"), .null, .bool(true), .int(-3), .string("~")]

    @Test func hostileDefaultsAndNamesLoadBackUnchanged() throws {
        let params = Self.hostileDefaults.enumerated().map { Self.query("q\($0.offset)", $0.element) }
        let dep = Self.callable(2, "yes", params: params, file: "we\"ird\nfile.py")
        let handlerParams = [ParamInfo(name: "class", kind: .depends, type: "any", optional: false, defaultValue: nil, unrepresentableDefault: nil,
                                       alias: nil, constraints: [], depends: DependencyUse(callable: 2, useCache: false, scope: nil, scopes: [], maxConcurrency: nil))]
        let handler = Self.callable(1, "record", params: handlerParams)
        let route = RouteInfo(kind: .http, path: "/*a/yes:no/\"q'/&b", methods: ["GET"], handler: 1, dependencies: [], statusCode: nil, responseClass: nil)
        let spaced = RouteInfo(kind: .http, path: "/a b\n- GET /c", methods: ["GET"], handler: 1, dependencies: [], statusCode: nil, responseClass: nil)
        var writer = ScenarioWriter(app: Self.app(routes: [route, spaced], callables: [dep, handler]), sourceFile: "app.py\n- x", profile: .latest, requests: [])
        let text = writer.write()
        let scenario = try ScenarioLoader.load(text: text)
        _ = try Validator.compile(scenario)
        let provider = try #require(scenario.providers.first)
        #expect(provider.name == "yes")  // a fine Python name, quoted as a YAML key
        for (i, expected) in Self.hostileDefaults.enumerated() {
            guard case .request(let rp) = provider.params[i].kind else { Issue.record("q\(i) is not a request param"); continue }
            #expect(rp.defaultValue == expected, "q\(i)")
        }
        #expect(scenario.routes.map(\.path) == ["/*a/yes:no/\"q'/&b"])
        #expect(writer.warnings.contains { $0.contains("whitespace") })
        #expect(scenario.routes.first?.handlerName == "record_")  // `record` is a name the export defines
        #expect(writer.warnings.contains { $0.contains("record_") })
        #expect(writer.warnings.contains { $0.contains("middleware") })
        #expect(text.contains("# UNSUPPORTED: app: middleware Evil - route"))
    }

    @Test func recordedValuesBecomeTemplatesAndConditions() throws {
        let dep = Self.callable(2, "verify_token", params: [ParamInfo(name: "x_token", kind: .header, type: "str", optional: false, defaultValue: nil,
                                                                       unrepresentableDefault: nil, alias: nil, constraints: [], depends: nil)])
        let handler = Self.callable(1, "read", params: [Self.query("q", .string("{{call}}")),
                                                         ParamInfo(name: "t", kind: .depends, type: "any", optional: false, defaultValue: nil, unrepresentableDefault: nil,
                                                                   alias: nil, constraints: [], depends: DependencyUse(callable: 2, useCache: true, scope: nil, scopes: [], maxConcurrency: nil))])
        let route = RouteInfo(kind: .http, path: "/r", methods: ["GET"], handler: 1, dependencies: [], statusCode: nil, responseClass: nil)
        let bad = RecordedException(type: "HTTPException", status: 400, detail: .string("bad 'token' {{x}}"), message: nil, headers: [])
        let calls = [
            RecordedCall(request: 1, callable: 2, role: .dependency, args: [("x_token", .string("it's"))], returned: .string("it's"), tasks: []),
            RecordedCall(request: 1, callable: 1, role: .handler, args: [("q", .string("{{call}}")), ("t", .string("it's"))],
                         returned: .object([("q", .string("{{call}}")), ("token", .string("it's")), ("yes", .bool(true))]), tasks: []),
            RecordedCall(request: 2, callable: 2, role: .dependency, args: [("x_token", .string("nope"))], raised: bad, tasks: []),
        ]
        let responses = [ObservedResponse(status: 200, contentType: "application/json", text: #"{"q":"{{call}}","token":"it's","yes":true}"#),
                         ObservedResponse(status: 400, contentType: "application/json", text: #"{"detail":"bad 'token' {{x}}"}"#)]
        let requests = [RecordRequest(method: "GET", target: "/r", headers: [("X-Token", "it's")]), RecordRequest(method: "GET", target: "/r", headers: [("X-Token", "nope")])]
        var writer = ScenarioWriter(app: Self.app(routes: [route], callables: [dep, handler], calls: calls, responses: responses),
                                    sourceFile: "app.py", profile: .latest, requests: requests)
        let text = writer.write()
        let app = try Validator.compile(ScenarioLoader.load(text: text))
        let run = Engine.run(app)
        #expect(run.requests.map(\.status) == [200, 400])
        #expect(run.requests.first?.body == .object([("q", .string("{{call}}")), ("token", .string("it's")), ("yes", .bool(true))]))
        #expect(run.requests.last?.body == .object([("detail", .string("bad 'token' {{x}}"))]))
        #expect(text.contains("when: \"x_token != 'it\\\\'s'\""))
    }
}

@Suite struct ImportProfileTests {
    @Test func aVersionOutsideTheProfilesSaysWhichProfileItUsed() throws {
        #expect(Importer.versionNote("0.165.0", profile: .latest) == nil)
        let p = try #require(Profile(name: "0.110.3"))
        let note = try #require(Importer.versionNote("0.110.3", profile: p))
        #expect(note.contains("0.110.3") && note.contains("profile 0.115") && note.contains("0.115.14"))
    }
}
