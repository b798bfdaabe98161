@testable import DILabExport
import Foundation
import Testing

/// A run forked from the trace server must look, to `verify`, like a fresh `python app.py --trace`: the same
/// stdout, stderr and exit status, `__main__`, argv, sys.path[0] and environment, non-daemon threads and atexit
/// handlers run. Checked with the system's python3 (the server preloads FastAPI only when it is installed).
@Suite("verify's forked trace runs behave like fresh processes")
struct TraceServerTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func script(_ text: String) throws -> String {
        let dir = NSTemporaryDirectory() + "dilab-trace-server-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/app.py"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test(.enabled(if: python != nil)) func aForkedRunMatchesAFreshProcess() throws {
        let app = try Self.script("""
        import atexit, os, sys, threading, time
        atexit.register(lambda: print("atexit ran"))
        def late():
            time.sleep(0.05)
            print("thread finished", flush=True)
        threading.Thread(target=late).start()
        print(__name__, sys.argv[1:], os.path.basename(sys.path[0]) == os.path.basename(os.path.dirname(__file__)), os.environ.get("DILAB_TIME_SCALE"))
        print("to stderr", file=sys.stderr)
        sys.exit(3)
        """)
        let server = try #require(TraceServer(python: Self.python!))
        let forked = try #require(server.trace(appFile: app, environment: ["DILAB_TIME_SCALE": "0.0"], timeout: 30))
        let fresh = try Subprocess.run([Self.python!, app, "--trace"], environment: ["DILAB_TIME_SCALE": "0.0"], timeout: 30)
        #expect(forked.stdout == "__main__ ['--trace'] True 0.0\nthread finished\natexit ran\n")
        #expect(forked.stdout == fresh.stdout)
        #expect(forked.stderr == fresh.stderr)
        #expect(forked.status == 3 && fresh.status == 3)
    }

    @Test(.enabled(if: python != nil)) func anUncaughtExceptionIsStatusOneWithItsTraceback() throws {
        let app = try Self.script("print('before')\nraise RuntimeError('boom')\n")
        let server = try #require(TraceServer(python: Self.python!))
        let run = try #require(server.trace(appFile: app, environment: [:], timeout: 30))
        #expect(run.status == 1)
        #expect(run.stdout == "before\n")
        #expect(run.stderr.hasSuffix("RuntimeError: boom\n"))
    }

    @Test(.enabled(if: python != nil)) func aHungRunIsKilledAndTheServerGoesOn() throws {
        let hung = try Self.script("import time\nwhile True:\n    time.sleep(1)\n")
        let quick = try Self.script("print('next')\n")
        let server = try #require(TraceServer(python: Self.python!))
        let killed = try #require(server.trace(appFile: hung, environment: [:], timeout: 0.5))
        #expect(killed.status == 9)
        let next = try #require(server.trace(appFile: quick, environment: [:], timeout: 30))
        #expect(next.status == 0 && next.stdout == "next\n")
    }

    /// A dependency cycle is a RecursionError while the app is built; the depth it is raised at must not move.
    @Test(.enabled(if: python != nil)) func recursionStopsAtTheSameDepthAndReachesTheExceptHook() throws {
        let app = try Self.script("""
        import sys
        sys.excepthook = lambda kind, exc, tb: print("hook", kind.__name__)
        depth = 0
        def down():
            global depth
            depth += 1
            down()
        try:
            down()
        except RecursionError:
            print(depth)
        raise KeyError("unhandled")
        """)
        let server = try #require(TraceServer(python: Self.python!))
        let forked = try #require(server.trace(appFile: app, environment: [:], timeout: 30))
        let fresh = try Subprocess.run([Self.python!, app, "--trace"], timeout: 30)
        #expect(forked.stdout.hasSuffix("hook KeyError\n"))
        #expect(forked.stdout == fresh.stdout)
        #expect(forked.status == 1 && fresh.status == 1)
    }
}
