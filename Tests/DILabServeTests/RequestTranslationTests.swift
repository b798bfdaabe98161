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

    @Test("the engine's typed head gives the media type Starlette would")
    func responseHead() {
        #expect(ResponseStart(status: 405, headers: [("allow", "GET")], body: #"{"detail":"Method Not Allowed"}"#).contentType == "application/json")
        #expect(ResponseStart(status: 500, body: "Internal Server Error", isJSON: false).contentType == "text/plain; charset=utf-8")
        #expect(ResponseStart(status: 200, isJSON: false, isStreaming: true).contentType == nil)
        #expect(ResponseStart(status: 307, body: "", isJSON: false).contentType == nil)
    }
}
