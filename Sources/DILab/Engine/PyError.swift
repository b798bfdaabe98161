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

    /// Short form for goldens: `HTTPException 404`, `ValueError`.
    public var summary: String { isHTTP ? "HTTPException \(status ?? 500)" : type }

    /// How Python prints it: `HTTPException: 404: User not found`, `ValueError: boom`.
    public var display: String {
        if isHTTP { return "HTTPException: \(status ?? 500): \(detail?.text ?? "")" }
        return message.isEmpty ? type : "\(type): \(message)"
    }

    /// Built-in exception classes and their bases; anything else is a user class deriving from `Exception`.
    static let bases: [String: String] = [
        "HTTPException": "Exception", "ValueError": "Exception", "RuntimeError": "Exception", "TypeError": "Exception",
        "KeyError": "LookupError", "IndexError": "LookupError", "LookupError": "Exception",
        "ZeroDivisionError": "ArithmeticError", "ArithmeticError": "Exception",
        "RequestValidationError": "ValidationException", "ValidationException": "Exception",
        "FastAPIError": "RuntimeError", "DependencyScopeError": "FastAPIError",
        "UnboundLocalError": "NameError", "NameError": "Exception",
        "ConnectionError": "OSError", "TimeoutError": "OSError", "OSError": "Exception",
        "Exception": "BaseException",
    ]

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
