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
        #expect(py.contains("from fastapi import WebSocket, WebSocketDisconnect, WebSocketException"))
        #expect(py.contains("""
        @app.websocket("/chat/{username}")
        async def chat(websocket: WebSocket, username: str, db=Depends(get_db)):
            record("handler", "chat")
            try:
                await manager.connect(websocket)
                await manager.broadcast(text(username) + " joined")
                while True:
                    msg = await websocket.receive_text()
                    await manager.broadcast(text(username) + ": " + text(msg))
            except WebSocketDisconnect as disconnect:
                manager.disconnect(websocket)
                await manager.broadcast(text(username) + " left (code " + text(disconnect.code) + ")")
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
            await websocket.send_text("token " + text(token))
            await websocket.close()
        """))
        #expect(!py.contains("class WebSocketException"), "FastAPI's, imported, not a class of the scenario's")
    }

    @Test func anHTTPOnlyExportIsUnchanged() throws {
        let py = try ExporterTests.export(WebSocketFixtures.echoYAML)
        #expect(!py.contains("WebSocket"))
        #expect(!py.contains("_connection_at"))
    }
}
