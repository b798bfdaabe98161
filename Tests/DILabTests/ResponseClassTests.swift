@testable import DILab
import Testing

/// Response classes: which class a route gets through routers and includes, and how each renders a return value
/// (observed on FastAPI 0.165.0, 0.120.4, 0.115.14 and 0.105.0: the same on all four).
@Suite struct ResponseClassTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do { _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml")); return [] }
        catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    static func app(_ cls: String, returns: String, status: String = "") -> String {
        """
        scenario: t
        routes:
          - GET /x:
              handler: x
              response_class: \(cls)
              returns: \(returns)
        \(status.isEmpty ? "" : "      status: \(status)")
        requests: [GET /x]
        """
    }

    @Test func plainTextAndHTMLEncodeAStrAsItIs() throws {
        let plain = try #require(try run(Self.app("PlainTextResponse", returns: #""a \"b\" ü""#)).first)
        #expect(plain.bodyText == #"a "b" ü"#)
        #expect(!plain.isJSON)
        #expect(plain.contentType == .some("text/plain; charset=utf-8"))
        let html = try #require(try run(Self.app("HTMLResponse", returns: "<b>x</b>")).first)
        #expect(html.bodyText == "<b>x</b>")
        #expect(html.contentType == .some("text/html; charset=utf-8"))
        let json = try #require(try run(Self.app("JSONResponse", returns: #""a \"b\" ü""#)).first)
        #expect(json.bodyText == #""a \"b\" ü""#)
        #expect(json.contentType == .some("application/json"))
    }

    @Test func noneIsAnEmptyBodyAndANumberIsAnAttributeError() throws {
        let none = try #require(try run(Self.app("PlainTextResponse", returns: "null")).first)
        #expect(none.status == 200 && none.bodyText == "")
        let number = try #require(try run(Self.app("HTMLResponse", returns: "{a: 1}")).first)
        #expect(number.status == 500 && number.bodyText == "Internal Server Error")
        #expect(lines(number).contains("server.error AttributeError"))
        #expect(number.events.contains { $0.kind == .serverError && $0.data["message"] == "'dict' object has no attribute 'encode'" })
    }

    @Test func aRedirectIs307UnlessAStatusIsWritten() throws {
        let r = try #require(try run(Self.app("RedirectResponse", returns: "/a b/ü?x=1&y=[2]")).first)
        #expect(r.status == 307 && r.bodyText == "")
        #expect(r.headers.first { $0.0 == "location" }?.1 == "/a%20b/%C3%BC?x=1&y=[2]")
        #expect(r.contentType == .some(nil))
        let ok = try #require(try run(Self.app("RedirectResponse", returns: "/a", status: "200")).first)
        #expect(ok.status == 200)
        let n = try #require(try run(Self.app("RedirectResponse", returns: "5")).first)
        #expect(n.headers.first { $0.0 == "location" }?.1 == "5")
    }

    @Test func starlettesQuoteKeepsItsSafeCharacters() {
        #expect(ResponseClass.location("https://h/p?q=a b&r=\"{}|<>\\^`") == "https://h/p?q=a%20b&r=%22%7B%7D%7C%3C%3E%5C%5E%60")
        #expect(ResponseClass.location(":/%#?=@[]!$&'()*+,;_.-~") == ":/%#?=@[]!$&'()*+,;_.-~")
    }

    /// `test_include_router_defaults_overrides.py`: the first class named, nearest the route first.
    @Test func theNearestNamedClassWins() throws {
        let yaml = """
        scenario: t
        app: {default_response_class: HTMLResponse}
        routers:
          outer: {prefix: /o, default_response_class: JSONResponse, include: {in: app, default_response_class: PlainTextResponse}}
          inner: {prefix: /i, include: {in: outer}}
          inner_inc: {prefix: /j, include: {in: outer, default_response_class: HTMLResponse}}
          bare: {prefix: /b, include: {in: app}}
          bare_inc: {prefix: /c, include: {in: app, default_response_class: PlainTextResponse}}
        routes:
          - GET /inner: {handler: r1, router: inner, returns: v}
          - GET /inner-own: {handler: r2, router: inner, response_class: PlainTextResponse, returns: v}
          - GET /inner-inc: {handler: r3, router: inner_inc, returns: v}
          - GET /bare: {handler: r4, router: bare, returns: v}
          - GET /bare-inc: {handler: r5, router: bare_inc, returns: v}
          - GET /app: {handler: r6, returns: v}
          - GET /stream: {handler: r7, response_class: HTMLResponse, stream: [a]}
        """
        let app = try compile(yaml)
        let classes = Dictionary(app.routes.map { ($0.fullPath, $0.responseClass) }, uniquingKeysWith: { a, _ in a })
        #expect(classes["/o/i/inner"] == .json)          // outer's own default beats its include and the app
        #expect(classes["/o/i/inner-own"] == .plainText)
        #expect(classes["/o/j/inner-inc"] == .html)      // inner_inc's include beats outer's default
        #expect(classes["/b/bare"] == .html)             // nothing named but the app
        #expect(classes["/c/bare-inc"] == .plainText)
        #expect(classes["/app"] == .html)
        #expect(classes["/stream"] == .json)             // a stream is its own StreamingResponse
    }

    @Test func unmodelledClassesAreRefusedByName() {
        let orjson = diagnostics(Self.app("ORJSONResponse", returns: "x"))
        #expect(orjson.count == 1)
        #expect(orjson.first?.rule == "response-class")
        #expect(orjson.first?.message.contains("orjson") == true)
        let typo = diagnostics(Self.app("HtmlResponse", returns: "x"))
        #expect(typo.first?.hint == "did you mean 'HTMLResponse'?")
        let dict = diagnostics(Self.app("RedirectResponse", returns: "{to: /x}"))
        #expect(dict.first?.rule == "response-class")
    }

    @Test func errorResponsesStayJSONUnderAnHTMLDefault() throws {
        let yaml = """
        scenario: t
        app: {default_response_class: HTMLResponse}
        routes:
          - GET /x: {handler: x, raises: {status: 404, detail: nope}}
        requests: [GET /x, GET /missing]
        """
        for t in try run(yaml) {
            #expect(t.status == 404 && t.isJSON)
            #expect(t.contentType == .some("application/json"))
        }
    }
}
