import DILab
import DILabFuzz
import Foundation
import Testing

/// Every input the fuzzer is seeded with, or found a problem with, goes through the whole harness as an
/// ordinary test: a regression that crashes or hangs fails `swift test`, not only a fuzz run.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Files under a repo folder, sorted, so the test names the same inputs on every machine.
    static func files(_ folder: String, suffix: String? = nil) -> [String] {
        let root = repo.appendingPathComponent(folder).path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { suffix.map($0.hasSuffix) ?? !$0.hasPrefix(".") && !$0.hasSuffix("/") }
            .map { root + "/" + $0 }
            .filter { var dir: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &dir) && !dir.boolValue }
            .sorted()
    }

    @Test("the committed findings: each ends in a diagnostic or a trace")
    func findings() throws {
        // The fuzzer's findings and the crash corpus of the core's robustness tests, through every stage.
        let inputs = Self.files("Tests/DILabFuzzTests/Corpus") + Self.files("Tests/DILabTests/Fixtures/crash")
        #expect(inputs.count >= 30, "the findings corpus is missing")
        for path in inputs {
            let data = try #require(FileManager.default.contents(atPath: path))
            let outcome = FuzzHarness.run(Array(data))
            #expect(outcome != .rejected(diagnostics: 0), "\(path): rejected without a diagnostic")
        }
    }

    @Test("every shipped scenario runs through the harness under every profile")
    func shipped() throws {
        let inputs = Self.files("scenarios", suffix: ".yaml")
        #expect(inputs.count > 50)
        for path in inputs {
            let data = try #require(FileManager.default.contents(atPath: path))
            guard case .ran = FuzzHarness.run(Array(data)) else {
                Issue.record("\(path) did not load")
                continue
            }
        }
    }
}
