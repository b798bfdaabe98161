import DILab
@testable import DILabExport
import Foundation
import Testing

/// `dilab export --to html` (checked in headless Chromium, on a screenshot) and `--to chrome` on overlapping requests.
@Suite("export --to html and --to chrome on one event loop")
struct TimelineExportTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Three clients, a pool of 2, streams that pin their session; request 2 disconnects, request 3 waits.
    static func poolApp() throws -> CompiledApp {
        let path = root + "/Tests/DILabExportTests/Fixtures/three-clients-pool-stream.yaml"
        return try Validator.compile(try ScenarioLoader.load(path: path), profile: nil)
    }

    @Test("the page is self-contained: inline CSS and SVG, no script, nothing from the network")
    func selfContained() throws {
        let app = try Self.poolApp()
        let html = HTMLTimelineExporter.export(Engine.run(app), app: app)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        let addresses = html.components(separatedBy: "http").count - 1
        #expect(addresses == 1, "only the SVG namespace, which is a name, not a fetch")
        for kind in ["bar hold", "bar handler", "bar stream", "bar task", "bar wait", "bar unit", "mark disconnect", "mark sent"] {
            #expect(html.contains("class=\"\(kind)"), "\(kind) is drawn")
        }
        #expect(html.contains("warning: get_db is request-scoped"))
    }

    @Test("every name from the scenario is escaped")
    func escaping() throws {
        let yaml = """
        scenario: "<script>alert('t')</script> & co"
        fastapi: latest
        providers:
          get_db: {yield: true}
        routes:
          - GET /x:
              params: {db: Depends(get_db), q: str = ""}
              returns: ok
        requests:
          - {request: "GET /x?q=<img/src=x/onerror=alert(1)>\\"", at: 0ms}
        """
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "inline.yaml"), profile: nil)
        let html = HTMLTimelineExporter.export(Engine.run(app), app: app)
        #expect(!html.contains("<script>") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; co"))
        #expect(html.contains("&lt;img/src=x/onerror=alert(1)&gt;&quot;"))
    }

    @Test("chrome: one track per request named after it, absolute times, waits as spans of their own")
    func chromeTracks() throws {
        let app = try Self.poolApp()
        let json = ChromeTraceExporter.export(Engine.run(app))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let events = try #require(doc["traceEvents"] as? [[String: Any]])
        let names = events.filter { $0["name"] as? String == "thread_name" }
            .compactMap { e -> String? in ((e["args"] as? [String: Any])?["name"] as? String).map { "\(e["tid"]!) \($0)" } }
        #expect(names == ["0 lifespan", "1 request 1: GET /report", "2 request 2: GET /report", "3 request 3: GET /report"])
        let waits = events.filter { $0["cat"] as? String == "wait" }
        #expect(waits.count == 1)
        let wait = try #require(waits.first)
        #expect(wait["name"] as? String == "wait pool db_pool" && wait["tid"] as? Int == 3)
        #expect(wait["ts"] as? Int == 20_000 && wait["dur"] as? Int == 152_000)
        // Request 2 arrived at 10 ms: its session span starts there, on the shared axis, not at 0.
        let session2 = events.first { $0["ph"] as? String == "X" && $0["name"] as? String == "get_db" && $0["tid"] as? Int == 2 }
        #expect(session2?["ts"] as? Int == 10_000)
    }

    // MARK: headless Chromium

    static var chromium: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            for name in ["chromium", "chromium-browser", "google-chrome"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    /// CI must run the browser test; only a machine without chromium may skip it.
    static var browserAvailable: Bool { chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    @Test("the HTML timeline of three overlapping requests renders in headless Chromium: each bar's colour where the layout puts it",
          .enabled(if: browserAvailable, "chromium is not installed (apt-get install -y chromium); CI installs it and runs this test"),
          .timeLimit(.minutes(2)))
    func rendersInChromium() throws {
        let browser = try #require(Self.chromium, "chromium is required when CI is set (.ci/run installs it)")
        let app = try Self.poolApp()
        let run = Engine.run(app)
        let timeline = Lanes.build(run, app: app)
        let html = HTMLTimelineExporter.render(timeline)   // no warning box: nothing below the lanes
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("timeline.html")
        let png = dir.appendingPathComponent("shot.png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        // At the lowest CPU priority: the browser's seconds of work must not starve the serve tests' socket
        // deadlines, which run in parallel in the same `swift test`.
        var command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--mute-audio",
            "--force-device-scale-factor=1", "--user-data-dir=\(dir.path)/profile",
            "--window-size=1200,800", "--screenshot=\(png.path)", page.absoluteString]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/nice") { command = ["/usr/bin/nice", "-n", "19"] + command }
        let (status, output) = try Self.runProcess(command[0], Array(command.dropFirst()), timeout: 90)
        #expect(status == 0, "chromium failed: \(output)")
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 5_000, "a screenshot of a drawn page is not a few bytes (got \(size))")

        // Points to read: the centre of every bar wide enough to hit, a lane's empty background after request 1
        // ended, and the disconnect/cancel mark of request 2.
        let layout = HTMLTimelineExporter.layout(timeline)
        let bars = layout.bars.filter { $0.width >= ($0.span.kind == .unit ? 48 : 8) && $0.y + $0.height < 800 }
        var points = bars.map { [$0.x + $0.width / 2, $0.y + $0.height / 2] }
        let holdRow = try #require(timeline.lanes[0].rows.firstIndex { $0.label == "get_db" })
        let emptyY = layout.rowTops[0][holdRow] + HTMLTimelineExporter.rowHeight / 2
        points.append([layout.x(450, timeline), emptyY])
        let mark = try #require(timeline.lanes[1].marks.first { $0.kind == .disconnect })
        points.append([layout.x(mark.t, timeline), layout.laneTops[1] + 4])
        let decoded = try Self.pixels(png.path, points)
        #expect(decoded.width == 1200 && decoded.height == 800)
        try #require(decoded.pixels.count == points.count)

        func close(_ p: [Int], _ hex: String, tolerance: Int = 14) -> Bool {
            let v = Int(hex.dropFirst(), radix: 16)!
            let want = [(v >> 16) & 255, (v >> 8) & 255, v & 255]
            return zip(p, want).allSatisfy { abs($0 - $1) <= tolerance }
        }
        var seen = Set<LaneTimeline.SpanKind>()
        for (bar, p) in zip(bars, decoded.pixels) {
            #expect(close(p, bar.fill), "\(bar.span.kind) \(bar.span.label) of lane \(bar.lane) at (\(bar.x + bar.width / 2), \(bar.y + bar.height / 2)): got \(p), want \(bar.fill)")
            seen.insert(bar.span.kind)
        }
        #expect(seen == Set(LaneTimeline.SpanKind.allCases), "every kind of bar was checked on screen")
        let empty = decoded.pixels[bars.count]
        #expect(close(empty, "#f6f7f9", tolerance: 6), "request 1's get_db row is empty after 327 ms: got \(empty)")
        let markPixel = decoded.pixels[bars.count + 1]
        #expect(close(markPixel, HTMLTimelineExporter.colour(.disconnect)) || close(markPixel, HTMLTimelineExporter.colour(.cancel)),
                "request 2's disconnect mark: got \(markPixel)")
    }

    static func runProcess(_ path: String, _ args: [String], timeout: TimeInterval) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        // Output to a file, so a chatty process never blocks on a full pipe.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-proc-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        try handle.close()
        return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// A PNG's size and the RGB of each point, decoded by a few lines of Python's standard library (zlib + the five
    /// PNG row filters): no image library needed.
    static func pixels(_ path: String, _ points: [[Int]]) throws -> (width: Int, height: Int, pixels: [[Int]]) {
        let script = """
        import sys, zlib, struct, json
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
        pos, idat = 8, b''
        while pos < len(data):
            n, = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b'IHDR': w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            elif kind == b'IDAT': idat += body
            elif kind == b'IEND': break
        assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
        bpp = 3 if ctype == 2 else 4
        points = json.loads(sys.argv[2])
        last = max([y for _, y in points] + [0])
        raw, stride = zlib.decompress(idat), w * bpp
        rows, prev, i = [], bytearray(stride), 0
        for y in range(min(h, last + 1)):
            f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            if f == 2:
                line = bytearray((line[x] + prev[x]) & 255 for x in range(stride))
            elif f:
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    else:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line); prev = line
        print(json.dumps({'width': w, 'height': h, 'pixels': [list(rows[y][x * bpp:x * bpp + 3]) for x, y in points]}))
        """
        let pointsJSON = "[" + points.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",") + "]"
        let (status, output) = try runProcess("/usr/bin/env", ["python3", "-c", script, path, pointsJSON], timeout: 60)
        guard status == 0, let line = output.split(separator: "\n").last,
              let doc = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let w = doc["width"] as? Int, let h = doc["height"] as? Int, let px = doc["pixels"] as? [[Int]] else {
            Issue.record("decoding the screenshot failed: \(output)")
            return (0, 0, [])
        }
        return (w, h, px)
    }
}
