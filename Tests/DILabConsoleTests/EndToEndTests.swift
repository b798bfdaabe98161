import Foundation
import Testing

/// The built `dilab` binary with commands piped in, as CI replays a transcript.
@Suite("dilab repl end to end")
struct EndToEndTests {
    /// The binary built beside this test bundle, else the newest `.build*/debug/dilab` in the repository.
    static let binary: String? = {
        let fm = FileManager.default
        var candidates: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(exe.deletingLastPathComponent().appendingPathComponent("dilab").path)
        }
        let dirs = (try? fm.contentsOfDirectory(atPath: Fixtures.root))?.filter { $0.hasPrefix(".build") } ?? []
        let built = dirs.map { Fixtures.root + "/\($0)/debug/dilab" }.filter { fm.isExecutableFile(atPath: $0) }
        let newest = built.sorted {
            let a = (try? fm.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? .distantPast
            let b = (try? fm.attributesOfItem(atPath: $1)[.modificationDate] as? Date) ?? .distantPast
            return a > b
        }
        return (candidates + newest).first { fm.isExecutableFile(atPath: $0) }
    }()

    static func run(_ args: [String], input: String, noColor: Bool = true) throws -> (code: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary!)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Fixtures.root)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = noColor ? "1" : nil
        env["XDG_STATE_HOME"] = FileManager.default.temporaryDirectory.path + "/dilab-e2e-state"
        p.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = stderr
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test(.enabled(if: binary != nil, "no built dilab binary found next to the tests or under .build*/debug; run `swift build --product dilab` first"))
    func transcriptReplaysWithoutPromptOrColour() throws {
        let transcript = """
        # a transcript: comments and blank lines are skipped

        GET /users/1
        timeline
        step last
        diff 0.115
        quit
        """
        // NO_COLOR unset: a pipe alone must turn colour off.
        let r = try Self.run(["repl", "scenarios/seeds/db-session-read-user.yaml"], input: transcript, noColor: false)
        #expect(r.code == 0, "stderr: \(r.err)")
        #expect(r.err.isEmpty)
        #expect(r.out.hasPrefix("loaded scenarios/seeds/db-session-read-user.yaml: A database session per request"))
        #expect(!r.out.contains("@latest>"), "no prompt when stdin is not a terminal")
        #expect(!r.out.contains("\u{1B}["), "no colour when not a terminal")
        #expect(r.out.contains("  #8    25 ms  exit       get_db                   threadpool  cleanup (scope=request), after the response"))
        #expect(r.out.contains("get_db closed after the response was sent and after the background tasks (event #8)"))
        #expect(r.out.contains("▶   #8"))
        #expect(r.out.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "> exit get_db" })
    }

    @Test(.enabled(if: binary != nil, "no built dilab binary found; run `swift build --product dilab` first"))
    func aFailedCommandMakesTheExitCodeOne() throws {
        let r = try Self.run(["repl", "scenarios/seeds/db-session-read-user.yaml"], input: "explain nobody\nGET /users/2\n")
        #expect(r.code == 1)
        #expect(r.err.contains("error: no provider 'nobody' and no event number (line: explain nobody)"))
        #expect(r.out.contains("── GET /users/2 "), "commands after the error still run")
    }

    @Test(.enabled(if: binary != nil, "no built dilab binary found; run `swift build --product dilab` first"))
    func plainDilabStartsTheREPLAndABadScenarioIsAnInputError() throws {
        let bare = try Self.run([], input: "help\n")
        #expect(bare.code == 0)
        #expect(bare.out.contains("dilab REPL — FastAPI dependency injection, one request at a time."))
        let bad = try Self.run(["repl", "no/such.yaml"], input: "help\n")
        #expect(bad.code == 2)
        #expect(bad.err.contains("cannot read no/such.yaml"))
        let profile = try Self.run(["repl", "--fastapi", "0.115", "scenarios/seeds/db-session-read-user.yaml"], input: "GET /users/1\n")
        #expect(profile.out.contains("request 1 · 0.115"))
    }
}
