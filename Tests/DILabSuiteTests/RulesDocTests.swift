import DILab
import DILabSuite
import Foundation
import Testing

/// `docs/rules.md` is generated from the engine's rule table; explanations link to it, so it must not go stale.
@Suite struct RulesDocTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/rules.md").path

    @Test func rulesPageIsCurrent() throws {
        let want = RuleDocs.markdown()
        if ProcessInfo.processInfo.environment["DILAB_UPDATE_DOCS"] == "1" {
            try want.write(toFile: Self.page, atomically: true, encoding: .utf8)
        }
        let have = try String(contentsOfFile: Self.page, encoding: .utf8)
        #expect(have == want, "docs/rules.md is stale: DILAB_UPDATE_DOCS=1 swift test --filter rulesPageIsCurrent")
    }

    @Test func everyRuleHasAnAnchorAndCitationsPointIntoTheRepository() {
        let page = RuleDocs.markdown()
        for r in Rules.all {
            #expect(page.contains("<a id=\"\(r.id)\"></a>"))
            #expect(RuleDocs.citation(r).hasPrefix("docs/rules.md#\(r.id)"))
            #expect(!RuleDocs.citation(r).contains("fastapi-semantics"))
        }
    }
}
