import DILab
@testable import DILabServe
import Testing

@Suite("HTTP request → RequestSpec")
struct RequestTranslationTests {
    static let app = try! Validator.compile(try! ScenarioLoader.load(text: Scenarios.shop, file: "shop.yaml"))

    func app(_ profile: Profile) throws -> CompiledApp {
        try Validator.compile(try ScenarioLoader.load(text: Scenarios.shop, file: "shop.yaml"), profile: profile)
    }

    @Test("target, method, headers and cookies as Starlette reads them")
    func basics() throws {
        let incoming = IncomingRequest(method: "get", target: "/twice?q=a%20b&x=1",
                                       headers: [("Host", "h"), ("Cookie", #"a=1; b="two" ; =bare; noeq; a=3"#)])
        guard case .engine(let spec) = RequestTranslator.translate(incoming, app: Self.app) else {
            Issue.record("expected an engine request")
            return
        }
        #expect(spec.method == "GET")
        #expect(spec.path == "/twice")
        #expect(spec.query.map { "\($0.0)=\($0.1)" } == ["q=a b", "x=1"])
        #expect(spec.headers.first?.0 == "host")
        #expect(spec.cookies.map { "\($0.0)=\($0.1)" } == ["b=two", "=noeq", "a=3"])
    }

    @Test("a body is read only for routes that take one")
    func bodyOnlyWhenRead() throws {
        let bad = Array("{bad".utf8)
        let json = [("content-type", "application/json")]
        guard case .engine(let spec) = RequestTranslator.translate(IncomingRequest(method: "GET", target: "/users/1", headers: json, body: bad), app: Self.app) else {
            Issue.record("a route without a body parameter ignores the body")
            return
        }
        #expect(spec.body == nil)
        guard case .engine(let r) = RequestTranslator.translate(IncomingRequest(method: "POST", target: "/items", headers: json, body: bad), app: Self.app),
              case .invalidJSON(let error)? = r.bodyProblem else {
            Issue.record("expected json_invalid for the engine")
            return
        }
        #expect(error.json == #"{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}"#)
        let trace = Engine(app: Self.app).handle(r)
        #expect(trace.status == 422 && trace.bodyText == #"{"detail":["# + error.json + "]}")
    }

    @Test("content types: JSON for application/json and +json; raw text otherwise; without one, raw on 0.165, JSON before")
    func contentTypes() throws {
        let bytes = Array(#"{"a":1}"#.utf8)
        #expect(try RequestTranslator.body(bytes, contentType: "application/json; charset=utf-8", profile: .latest).get() == .object([("a", .int(1))]))
        #expect(try RequestTranslator.body(bytes, contentType: "application/vnd.api+json", profile: .latest).get() == .object([("a", .int(1))]))
        #expect(try RequestTranslator.body(bytes, contentType: "text/plain", profile: .latest).get() == .string(#"{"a":1}"#))
        #expect(try RequestTranslator.body(bytes, contentType: nil, profile: .latest).get() == .string(#"{"a":1}"#))
        #expect(try RequestTranslator.body(bytes, contentType: nil, profile: .v0_120).get() == .object([("a", .int(1))]))
        // Not UTF-8: FastAPI's 400 (observed: b'\xff\xfe{' with application/json).
        guard case .failure(let r) = RequestTranslator.body([0xFF, 0xFE, 0x7B], contentType: "application/json", profile: .latest) else {
            Issue.record("expected 400")
            return
        }
        #expect(r.status == 400)
        #expect(r.body.json == #"{"detail":"There was an error parsing the body"}"#)
        // An empty body is no body: the engine reports the missing field.
        guard case .engine(let spec) = RequestTranslator.translate(IncomingRequest(method: "POST", target: "/items", headers: [("content-type", "application/json")]), app: try app(.latest)) else {
            Issue.record("expected an engine request")
            return
        }
        #expect(spec.body == nil)
    }

    @Test("the response event becomes status, body, media type and headers")
    func responseHead() {
        let e = TraceEvent(t: 0, request: 1, kind: .response, subject: "405", data: ["status": "405", "body": #"{"detail":"Method Not Allowed"}"#, "json": "true", "headers": #"{"allow":"GET"}"#])
        let head = ResponseHead(e)
        #expect(head == ResponseHead(status: 405, body: #"{"detail":"Method Not Allowed"}"#, isJSON: true, headers: [("allow", "GET")]))
        #expect(head.contentType == "application/json")
        let plain = ResponseHead(TraceEvent(t: 0, request: 1, kind: .response, subject: "500", data: ["status": "500", "body": "Internal Server Error", "json": "false"]))
        #expect(plain.contentType == "text/plain; charset=utf-8")
        let stream = ResponseHead(TraceEvent(t: 0, request: 1, kind: .response, subject: "200", data: ["status": "200", "streaming": "true"]))
        #expect(stream.isStreaming && stream.contentType == nil)
    }
}
