@testable import DILab
import Foundation
import Testing

/// The seventh pass writes text later or in place (a response body's JSON, `__value`, quoting, section lines):
/// each lazy or in-place path must give exactly the text the eager one gave.
@Suite("lazy and in-place text")
struct LazyTextTests {
    static let yaml = """
    scenario: "lazy"
    providers:
      get_db:
        yield: true
        returns: "Session \\"#{{call}}\\"\\n"
    routes:
      - GET /items/{item_id}:
          handler: read_item
          params:
            item_id: int
            db: Depends(get_db)
          returns: {id: "{{item_id}}", db: "{{db}}", note: "tab\\there ü"}
    requests:
      - {request: GET /items/7}
    """

    static let tricky: [String] = ["", "plain", "quote \" and \\ backslash", "lines\n\r\t", "\u{01}\u{1f} ctl", "zoë → └", "\"", "end\\"]

    @Test("a JSON response's body text, read later, is the eagerly encoded JSON of its body")
    func bodyTextIsTheBodysJSON() throws {
        let app = try Validator.compile(try ScenarioLoader.load(text: Self.yaml, file: "lazy.yaml"))
        let trace = Engine(app: app).handle(app.scenario.requests[0])
        #expect(trace.isJSON)
        #expect(trace.bodyText == trace.body.json)
        #expect(trace.bodyText.contains("\\\"#1\\\""))
        let response = try #require(trace.events.first { $0.kind == .response })
        #expect(response.detail == trace.body.json)
        #expect(response.data["body"] == trace.body.json)
        var edited = trace
        edited.bodyText = "replaced"
        #expect(edited.bodyText == "replaced")
    }

    @Test("ResponseText writes what it reads")
    func responseText() {
        let value = Value.object([("a", .string("x\"y")), ("b", .array([.int(1), .double(0.5)]))])
        for t in [ResponseText.json(value), .text("plain \"text\"")] {
            var s = ""
            t.write(to: &s)
            var bytes = TextBytes(capacity: 0)
            t.write(to: &bytes)
            #expect(s == t.string)
            #expect(bytes.string == t.string)
        }
    }

    @Test("a lazy JSON body's rendered bound is the eager text's, byte for byte")
    func boundIsExact() {
        let value = Value.object([("a", .string("x\"y\n  ")), ("b", .array([.int(-12), .double(0.5), .null])), ("ü", .string("→ └  "))])
        var lazy = RenderBound(limit: 1 << 20)
        ResponseText.json(value).bound(into: &lazy, times: 2)
        var eager = RenderBound(limit: 1 << 20)
        ResponseText.text(value.json).bound(into: &eager, times: 2)
        #expect(lazy.total == eager.total)
        var size = ByteCount()
        size.write("ab  ")
        size.writeSpaces(3)
        size.write(ascii: UInt8(ascii: " "))
        size.dropTrailingSpaces()
        #expect(size.count == 2)
    }

    @Test("__value is bound beside the arguments and read like one")
    func yieldedValue() {
        var env = TemplateEnv(names: ["db": .string("s")])
        #expect(env["__value"] == nil)
        env["__value"] = .int(3)
        #expect(env["__value"] == .int(3))
        #expect(env.lookup("__value") == .int(3))
        #expect(env["db"] == .string("s"))
        #expect(env.names["__value"] == nil)
    }

    @Test("a string quoted in place is Value.quote, into a String and into bytes")
    func quotedInPlace() {
        for s in Self.tricky {
            var text = ""
            Value.appendQuoted(s, to: &text)
            var bytes = TextBytes(capacity: 0)
            Value.appendQuoted(s, to: &bytes)
            #expect(text == Value.quote(s))
            #expect(bytes.string == Value.quote(s))
        }
    }

    @Test("ASCII bytes into a String sink are those characters")
    func asciiIntoString() {
        var s = "é"
        for b in UInt8(0)..<0x80 { s.write(ascii: b) }
        #expect(s == "é" + String(decoding: Array(UInt8(0)..<0x80), as: UTF8.self))
    }

    @Test("a section line written in place is `section`'s")
    func sectionInPlace() {
        let renderer = TextRenderer(style: .plain)
        for (title, right) in [("GET /items/7", "request 1"), ("POST /ü", "request 12"), (String(repeating: "x", count: 90), "request 3")] {
            var out = TextBytes(capacity: 0)
            renderer.writeSection(title, right: right, to: &out)
            #expect(out.string == renderer.section(title, right: right))
        }
    }

    @Test("a copied byte buffer is its own: writing one leaves the other as it was")
    func bytesCopy() {
        var a = TextBytes(capacity: 0)
        a.write("abc  ")
        var b = a
        b.write("more")
        a.dropTrailingSpaces()
        #expect(a.string == "abc")
        #expect(b.string == "abc  more")
        var big = TextBytes(capacity: 1)
        for _ in 0..<1000 { big.write("→") }
        #expect(big.string == String(repeating: "→", count: 1000))
        #expect(big.count == 3000)
    }
}
