/// The names dilab itself gives templates and conditions. Each is stored as `@name`, a spelling no Python
/// parameter can have, so `{{@state}}` always means dilab's app state; a bare `{{state}}` reads the callable's
/// own parameter when it has one (as FastAPI passes it) and dilab's value only when it has none.
public enum Builtin: String, CaseIterable, Sendable {
    /// How many times this callable's body has run in the app's lifetime.
    case call
    /// The request's number.
    case request
    /// Lifespan state (`app.state`).
    case state
    /// The virtual clock, in milliseconds.
    case now
    /// The chunk index inside a stream.
    case i
    /// The providers already cleaned up: `closed.get_db`.
    case closed
    /// The exception an `except:` block caught.
    case exc
    /// A websocket connection's client label (`as: alice`).
    case client
    /// The close code inside `on_disconnect:` (`WebSocketDisconnect.code`).
    case code

    /// The key it is stored under in a template environment.
    public var key: String { "@" + rawValue }

    public static let names: Set<String> = Set(allCases.map(\.rawValue))

    /// The built-in a root names, spelled either way (`state`, `@state`); nil for any other name.
    public static func named(_ root: String) -> Builtin? {
        Builtin(rawValue: root.hasPrefix("@") ? String(root.dropFirst()) : root)
    }
}

extension Dictionary where Key == String, Value == DILab.Value {
    /// Binds a built-in under its `@` key; parameters of the same bare name are left alone.
    public subscript(builtin: Builtin) -> DILab.Value? {
        get { self[builtin.key] }
        set { self[builtin.key] = newValue }
    }
}
