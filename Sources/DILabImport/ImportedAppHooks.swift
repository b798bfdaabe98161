import DILab

/// One user middleware as introspection saw it, innermost first (the order `add_middleware` ran in).
public struct MiddlewareInfo: Sendable {
    public enum Kind: String, Sendable { case http, asgi, dilabTrace = "dilab_trace" }
    public var kind: Kind
    public var name: String
    public var file: String
    public var line: Int
    public var unsupported: String?
}

/// What one http middleware did on one recorded request, seen from outside its code.
public struct MiddlewareRun: Sendable {
    public var request: Int
    public var middleware: String
    public var calledNext: Bool
    public var beforeState: [(String, Value)]
    public var afterState: [(String, Value)]
    /// Response headers after the middleware, and as call_next handed them to it.
    public var headers: [(String, String)]
    public var innerHeaders: [(String, String)]
    public var status: Int?
    public var body: String?
    public var mediaType: String?
    public var raised: RecordedException?
    public var raisedBuiltin = false
    /// What `call_next` raised (the app below's exception, re-raised by BaseHTTPMiddleware), if it did; a run that
    /// then returned a response caught it (`except:`), one that raised let it pass.
    /// What a `when:` may read: `query_params` and `headers` (lower-case names) of the request as it came in.
    public var requestEnv: [(String, Value)] = []
    public var nextRaised: RecordedException?
    public var nextRaisedBuiltin = false
    public var caught: Bool { nextRaised != nil && raised == nil }
}

/// A custom exception handler and, with record mode, the responses it built.
public struct ExceptionHandlerInfo: Sendable {
    public var exception: String
    public var handler: String
    public var file: String
    public var line: Int
    public var unsupported: String?
}

public struct HandlerRun: Sendable {
    public var request: Int
    public var exception: String
    public var message: String
    public var status: Int
    public var body: String?
    public var mediaType: String?
}

extension IntrospectionDecoding {
    static func pairs(_ v: Value?) -> [(String, Value)] {
        if case .object(let p)? = v { return p } else { return [] }
    }

    static func headerPairs(_ v: Value?) -> [(String, String)] {
        (v?.list ?? []).compactMap { h in
            guard let p = h.list, p.count == 2, let k = p[0].stringValue, let v = p[1].stringValue else { return nil }
            return (k, v)
        }
    }

    static func appHooks(_ root: Value, into app: inout IntrospectedApp) {
        app.middleware = (root["middleware"]?.list ?? []).compactMap { m in
            guard let name = m["name"]?.stringValue, let kind = m["kind"]?.stringValue.flatMap(MiddlewareInfo.Kind.init(rawValue:)) else { return nil }
            return MiddlewareInfo(kind: kind, name: name, file: m["file"]?.stringValue ?? "", line: m["line"]?.intValue ?? 0,
                                  unsupported: m["unsupported"]?.stringValue)
        }
        app.middlewareRuns = (root["middleware_runs"]?.list ?? []).map { r in
            MiddlewareRun(request: r["request"]?.intValue ?? 0, middleware: r["middleware"]?.stringValue ?? "?",
                          calledNext: r["called"] == .bool(true), beforeState: pairs(r["before_state"]), afterState: pairs(r["after_state"]),
                          headers: headerPairs(r["headers"]), innerHeaders: headerPairs(r["inner_headers"]), status: r["status"]?.intValue,
                          body: r["body"]?.stringValue, mediaType: r["media_type"]?.stringValue, raised: exception(r["raised"]),
                          raisedBuiltin: r["raised"]?["builtin"] == .bool(true),
                          requestEnv: [("query_params", r["query_params"] ?? .object([])), ("headers", r["headers_in"] ?? .object([]))],
                          nextRaised: exception(r["next_raised"]), nextRaisedBuiltin: r["next_raised"]?["builtin"] == .bool(true))
        }
        app.exceptionHandlers = (root["exception_handlers"]?.list ?? []).compactMap { h in
            guard let e = h["exception"]?.stringValue else { return nil }
            return ExceptionHandlerInfo(exception: e, handler: h["handler"]?.stringValue ?? "?", file: h["file"]?.stringValue ?? "",
                                        line: h["line"]?.intValue ?? 0, unsupported: h["unsupported"]?.stringValue)
        }
        app.handlerRuns = (root["handler_runs"]?.list ?? []).compactMap { r in
            guard let e = r["exception"]?.stringValue, let s = r["status"]?.intValue else { return nil }
            return HandlerRun(request: r["request"]?.intValue ?? 0, exception: e, message: r["message"]?.stringValue ?? "", status: s,
                              body: r["body"]?.stringValue, mediaType: r["media_type"]?.stringValue)
        }
    }
}
