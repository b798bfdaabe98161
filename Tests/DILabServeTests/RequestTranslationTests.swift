import DILab
@testable import DILabServe
import Testing

@Suite("HTTP request → RequestSpec")
struct RequestTranslationTests {
    static let app = try! Validator.compile(try! ScenarioLoader.load(text: Scenarios.shop, file: "shop.yaml"))

    func app(_ profile: Profile) throws -> CompiledApp {
        try Validator.compile(try ScenarioLoader.load(text: Scenarios.shop, file: "shop.yaml"), profile: profile)
    }

    @Test("the wire's target, method, headers and bytes reach the engine unparsed; the engine reads cookies and body")
    func basics() throws {
        let incoming = IncomingRequest(method: "get", target: "twice?q=a%20b&x=1",
                                       headers: [("Host", "h"), ("Cookie", #"session_id="s1"; x=2"#)])
        let spec = RequestTranslator.spec(incoming)
        #expect(spec.method == "GET" && spec.path == "/twice")
        #expect(spec.query.map { "\($0.0)=\($0.1)" } == ["q=a b", "x=1"])
        #expect(spec.headers.first?.0 == "host" && spec.cookies.isEmpty && spec.rawBody == nil)
        let trace = Engine(app: Self.app).handle(spec)
        #expect(trace.bodyText.contains(#""session_id":"s1""#))
        let post = RequestTranslator.spec(IncomingRequest(method: "POST", target: "/items", headers: [("content-type", "application/json")],
                                                          body: Array("{bad".utf8)))
        #expect(Engine(app: Self.app).handle(post).status == 422)
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
