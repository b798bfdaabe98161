@testable import DILab
import Foundation
import Testing

/// One request path for every door: cookies from the `Cookie` header and body bytes are read by the engine.
@Suite("Request reading: cookies, body bytes, content types")
struct RequestReadingTests {
    static let yaml = """
    scenario: reading
    routes:
      - GET /me:
          handler: me
          params: {session: "str = Cookie()", theme: "str = Cookie('light')"}
          returns: {session: "{{session}}", theme: "{{theme}}"}
      - POST /items:
          handler: create
          params: {item: "dict = Body()"}
          returns: {created: "{{item}}"}
    """

    func handle(_ spec: RequestSpec, profile: Profile? = nil) throws -> RequestTrace {
        Engine(app: try compile(Self.yaml, profile: profile)).handle(spec)
    }

    @Test("a Cookie header is parsed as Starlette does; explicit cookies join it and win")
    func cookieHeader() throws {
        let t = try handle(RequestSpec(method: "GET", target: "/me", headers: [("Cookie", #"a=1; session="abc" ; =bare; noeq; theme=dark"#)]))
        #expect(t.status == 200 && t.body.json == #"{"session":"abc","theme":"dark"}"#)
        let both = try handle(RequestSpec(method: "GET", target: "/me", headers: [("cookie", "session=from-header")], cookies: [("session", "jar")]))
        #expect(both.body.json == #"{"session":"jar","theme":"light"}"#)
        #expect(RequestSpec(method: "GET", target: "/", headers: [("Cookie", #"a=1; b="two" ; =bare; noeq; a=3"#)]).cookieJar.map { "\($0.0)=\($0.1)" }
                == ["b=two", "=noeq", "a=3"])
    }

    @Test("malformed body bytes are FastAPI's 422 json_invalid, before any dependency runs")
    func malformedBody() throws {
        var spec = RequestSpec(method: "POST", target: "/items")
        spec.setJSONBody(text: "{bad")
        let t = try handle(spec)
        #expect(t.status == 422)
        #expect(t.bodyText == #"{"detail":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#)
        #expect(!t.events.contains { $0.kind == .handler })
    }

    @Test("too deep or a too long integer is FastAPI's 400, not a 422 and not a crash")
    func unreadable() throws {
        for text in [String(repeating: "[", count: 100_000), "{\"n\": " + String(repeating: "9", count: 5000) + "}"] {
            var spec = RequestSpec(method: "POST", target: "/items")
            spec.setJSONBody(text: text)
            let t = try handle(spec)
            #expect(t.status == 400 && t.bodyText == #"{"detail":"There was an error parsing the body"}"#)
        }
    }

    @Test("each profile's measured nesting limit: the limit decodes and echoes, one more is a 400 — on any thread")
    func nestingLimit() throws {
        for profile in Profile.allCases {
            let n = profile.jsonNestingLimit
            func status(_ depth: Int) throws -> Int {
                var spec = RequestSpec(method: "POST", target: "/items")
                spec.setJSONBody(text: "{\"a\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}")
                return try handle(spec, profile: profile).status
            }
            #expect(try status(n) == 200, "\(profile)")
            #expect(try status(n + 1) == 400, "\(profile)")
        }
        // A secondary thread's smaller stack holds the deepest accepted body too (serve decodes off the main thread).
        let app = try compile(Self.yaml)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = 0
        let thread = Thread {
            var spec = RequestSpec(method: "POST", target: "/items")
            let n = Profile.latest.jsonNestingLimit
            spec.setJSONBody(text: "{\"a\":" + String(repeating: "[", count: n - 1) + String(repeating: "]", count: n - 1) + "}")
            status = Engine(app: app).handle(spec).status
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(status == 200)
    }

    @Test("a route without a body field never decodes the bytes")
    func bodyOnlyWhenRead() throws {
        var spec = RequestSpec(method: "GET", target: "/me", cookies: [("session", "s")])
        spec.setJSONBody(text: "{bad")
        #expect(try handle(spec).status == 200)
    }

    @Test("content types: JSON for application/json and +json; raw text otherwise; without one, raw on 0.165, JSON before")
    func contentTypes() throws {
        let bytes = Array(#"{"a":1}"#.utf8)
        #expect(try BodyReading.decode(bytes, contentType: "application/json; charset=utf-8", profile: .latest).get() == .object([("a", .int(1))]))
        #expect(try BodyReading.decode(bytes, contentType: "application/vnd.api+json", profile: .latest).get() == .object([("a", .int(1))]))
        #expect(try BodyReading.decode(bytes, contentType: "text/plain", profile: .latest).get() == .string(#"{"a":1}"#))
        #expect(try BodyReading.decode(bytes, contentType: nil, profile: .latest).get() == .string(#"{"a":1}"#))
        #expect(try BodyReading.decode(bytes, contentType: nil, profile: .v0_120).get() == .object([("a", .int(1))]))
        // Not UTF-8: FastAPI's 400 (observed: b'\xff\xfe{' with application/json).
        #expect(BodyReading.decode([0xFF, 0xFE, 0x7B], contentType: "application/json", profile: .latest) == .failure(.unreadable))
        // An empty body is no body: the engine reports the missing field.
        let empty = try handle(RequestSpec(method: "POST", target: "/items", headers: [("content-type", "application/json")], rawBody: []))
        #expect(empty.status == 422 && empty.bodyText.contains("missing"))
        // A raw text body on 0.165 is a string, which a dict field refuses.
        let text = try handle(RequestSpec(method: "POST", target: "/items", rawBody: bytes))
        #expect(text.status == 422 && text.bodyText.contains("dict_type"))
    }
}
