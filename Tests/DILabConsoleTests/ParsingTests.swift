import DILab
@testable import DILabConsole
import Testing

@Suite("Command-line words and request lines")
struct ParsingTests {
    @Test func shellWordsKeepQuotedHeadersTogether() throws {
        #expect(try ShellWords.split(#"GET /x -H 'Authorization: Bearer t' "a b" c\ d"#) == ["GET", "/x", "-H", "Authorization: Bearer t", "a b", "c d"])
        #expect(try ShellWords.split("  ") == [])
        #expect(try ShellWords.split("x ''") == ["x", ""])
    }

    @Test func unterminatedQuoteIsAnError() {
        #expect(throws: ShellWords.UnterminatedQuote(quote: "'")) { try ShellWords.split("GET /x -H 'oops") }
    }

    @Test func httpieItemsBecomeBodyQueryAndHeaders() throws {
        let r = try RequestLine.parse(["post", "/register", "email=a@b.c", "age:=30", "debug==1", "X-Token:abc", "-H", "Accept: text/plain", "--cookie", "sid=9"])
        #expect(r.method == "POST")
        #expect(r.target == "/register?debug=1")
        #expect(r.body == .object([("email", .string("a@b.c")), ("age", .int(30))]))
        #expect(r.headers.map { "\($0.0): \($0.1)" } == ["X-Token: abc", "Accept: text/plain"])
        #expect(r.cookies.map { "\($0.0)=\($0.1)" } == ["sid=9"])
    }

    @Test func queryItemsAreEncodedAndAppended() throws {
        let r = try RequestLine.parse(["GET", "/items?a=1", "q==x y&z"])
        #expect(r.target == "/items?a=1&q=x%20y%26z")
        #expect(r.query.map { "\($0.0)=\($0.1)" } == ["a=1", "q=x y&z"])
    }

    @Test func badRequestLinesSayWhatIsWrong() {
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET"]) }
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET", "users"]) }
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET", "/x", "-H"]) }
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET", "/x", "-H", "nocolon"]) }
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET", "/x", "n:={bad"]) }
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET", "/x", "--body", "{}", "a=1"]) }
        #expect(throws: ConsoleError.self) { try RequestLine.parse(["GET", "/x", "plainword"]) }
    }

    @Test func describeRoundTrips() throws {
        let r = try RequestLine.parse(["GET", "/a", "-H", "K: v", "x=1"])
        #expect(RequestLine.describe(r) == #"GET /a -H 'K: v' --body '{"x":"1"}'"#)
    }
}
