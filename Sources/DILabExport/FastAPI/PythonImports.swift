/// The import lines of an exported module, computed from the code it holds: a name is imported exactly when the
/// code reads it, so no export carries an unused import or reads an undefined one (CI runs pyflakes on them).
/// Writers never add imports by hand: they write code, and a name they use that Python does not define is
/// added to `fromImports` or `moduleImports` here.
enum PythonImports {
    /// `import x` for modules the code reads by their own name (`asyncio.sleep`, `anyio.to_thread...`).
    static let moduleImports: [(name: String, line: String)] = [
        ("asyncio", "import asyncio"),
        ("functools", "import functools"),
        ("gc", "import gc"),
        ("inspect", "import inspect"),
        ("threading", "import threading"),
        ("time", "import time"),
        ("anyio", "import anyio.to_thread"),
    ]

    /// `from module import a, b` in this order; each name is imported when the code reads it.
    static let fromImports: [(module: String, names: [String])] = [
        ("asyncio", ["CancelledError"]),
        ("collections", ["Counter"]),
        ("contextlib", ["asynccontextmanager"]),
        ("contextvars", ["ContextVar"]),
        ("functools", ["lru_cache"]),
        ("typing", ["Annotated", "Any", "Callable", "List", "Optional"]),
        ("pydantic", ["BaseModel", "EmailStr", "Field"]),
        ("fastapi", ["APIRouter", "BackgroundTasks", "Body", "Cookie", "Depends", "FastAPI", "Header", "HTTPException", "Path", "Query",
                     "Request", "Response", "Security", "WebSocket", "WebSocketDisconnect", "WebSocketException"]),
        ("fastapi.exceptions", ["FastAPIError", "RequestValidationError"]),
        ("fastapi.responses", ["HTMLResponse", "JSONResponse", "PlainTextResponse", "RedirectResponse", "StreamingResponse"]),
        ("fastapi.security", ["APIKeyHeader", "HTTPAuthorizationCredentials", "HTTPBearer", "OAuth2PasswordBearer", "SecurityScopes"]),
        ("starlette.background", ["BackgroundTask"]),
        ("starlette.datastructures", ["MutableHeaders"]),
    ]

    /// The import block for `code`: standard library, then FastAPI and Starlette, then the sidecar's names (`sidecar`:
    /// its module name and the names it defines), each group sorted as isort would, separated by a blank line.
    static func block(for code: String, sidecar: (module: String, names: Set<String>)? = nil) -> [String] {
        let used = PythonNames.used(in: code)
        var standard: [String] = [], thirdParty: [String] = []
        for m in moduleImports where used.contains(m.name) { standard.append(m.line) }
        for (module, names) in fromImports {
            let wanted = names.filter(used.contains)
            guard !wanted.isEmpty else { continue }
            let line = "from \(module) import " + wanted.joined(separator: ", ")
            if module.hasPrefix("fastapi") || module.hasPrefix("starlette") || module == "pydantic" { thirdParty.append(line) } else { standard.append(line) }
        }
        if used.contains("StarletteHTTPException") { thirdParty.append("from starlette.exceptions import HTTPException as StarletteHTTPException") }
        var groups = [standard.sorted(by: isortOrder), thirdParty.sorted(by: isortOrder)]
        if let sidecar {
            let names = sidecar.names.intersection(used).sorted()
            if !names.isEmpty { groups.append(["from \(sidecar.module) import " + names.joined(separator: ", ")]) }
        }
        var out: [String] = []
        for g in groups where !g.isEmpty {
            if !out.isEmpty { out.append("") }
            out += g
        }
        return out
    }

    /// `import x` before `from x import y`, then by module name.
    static func isortOrder(_ a: String, _ b: String) -> Bool {
        let ka = (a.hasPrefix("import ") ? 0 : 1, a.split(separator: " ")[1]), kb = (b.hasPrefix("import ") ? 0 : 1, b.split(separator: " ")[1])
        return ka.0 != kb.0 ? ka.0 < kb.0 : ka.1 < kb.1
    }

    /// The module-level names a Python module defines (`def`, `class`, `NAME =`, `NAME: T =`), for the sidecar's import
    /// line; names starting with `_` stay private, and `app`/`PROVIDERS` are the driver's own slots.
    static func definedNames(in source: String) -> Set<String> {
        var names: Set<String> = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let first = line.first, first.isLetter else { continue }
            var rest = Substring(line)
            for keyword in ["async def ", "def ", "class "] where rest.hasPrefix(keyword) { rest = rest.dropFirst(keyword.count) }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let after = rest.dropFirst(name.count).drop { $0 == " " }
            guard !name.isEmpty, rest.count < line.count || after.hasPrefix("=") || after.hasPrefix(":") else { continue }
            if after.hasPrefix("==") { continue }
            names.insert(String(name))
        }
        return names.subtracting(["app", "PROVIDERS", "REQUESTS", "CONCURRENT", "HANG_MS", "PROVIDER_NAMES"]).subtracting(keywords)
    }
}

extension PythonImports {
    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
    ]
}

/// The names Python code reads: identifiers outside strings and comments, not after a `.`, including the ones in
/// an f-string's `{...}` fields.
enum PythonNames {
    static func used(in source: String) -> Set<String> {
        var out: Set<String> = []
        scan(Array(source.unicodeScalars), into: &out)
        return out
    }

    static func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
    static func isPart(_ c: Unicode.Scalar) -> Bool { isStart(c) || ("0"..."9").contains(c) }

    /// `name: T = ...` as a line's first word (a model's field, an annotated assignment) binds the name; it does
    /// not read it, so an import of the same name would be unused.
    private static func isAnnotatedTarget(_ s: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        var j = start - 1
        while j >= 0, s[j] == " " { j -= 1 }
        guard j < 0 || s[j] == "\n" else { return false }
        var k = end
        while k < s.count, s[k] == " " { k += 1 }
        return k < s.count && s[k] == ":" && (k + 1 >= s.count || s[k + 1] != "=")
    }

    private static func scan(_ s: [Unicode.Scalar], into out: inout Set<String>) {
        var i = 0
        var afterDot = false
        while i < s.count {
            let c = s[i]
            if c == "#" {
                while i < s.count, s[i] != "\n" { i += 1 }
            } else if c == "\"" || c == "'" {
                i = skipString(s, at: i, formatted: false, into: &out)
                afterDot = false
            } else if isStart(c) {
                let start = i
                while i < s.count, isPart(s[i]) { i += 1 }
                let word = String(String.UnicodeScalarView(s[start..<i]))
                // A string prefix (f"", rb'') is part of the literal.
                if i < s.count, s[i] == "\"" || s[i] == "'", word.count <= 2, word.lowercased().allSatisfy({ "rbfu".contains($0) }) {
                    i = skipString(s, at: i, formatted: word.lowercased().contains("f"), into: &out)
                } else if !afterDot, !isAnnotatedTarget(s, start: start, end: i) {
                    out.insert(word)
                }
                afterDot = false
            } else if ("0"..."9").contains(c) {
                while i < s.count, isPart(s[i]) || s[i] == "." { i += 1 }
                afterDot = false
            } else {
                if c == "." { afterDot = true } else if c != " " && c != "\\" && c != "\n" { afterDot = false }
                i += 1
            }
        }
    }

    /// Skips the literal opening at `start`; in an f-string, the `{...}` fields are scanned as code.
    private static func skipString(_ s: [Unicode.Scalar], at start: Int, formatted: Bool, into out: inout Set<String>) -> Int {
        let q = s[start]
        let triple = start + 2 < s.count && s[start + 1] == q && s[start + 2] == q
        var i = start + (triple ? 3 : 1)
        while i < s.count {
            if s[i] == "\\" { i += 2; continue }
            if formatted, s[i] == "{" {
                if i + 1 < s.count, s[i + 1] == "{" { i += 2; continue }
                var depth = 1, j = i + 1
                while j < s.count, depth > 0 {
                    if s[j] == "{" { depth += 1 } else if s[j] == "}" { depth -= 1 }
                    if depth > 0 { j += 1 }
                }
                scan(Array(s[(i + 1)..<min(j, s.count)]), into: &out)
                i = j + 1
                continue
            }
            if s[i] == q {
                if !triple { return i + 1 }
                if i + 2 < s.count, s[i + 1] == q, s[i + 2] == q { return i + 3 }
            }
            if !triple, s[i] == "\n" { return i }
            i += 1
        }
        return i
    }
}
