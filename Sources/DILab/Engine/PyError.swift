/// A Python exception travelling through the simulated app: raised by a callable, seen by `except` blocks,
/// turned into a response by exception handlers, or left for the server after the response was sent.
public struct PyError: Error, Sendable, Equatable {
    public var type: String
    public var message: String
    public var status: Int?
    public var detail: Value?
    public var headers: [String]
    /// For `RequestValidationError`: the collected error objects.
    public var errors: [Value]
    /// `WebSocketException` and `WebSocketDisconnect`: the close code (and `message` the reason).
    public var code: Int?

    public init(type: String, message: String = "", status: Int? = nil, detail: Value? = nil, headers: [String] = [], errors: [Value] = []) {
        self.type = type
        self.message = message
        self.status = status
        self.detail = detail
        self.headers = headers
        self.errors = errors
    }

    public static func http(_ status: Int, _ detail: Value, headers: [String] = []) -> PyError {
        PyError(type: "HTTPException", status: status, detail: detail, headers: headers)
    }

    public var isHTTP: Bool { type == "HTTPException" }

    /// `headers=` as (name, value) pairs (stored as `name: value` lines).
    public var headerPairs: [(String, String)] {
        headers.map { h in
            let kv = h.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (kv[0], kv.count > 1 ? kv[1] : "")
        }
    }

    /// Short form for goldens: `HTTPException 404`, `ValueError`.
    public var summary: String {
        if isHTTP { return "HTTPException \(status ?? 500)" }
        if let code { return "\(type) \(code)" }
        return type
    }

    /// `WebSocketException(code=..., reason=...)`, `WebSocketDisconnect(code)`.
    public static func webSocket(_ type: String, code: Int, reason: String = "") -> PyError {
        var e = PyError(type: type, message: reason)
        e.code = code
        return e
    }

    /// How Python prints it: `HTTPException: 404: User not found`, `ValueError: boom`.
    public var display: String {
        if isHTTP { return "HTTPException: \(status ?? 500): \(detail?.text ?? "")" }
        if let code { return "\(type): \(code)" + (message.isEmpty ? "" : ": \(message)") }
        return message.isEmpty ? type : "\(type): \(message)"
    }

    /// Python's built-in exception classes and their bases (3.11+, aliases such as IOError left out).
    static let pythonBuiltins: [String: String] = [
        "Exception": "BaseException", "BaseExceptionGroup": "BaseException", "GeneratorExit": "BaseException",
        "KeyboardInterrupt": "BaseException", "SystemExit": "BaseException",
        "ArithmeticError": "Exception", "FloatingPointError": "ArithmeticError", "OverflowError": "ArithmeticError",
        "ZeroDivisionError": "ArithmeticError", "AssertionError": "Exception", "AttributeError": "Exception",
        "BufferError": "Exception", "EOFError": "Exception", "ExceptionGroup": "Exception", "ImportError": "Exception",
        "ModuleNotFoundError": "ImportError", "LookupError": "Exception", "IndexError": "LookupError", "KeyError": "LookupError",
        "MemoryError": "Exception", "NameError": "Exception", "UnboundLocalError": "NameError",
        "OSError": "Exception", "BlockingIOError": "OSError", "ChildProcessError": "OSError", "ConnectionError": "OSError",
        "BrokenPipeError": "ConnectionError", "ConnectionAbortedError": "ConnectionError",
        "ConnectionRefusedError": "ConnectionError", "ConnectionResetError": "ConnectionError",
        "FileExistsError": "OSError", "FileNotFoundError": "OSError", "InterruptedError": "OSError",
        "IsADirectoryError": "OSError", "NotADirectoryError": "OSError", "PermissionError": "OSError",
        "ProcessLookupError": "OSError", "TimeoutError": "OSError", "ReferenceError": "Exception",
        "RuntimeError": "Exception", "NotImplementedError": "RuntimeError", "RecursionError": "RuntimeError",
        "StopAsyncIteration": "Exception", "StopIteration": "Exception", "SyntaxError": "Exception",
        "IndentationError": "SyntaxError", "TabError": "IndentationError", "SystemError": "Exception",
        "TypeError": "Exception", "ValueError": "Exception", "UnicodeError": "ValueError",
        "UnicodeDecodeError": "UnicodeError", "UnicodeEncodeError": "UnicodeError", "UnicodeTranslateError": "UnicodeError",
        "Warning": "Exception", "BytesWarning": "Warning", "DeprecationWarning": "Warning", "EncodingWarning": "Warning",
        "FutureWarning": "Warning", "ImportWarning": "Warning", "PendingDeprecationWarning": "Warning",
        "ResourceWarning": "Warning", "RuntimeWarning": "Warning", "SyntaxWarning": "Warning", "UnicodeWarning": "Warning",
        "UserWarning": "Warning",
    ]

    /// Built-in exception classes (Python's and FastAPI's) and their bases; anything else is a user class deriving from `Exception`.
    static let bases: [String: String] = pythonBuiltins.merging([
        "HTTPException": "Exception", "RequestValidationError": "ValidationException", "ValidationException": "Exception",
        "ResponseValidationError": "ValidationException",
        "FastAPIError": "RuntimeError", "DependencyScopeError": "FastAPIError",
        // asyncio.CancelledError (what AnyIO raises on asyncio) is a BaseException: `except Exception` lets it pass.
        "CancelledError": "BaseException",
        // Starlette's websocket exceptions (Starlette 1.x adds WebSocketDisconnected, a RuntimeError).
        "WebSocketException": "Exception", "WebSocketDisconnect": "Exception", "WebSocketDisconnected": "RuntimeError",
        "WebSocketRequestValidationError": "ValidationException",
    ]) { a, _ in a }

    /// A Python built-in exception and its bases up to BaseException (`KeyError` → LookupError, Exception,
    /// BaseException); nil when Python has no built-in of that name. The export uses the built-in for these.
    public static func builtinChain(_ name: String) -> [String]? {
        guard name == "BaseException" || pythonBuiltins[name] != nil else { return nil }
        var chain: [String] = []
        var current = pythonBuiltins[name]
        while let c = current { chain.append(c); current = pythonBuiltins[c] }
        return chain
    }

    /// Whether `except <name>:` catches this exception.
    public func isInstance(of name: String) -> Bool {
        var current: String? = type
        while let c = current {
            if c == name { return true }
            current = PyError.bases[c] ?? (c == "BaseException" ? nil : "Exception")
        }
        return false
    }

    /// A short, stable name for the messages FastAPI and Starlette raise themselves, so goldens can tell
    /// "Response not awaited" (0.118+) from "No response object was returned" (0.106–0.117). Empty for user messages.
    public static func slug(_ message: String) -> String {
        switch message {
        case notAwaited: return "response-not-awaited"
        case noResponse: return "no-response-returned"
        case alreadyStarted: return "response-already-started"
        case unbound: return "response-unbound"
        default: return ""
        }
    }

    static let notAwaited = "Response not awaited. There's a high chance that the application code is raising an exception and a dependency with yield has a block with a bare except, or a block with except Exception, and is not raising the exception again. Read more about it in the docs: https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#dependencies-with-yield-and-except"
    static let noResponse = "No response object was returned. There's a high chance that the application code is raising an exception and a dependency with yield has a block with a bare except, or a block with except Exception, and is not raising the exception again. Read more about it in the docs: https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#dependencies-with-yield-and-except"
    static let unbound = "cannot access local variable 'response' where it is not associated with a value"
    static let alreadyStarted = "Caught handled exception, but response already started."
}
