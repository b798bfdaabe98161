import DILab
import Testing

/// Loader hints for the edits learners make: one clear error each, saying what to write instead.
@Suite struct LoaderHintTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do { _ = try ScenarioLoader.load(text: yaml); return [] } catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    static func scenario(provider: String = "", params: String) -> String {
        """
        scenario: hints
        providers:
          get_tx:
            yield: true
        \(provider)    returns: tx
        routes:
          - GET /t:
              handler: t
              params: \(params)
              returns: ok
        """
    }

    @Test func aFlowMappingSplitAtACommaInsideACallIsOneError() {
        let d = diagnostics(Self.scenario(params: "{tx: Depends(get_tx, scope=\"function\")}"))
        #expect(d.count == 1)
        #expect(d.first?.message == "YAML split this at the comma: quote the whole value")
        #expect(d.first?.hint == "write `tx: \"Depends(get_tx, scope='function')\"`")
        #expect(d.first?.location.line == 9)
    }

    @Test func theQuotedFormLoads() {
        #expect(diagnostics(Self.scenario(params: "{tx: \"Depends(get_tx, scope='function')\"}")).isEmpty)
    }

    @Test func aScopeOnAProviderSaysWhereTheScopeIsChosen() {
        let d = diagnostics(Self.scenario(provider: "    scope: function\n", params: "{tx: Depends(get_tx)}"))
        #expect(d.count == 1)
        #expect(d.first?.hint == "the scope is chosen where the dependency is used: `Depends(get_tx, scope=\"function\")`")
    }

    @Test func theKnownKeysHintSaysWhenItIsCut() {
        let hint = Suggest.hint(for: "zzzzzzzz", among: (1...11).map { "key\($0)x" }, kind: "keys")
        #expect(hint.hasSuffix("… and 3 more"))
        #expect(!Suggest.hint(for: "zzzzzzzz", among: ["aaa", "bbb"], kind: "keys").contains("more"))
    }
}
