@testable import DILab
import Testing

/// The loader's byte-wise fast paths (issue 12, the scale row) against the Character-wise code they stand in for:
/// the same lines, tokens, names and diagnostics, on plain ASCII and on the text that must take the slow path.
@Suite("Byte-wise loading")
struct ByteWiseLoadingTests {
    /// What `SourceLines.split` did before: split by Character.
    static func characterLines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { c in
            c == "\n" || c == "\r\n" || c == "\r" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
        }
    }

    static let texts = [
        "", "a", "\n", "a\nb", "a\r\nb", "a\rb", "a\r\rb\r\n", "a\r\n\nb", "x\u{85}y", "x\u{2028}y\u{2029}z", "\u{85}\u{85}",
        "é\n\u{301}x", "a\n\u{301}", "🇫🇷\r\n🇫🇷", "tab\there\n", "end\r", "\u{2028}", "nel\u{85}\r\n", "mixed\n\r\u{2029}\r\n",
    ]

    @Test("lines are cut where the Character split cut them")
    func lines() {
        for t in Self.texts {
            #expect(SourceLines.split(t).map(String.init) == Self.characterLines(t).map(String.init), "\(t.debugDescription)")
        }
    }

    static let params = [
        "int", "int = 3", "str | None = Header(None)", "Depends(get_db, use_cache=False)", "Security(u, scopes=[\"a\", 'b'])",
        "Annotated[str, Header()]", "int = -5", "float = 1.5e3", "a.b.c", "int = Query(...)", "str = 'unterminated", "int = $",
        "int\t= 3", "dict = {'a': [1, 2]}", "é", "str = 'é'", "Depends(\u{301}x)", "int\u{7f}", "x\ry", "Depends(d, é=1)", "",
    ]

    @Test("ASCII tokens are the Character tokens, offsets included")
    func tokens() {
        func describe(_ r: Result<[(ParamParser.Tok, Int)], Error>) -> String {
            switch r {
            case .success(let toks): return toks.map { "\($0.0)@\($0.1)" }.joined(separator: " ")
            case .failure(let e as ParamParser.Failure): return "failure \(e.message) @\(e.offset)"
            case .failure(let e): return "other \(e)"
            }
        }
        for p in Self.params {
            let fast = Result { try ParamParser.tokenize(p) }
            let slow = Result { try ParamParser.characterTokens(p) }
            #expect(describe(fast) == describe(slow), "\(p.debugDescription)")
        }
        #expect(ParamParser.bracketDepth("Depends(a, [b") == 2)
        #expect(ParamParser.bracketDepth("(\u{301}") == 0)   // a combining mark makes "(" another Character
    }

    @Test("identifiers and handler names read bytes as the scalar rules did")
    func names() {
        func scalarIdentifier(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
            return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
        }
        for n in ["", "a", "_", "a1", "1a", "get_db", "café", "ᵒs", "a\u{301}", "A_B9", "a-b", " a", "__x"] {
            #expect(PythonName.isIdentifier(n) == scalarIdentifier(n), "\(n)")
        }
        func characterHandlerName(_ method: String, _ path: String) -> String {
            let words = path.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).map { $0.lowercased() }
            return ([method.lowercased()] + words).joined(separator: "_")
        }
        for (m, p) in [("GET", "/"), ("GET", "/users/{user_id}"), ("post", "/a-b/C9"), ("GET", "//x//"), ("GET", "/café/x"), ("PUT", "/r10000")] {
            #expect(RouteReader.asciiHandlerName(m, p) == characterHandlerName(m, p))
            #expect(RouteReader.defaultHandlerName(m, p) == characterHandlerName(m, p))
        }
    }

    /// Budgets first counted while converting Yams' tree (no alias in the text): the same diagnostic as the walk.
    @Test("a tree too deep without aliases is refused where it was")
    func expansionWithoutAliases() {
        let deep = "routes:\n  - GET /x: {returns: " + String(repeating: "[", count: 250) + "1" + String(repeating: "]", count: 250) + "}\n"
        #expect(throws: DiagnosticList.self) { try ScenarioLoader.load(text: deep, file: "deep.yaml") }
        do {
            _ = try ScenarioLoader.load(text: deep, file: "deep.yaml")
        } catch let list as DiagnosticList {
            #expect(list.diagnostics.map(\.rule) == ["yaml-limit"])
            #expect(list.diagnostics.first?.message.contains("once aliases are expanded") == true)
            #expect(list.diagnostics.first?.location.line == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
        let fine = "routes:\n  - GET /x: {returns: " + String(repeating: "[", count: 190) + "1" + String(repeating: "]", count: 190) + "}\n"
        #expect((try? ScenarioLoader.load(text: fine, file: "fine.yaml")) != nil)
    }

    @Test("a did-you-mean among a set's names is the same every run")
    func stableHint() throws {
        // '@code' and '@now' are as far from '@nope'; the candidates were a Set's order, so either could win.
        do {
            let s = try ScenarioLoader.load(text: "routes:\n  - GET /x: {returns: \"{{@nope}}\"}\n", file: "hint.yaml")
            _ = try Validator.compile(s)
            Issue.record("expected an unknown-name diagnostic")
        } catch let list as DiagnosticList {
            #expect(list.diagnostics.first?.hint == "did you mean '@code'?")
        }
    }
}
