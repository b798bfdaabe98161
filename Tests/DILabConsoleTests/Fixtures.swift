import DILab
import DILabConsole
import Foundation

/// Shared test scaffolding: the repository root, scenario files, and a console driven line by line.
enum Fixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var seed: String { root + "/scenarios/seeds/db-session-read-user.yaml" }

    /// A small app of our own: a yield session, a cached settings provider used twice, a header, a body.
    static let appYAML = """
    scenario: Console fixture
    fastapi: latest
    providers:
      get_settings:
        returns: {db_url: "sqlite://"}
      get_db:
        yield: true
        params:
          settings: Depends(get_settings)
        returns: "Session#{{call}}"
      fake_db:
        yield: true
        returns: "Fake#{{call}}"
      current_user:
        params:
          settings: Depends(get_settings)
          authorization: Header()
        returns: "user({{authorization}})"
    tasks:
      audit: {duration: 20ms, uses: [get_db]}
    routes:
      - GET /users/{user_id}:
          handler: read_user
          params:
            user_id: int
            db: Depends(get_db)
            user: Depends(current_user)
            background_tasks: BackgroundTasks
          duration: 5ms
          adds_tasks: [audit]
          returns: {id: "{{user_id}}", session: "{{db}}", user: "{{user}}"}
      - POST /register:
          handler: register
          params:
            item: Item
          returns: "{{item}}"
    """

    /// Writes `text` to a fresh temporary .yaml file and returns its path.
    static func write(_ text: String, name: String = "fixture") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dilab-console-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("\(name).yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// A console with `lines` already executed; returns the state and the last output.
    static func session(_ lines: [String], state: ConsoleState = ConsoleState()) -> (ConsoleState, ConsoleOutput) {
        var state = state
        var last = ConsoleOutput()
        let console = Console()
        for l in lines { last = console.execute(l, in: &state) }
        return (state, last)
    }

    static func fixtureSession(_ lines: [String]) -> (ConsoleState, ConsoleOutput, String) {
        let path = write(appYAML)
        let (s, o) = session(["load \(path)"] + lines)
        return (s, o, path)
    }
}
