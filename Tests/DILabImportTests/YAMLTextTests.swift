@testable import DILab
import Testing
@testable import DILabImport

/// Text from someone's app reaches YAML only through YAMLText: whatever it holds, the loader reads back the
/// same string, never a bool, a null, an alias or a second line.
@Suite struct YAMLTextTests {
    static let hostile = ["yes", "No", "null", "~", "*a", "&anchor", "!!python/object", "a: b", "- x", "# not a comment",
                          "quote \" and 'single'", "back\\slash", "two\nlines", "tab\there", "{{call}}", "}}{{", "{{'{{'}}",
                          "\u{2028}sep", "bell\u{07}", " padded ", "0x1F", "1e3", "日本語", "@", "%TAG", "`tick`"]

    @Test func quotedScalarsReadBackAsTheSameString() throws {
        for s in Self.hostile {
            let text = "scenario: " + YAMLText.quoted(s) + "\nroutes:\n  - GET /x: {handler: h, returns: 1}\n"
            let scenario = try ScenarioLoader.load(text: text)
            #expect(scenario.name == s, "round trip of \(s.debugDescription)")
        }
    }

    @Test func keysArePlainOnlyWhenNothingCanReinterpretThem() {
        #expect(YAMLText.key("get_db") == "get_db")
        for word in ["yes", "Yes", "NO", "on", "null", "true", "y", "1abc", "a-b", "", "é"] {
            #expect(YAMLText.key(word).hasPrefix("\""), "\(word) should be quoted")
        }
    }

    @Test func commentsStayOnOneLine() {
        let c = YAMLText.comment("file.py:3\nroutes: [evil]\r\u{2028}x")
        #expect(!c.contains("\n") && !c.contains("\r") && !c.contains("\u{2028}"))
        #expect(c.hasPrefix("# "))
    }

    @Test func templateLiteralsRenderTheirBracesAsText() throws {
        for s in ["{{call}}", "a {{ b", "{{'x'}}", "}}", "{{{{", "plain"] {
            let t = try Template.parse(string: TemplateText.literal(s))
            #expect(try t.render([:]) == .string(s), "literal \(s.debugDescription)")
        }
    }

    @Test func conditionStringsParseBackToTheValue() throws {
        for s in ["it's", "back\\slash", "two\nlines", "\"dq\"", "{{x}}"] {
            let cond = try ExprParser.parse("x == " + TemplateText.conditionString(s))
            #expect(try cond.evaluate(["x": .string(s)]) == .bool(true), "condition literal \(s.debugDescription)")
        }
    }
}
