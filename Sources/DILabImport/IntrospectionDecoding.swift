import DILab

/// Reads the introspection script's JSON into `IntrospectedApp`. Missing or mistyped fields are an error
/// naming the field: the script and this reader ship together, so a mismatch is a bug, not user input.
public enum IntrospectionDecoding {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func decode(json: String) throws -> IntrospectedApp {
        guard let root = Value.parse(json: json) else { throw Failure(description: "the introspection output is not JSON") }
        var callables: [Int: CallableInfo] = [:], order: [Int] = []
        for c in root["callables"]?.list ?? [] {
            let info = try callable(c)
            if callables[info.id] == nil { order.append(info.id) }
            callables[info.id] = info
        }
        var tasks: [Int: TaskInfo] = [:], taskOrder: [Int] = []
        for t in root["tasks"]?.list ?? [] {
            let info = TaskInfo(id: try int(t, "id"), pythonName: try string(t, "python_name"), file: t["file"]?.text ?? "",
                                line: t["line"]?.intValue ?? 0, isAsync: t["async"] == .bool(true),
                                params: (t["params"]?.list ?? []).compactMap(\.stringValue))
            if tasks[info.id] == nil { taskOrder.append(info.id) }
            tasks[info.id] = info
        }
        var app = IntrospectedApp(
            fastapiVersion: root["fastapi"]?.stringValue ?? "?", pythonVersion: root["python"]?.stringValue ?? "?",
            module: root["module"]?.stringValue ?? "?", hasLifespan: root["lifespan"] == .bool(true),
            appDependencies: try (root["app_dependencies"]?.list ?? []).map(use),
            overrides: (root["dependency_overrides"]?.list ?? []).compactMap { pair in
                guard let p = pair.list, p.count == 2, let a = p[0].intValue, let b = p[1].intValue else { return nil }
                return (a, b)
            },
            routes: try (root["routes"]?.list ?? []).map(route),
            callables: callables, callableOrder: order,
            unsupported: (root["unsupported"]?.list ?? []).map { ($0["where"]?.stringValue ?? "?", $0["what"]?.stringValue ?? "?") },
            responses: (root["responses"]?.list ?? []).map {
                ObservedResponse(status: $0["status"]?.intValue ?? 0, contentType: $0["content_type"]?.stringValue ?? "", text: $0["text"]?.stringValue ?? "",
                                 webSocket: $0["websocket"])
            },
            calls: try (root["calls"]?.list ?? []).enumerated().map { i, v in var c = try call(v); c.index = i; return c },
            events: (root["events"]?.list ?? []).map {
                RecordedEvent(request: $0["request"]?.intValue ?? 0, kind: $0["kind"]?.stringValue ?? "?",
                              subject: $0["subject"].map { $0.stringValue ?? $0.json } ?? "?", q: $0["q"]?.stringValue ?? "")
            },
            tasks: tasks, taskOrder: taskOrder, models: models(root))
        appHooks(root, into: &app)
        return app
    }

    static func route(_ v: Value) throws -> RouteInfo {
        RouteInfo(kind: RouteInfo.Kind(rawValue: try string(v, "kind")) ?? .http, path: try string(v, "path"),
                  methods: (v["methods"]?.list ?? []).compactMap(\.stringValue), handler: try int(v, "handler"),
                  dependencies: try (v["dependencies"]?.list ?? []).map(use),
                  statusCode: v["status_code"]?.intValue, responseClass: v["response_class"]?.stringValue,
                  responseModel: responseModel(v))
    }

    static func use(_ v: Value) throws -> DependencyUse {
        DependencyUse(callable: try int(v, "callable"), useCache: v["use_cache"] != .bool(false), scope: v["scope"]?.stringValue,
                      scopes: (v["scopes"]?.list ?? []).compactMap(\.stringValue), maxConcurrency: v["max_concurrency"]?.intValue)
    }

    static func callable(_ v: Value) throws -> CallableInfo {
        let form = CallableInfo.Form(rawValue: try string(v, "form")) ?? .unsupported
        var scheme: SchemeInfo?
        if let s = v["scheme"] {
            scheme = SchemeInfo(kind: s["kind"]?.stringValue ?? "?", autoError: s["auto_error"] != .bool(false), header: s["header"]?.stringValue)
        }
        var info = CallableInfo(
            id: try int(v, "id"), pythonName: try string(v, "python_name"), form: form,
            isAsync: v["async"] == .bool(true), isGenerator: v["generator"] == .bool(true),
            file: v["file"]?.stringValue ?? "", line: v["line"]?.intValue ?? 0, params: try (v["params"]?.list ?? []).map(param),
            instanceOf: v["instance_of"]?.stringValue, factory: v["factory"]?.stringValue, lruCache: v["lru_cache"] == .bool(true),
            wrappedBy: v["wrapped_by"]?.stringValue, wrapperAsync: v["wrapper_async"] == .bool(true), scheme: scheme,
            unsupportedReason: v["unsupported"]?.stringValue)
        info.keepsWrapped = v["keeps_wrapped"] != .bool(false)
        info.decoratesCall = v["decorates_call"] == .bool(true)
        return info
    }

    static func param(_ v: Value) throws -> ParamInfo {
        let kindText = try string(v, "kind")
        guard let kind = ParamInfo.Kind(rawValue: kindText) else { throw Failure(description: "unknown parameter kind '\(kindText)'") }
        return ParamInfo(name: try string(v, "name"), kind: kind, type: v["type"]?.stringValue ?? "any", optional: v["optional"] == .bool(true),
                         defaultValue: v["default"]?["value"],
                         unrepresentableDefault: v["default"]?["unrepresentable"]?.stringValue, alias: v["alias"]?.stringValue,
                         constraints: (v["constraints"]?.list ?? []).compactMap(\.stringValue),
                         depends: try v["depends"].map(use))
    }

    static func exception(_ v: Value?) -> RecordedException? {
        guard let v, let type = v["type"]?.stringValue else { return nil }
        var headers: [(String, String)] = []
        if case .object(let pairs)? = v["headers"] { headers = pairs.map { ($0.0, $0.1.stringValue ?? $0.1.json) } }
        return RecordedException(type: type, status: v["status"]?.intValue, detail: v["detail"], message: v["message"]?.stringValue, headers: headers,
                                 code: v["code"]?.intValue, reason: v["reason"]?.stringValue)
    }

    static func call(_ v: Value) throws -> RecordedCall {
        var args: [(String, Value)] = []
        if case .object(let pairs)? = v["args"] { args = pairs }
        let tasks: [(task: Int, args: [(String, Value)])] = (v["tasks"]?.list ?? []).compactMap { t in
            guard let id = t["task"]?.intValue else { return nil }
            if case .object(let pairs)? = t["args"] { return (id, pairs) }
            return (id, [])
        }
        return RecordedCall(request: v["request"]?.intValue ?? 0, callable: try int(v, "callable"),
                            role: RecordedCall.Role(rawValue: v["role"]?.stringValue ?? "") ?? .dependency,
                            args: args, returned: v["returned"], raised: exception(v["raised"]), thrown: exception(v["thrown"]),
                            afterThrow: v["after_throw"]?.stringValue.flatMap(RecordedCall.AfterThrow.init(rawValue:)),
                            converted: exception(v["converted"]), cleanupRaised: exception(v["cleanup_raised"]), tasks: tasks,
                            chunks: v["chunks"]?.list?.compactMap(\.stringValue))
    }

    static func string(_ v: Value, _ key: String) throws -> String {
        guard let s = v[key]?.stringValue else { throw Failure(description: "introspection output: '\(key)' missing or not a string") }
        return s
    }

    static func int(_ v: Value, _ key: String) throws -> Int {
        guard let i = v[key]?.intValue else { throw Failure(description: "introspection output: '\(key)' missing or not an int") }
        return i
    }
}

extension Value {
    var list: [Value]? { if case .array(let a) = self { return a } else { return nil } }
    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
}
