import DILab
@testable import DILabExport
import Foundation
import Testing

/// The export of websocket routes: the endpoint as FastAPI's docs write it, the connection manager, the driver's
/// client scripts, and Python that compiles (docs/verify.md, "WebSockets").
@Suite("export: websockets")
struct WebSocketExportTests {
    static func export(_ s: Scenario, profile: Profile = .latest) -> String { FastAPIExporter(scenario: s, profile: profile).export() }

    /// `python3 -m py_compile` on each source: the export is valid Python.
    static func compiles(_ sources: [String: String]) throws -> (ok: Bool, errors: String) {
        let dir = NSTemporaryDirectory() + "dilab-ws-export-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/\(name).py"
            try source.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let r = try Subprocess.run(["python3", "-m", "py_compile"] + files, timeout: 60)
        return (r.status == 0, r.stderr)
    }

    @Test func theExportsCompile() throws {
        let sources = ["echo": Self.export(try WebSocketFixtures.echo()), "chat": Self.export(try WebSocketFixtures.chat()),
                       "denied": Self.export(try WebSocketFixtures.denied())]
        if let dir = ProcessInfo.processInfo.environment["DILAB_WS_EXPORT_DIR"] {
            for (n, s) in sources { try s.write(toFile: dir + "/\(n).py", atomically: true, encoding: .utf8) }
        }
        let r = try Self.compiles(sources)
        #expect(r.ok, "\(r.errors)")
    }

    @Test func theEndpointReadsLikeFastAPIsDocs() throws {
        let py = Self.export(try WebSocketFixtures.chat())
        // The app imports what it reads, on one line with the rest of FastAPI's names.
        #expect(py.contains("from fastapi import Depends, FastAPI, WebSocket, WebSocketDisconnect\n"), "\(py)")
        #expect(py.contains("""
        @app.websocket("/chat/{username}")
        async def chat(websocket: WebSocket, username: str, db=Depends(get_db)):
            record("handler", "chat")
            try:
                await manager.connect(websocket)
                await manager.broadcast(f"{username} joined")
                while True:
                    msg = await websocket.receive_text()
                    record("ws.receive", "chat", quoted(msg))
                    await manager.broadcast(f"{username}: {text(msg)}")
            except WebSocketDisconnect as disconnect:
                record("catch", "chat", summary(disconnect) + " → handled")
                manager.disconnect(websocket)
                await manager.broadcast(f"{username} left (code {disconnect.code})")
        """))
        #expect(py.contains("class ConnectionManager:"))
        #expect(py.contains("manager = ConnectionManager(\"manager\")"))
    }

    @Test func theClientScriptsAreDataForTheDriver() throws {
        let py = Self.export(try WebSocketFixtures.chat())
        #expect(py.contains(#""client": "bob", "worker": 1, "script": [["receive", 2], ["wait", 100], ["receive", 1], ["drop"]]"#))
        #expect(py.contains(#"["close", 4000, "bye"]"#))
        #expect(py.contains("CONCURRENT = True"))
        #expect(py.contains("async def _connection_at("))
    }

    @Test func aWebSocketExceptionIsRaisedWithItsCodeAndReason() throws {
        let py = Self.export(try WebSocketFixtures.denied())
        #expect(py.contains("""
            if token is None:
                raise traced("items", WebSocketException(code=1008, reason="no token"))
            await websocket.accept()
            await websocket.send_text(f"token {token}")
            await websocket.close()
        """))
        #expect(!py.contains("class WebSocketException"), "FastAPI's, imported, not a class of the scenario's")
    }

    @Test func anHTTPOnlyExportIsUnchanged() throws {
        let py = try ExporterTests.export(WebSocketFixtures.echoYAML)
        #expect(!py.contains("from fastapi import WebSocket"))
        #expect(!py.contains(".websocket("))
        #expect(!py.contains("_connection_at"))
    }
}

extension WebSocketExportTests {
    /// `quoted` (the export's) and `Value.quote` (the engine's) write a message the same way, control characters too.
    @Test func messagesAreQuotedAsTheEngineQuotesThem() throws {
        let samples = ["hi", "say \"hi\"", "back\\slash", "line\nbreak\ttab\r", "\u{1b}[31m\u{08}\u{0c}", "é ü 😀 \u{2028}", ""]
        let script = PythonRuntime.webSocketHelpers + "\nimport sys\nfor s in json.loads(sys.argv[1]):\n    print(quoted(s))\n"
        let input = String(decoding: try JSONEncoder().encode(samples), as: UTF8.self)
        let r = try Subprocess.run(["python3", "-c", "import json\nfrom contextvars import ContextVar\n" + script, input], timeout: 30)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == samples.map(Value.quote))
    }
}

extension WebSocketExportTests {
    static func exportYAML(_ yaml: String) throws -> String {
        FastAPIExporter(scenario: try ScenarioLoader.load(text: yaml, file: "inline.yaml"), profile: .latest).export()
    }

    @Test func aParameterNamedWebsocketLeavesTheWebSocketAnotherName() throws {
        let py = try Self.exportYAML("""
        routes:
          - WEBSOCKET /x/{websocket}:
              handler: h
              params: {websocket: str}
              steps: [accept, {send: "{{websocket}}"}]
        requests: [{websocket: /x/1}]
        """)
        #expect(py.contains("async def h(websocket_: WebSocket, websocket: str):"))
        #expect(py.contains("await websocket_.send_text(str(websocket))"))
        #expect(try Self.compiles(["x": py]).ok)
    }

    @Test func workersKeepOneManagerPerWorker() throws {
        let py = try Self.exportYAML("""
        app: {workers: 2}
        rooms: [manager]
        routes:
          - WEBSOCKET /chat:
              handler: chat
              steps: [{join: manager}, {loop: [{receive: m}, {broadcast: {room: manager, text: "{{m}}"}}]}]
              on_disconnect: [{leave: manager}]
        requests:
          - {websocket: /chat, as: a, worker: 1, script: [{send: hi}]}
          - {websocket: /chat, as: b, worker: 2, at: 0ms}
        """)
        #expect(py.contains("manager = PerWorker(\"manager\", workers=[1, 2])"))
        #expect(py.contains("current_worker.set(spec[\"worker\"])"))
        #expect(py.contains(#""client": "b", "worker": 2"#))
        #expect(try Self.compiles(["w": py]).ok)
    }
}

extension WebSocketExportTests {
    @Test func aDeclaredWebSocketParameterIsTheConnection() throws {
        let py = try Self.exportYAML("""
        routes:
          - WEBSOCKET /x:
              handler: h
              params: {ws: WebSocket}
              steps: [accept, {send: "{{client}}"}]
        requests: [{websocket: /x}]
        """)
        #expect(py.contains("async def h(ws: WebSocket):"))
        #expect(py.contains("await ws.send_text(str(client_label(ws)))"))
    }
}
