import DILab
import Foundation

/// Turns dilab's values, `when:` conditions and `{{...}}` templates into Python source.
/// Holes keep dilab's meaning exactly: paths go through the runtime's lenient `get`, interpolation
/// through its `text`, so the exported app computes the same values the engine does. A text is an f-string, as in
/// `--plain`; a field keeps `text` only when its value may be no scalar (TracedTemplates.swift).
struct PythonSyntax {
    /// How a template root is spelled in the function being written (`call`, `exc`, `i`...).
    var roots: [String: String] = [:]
    /// The parameters in scope. Any other root is `None`, as in the engine: a template never names a Python global.
    var locals: Set<String> = []
    /// The event (`raise` or `task.fail`) and subject a refused operation in a hole records, as the engine does.
    var raiser: (kind: String, subject: String)?
    /// Parameters holding objects (a class dependency, SecurityScopes, credentials, Request): `--plain` reads their
    /// fields as attributes, every other value's by subscript.
    var objects: Set<String> = []
    /// Parameters holding a str, int, float, bool or None: traced, a template reading only these is an f-string too.
    var scalars: Set<String> = []

    static let builtinRoots: [String: String] = [
        "request": "request_number()", "state": "STATE", "closed": "closed()", "now": "now_ms()",
    ]

    /// A parameter wins over dilab's built-in of the same bare name, as in the engine; `@name` is always the built-in.
    func root(_ name: String) -> String {
        if let b = Builtin.named(name), name.hasPrefix("@") || !locals.contains(name) {
            return roots[b.rawValue] ?? (ExportTracing.isOff ? PlainTemplates.roots : Self.builtinRoots)[b.rawValue] ?? "None"
        }
        // `roots` also spells names that are no built-in but that a body provides (`client`, `code` in a websocket endpoint).
        return locals.contains(name) ? name : roots[name] ?? "None"
    }

    /// Whether the templates (roots `roots`) read dilab's built-in `b` here, given the parameters in scope.
    func reads(_ b: Builtin, in roots: Set<String>) -> Bool {
        roots.contains(b.key) || (roots.contains(b.rawValue) && !locals.contains(b.rawValue))
    }

    /// A local for one of dilab's values (`call`, `i`, `exc`) that no parameter of the function hides.
    static func freeName(_ base: String, avoiding params: Set<String>) -> String {
        var name = base
        while params.contains(name) { name += "_" }
        return name
    }

    /// The syntax of a function with these parameters: they are its locals, and `call` names the body counter.
    static func function(params: [String]) -> PythonSyntax {
        var syntax = PythonSyntax()
        syntax.locals = Set(params)
        syntax.roots["call"] = freeName("call", avoiding: syntax.locals)
        return syntax
    }

    // MARK: inert text

    /// Scenario text as the body of a (non-raw) triple-quoted docstring: every line break becomes LF, and
    /// quotes, backslashes, control and format characters are escaped, so nothing can end the string early.
    static func docstring(_ s: String) -> String {
        var out = ""
        var afterCR = false
        for scalar in s.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n", afterCR { continue }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\t"
            default:
                if isLineBreak(scalar) { out += "\n" } else if isInvisible(scalar) { out += escaped(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Scenario text on one `#` comment line: line breaks become spaces, invisible characters `\u....`.
    static func comment(_ s: String) -> String {
        var out = ""
        var afterCR = false
        for scalar in s.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n", afterCR { continue }
            if isLineBreak(scalar) { out += " " } else if isInvisible(scalar) { out += escaped(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// What Python, editors or `str.splitlines` may take as the end of a line.
    static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029].contains(s.value)
    }

    /// Control and format characters (NUL, ESC, bidi overrides): visible as escapes, never raw in source.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        s != "\t" && [.control, .format, .lineSeparator, .paragraphSeparator].contains(s.properties.generalCategory)
    }

    static func escaped(_ s: Unicode.Scalar) -> String {
        s.value > 0xFFFF ? String(format: "\\U%08x", s.value) : String(format: "\\u%04x", s.value)
    }

    // MARK: literals

    static func literal(_ value: Value) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "float('nan')" }
            if d.isInfinite { return d > 0 ? "float('inf')" : "float('-inf')" }
            return d == d.rounded() && abs(d) < 1e16 ? String(format: "%.1f", d) : "\(d)"
        case .string(let s): return string(s)
        case .array(let items): return "[" + items.map(literal).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { string($0.0) + ": " + literal($0.1) }.joined(separator: ", ") + "}"
        }
    }

    /// A double-quoted Python string literal: JSON's escapes (`\"`, `\\`, `\n`, `\u0001`) mean the same in Python.
    static func string(_ s: String) -> String { Value.quote(s) }

    // MARK: expressions

    func expression(_ e: Expr) -> String {
        switch e {
        case .literal(let v): return Self.literal(v)
        case .ref(let path):
            let base = root(path[0])
            if ExportTracing.isOff, path.count == 1, base.hasPrefix("describe(") { return String(base.dropFirst(9).dropLast()) }
            guard path.count > 1 else { return base }
            if ExportTracing.isOff { return plainPath(base, path) }
            let keys = path.dropFirst().map { k in Int(k).map(String.init) ?? Self.string(k) }
            return "get(\(base), \(keys.joined(separator: ", ")))"
        case .list(let items): return "[" + items.map(expression).joined(separator: ", ") + "]"
        case .not(let inner): return "not " + grouped(inner)
        case .and(let a, let b): return grouped(a) + " and " + grouped(b)
        case .or(let a, let b): return grouped(a) + " or " + grouped(b)
        case .compare(let a, let op, let b):
            var symbol = op.rawValue
            // dilab's `is` compares values; Python's compares identity, which only means the same for None.
            if op == .isOp || op == .isNot, b != .literal(.null), a != .literal(.null) { symbol = op == .isOp ? "==" : "!=" }
            return grouped(a) + " \(symbol) " + grouped(b)
        // Operands go through `_plain`, so an object is the dict dilab sees and Python's own operator (with its
        // own exception) does the rest: `len`, `[i]`, `[a:b]`, `+ - * // %` and unary `-`.
        // Without tracing (`--plain`) the values are the app's own and Python's operators apply to them directly.
        case .arith(let a, let op, let b): return "(\(operand(a)) \(op.rawValue) \(operand(b)))"
        case .negate(let inner): return "(-\(operand(inner)))"
        case .length(let inner): return "len(\(operand(inner)))"
        case .index(let inner, let key): return "\(operand(inner))[\(operand(key))]"
        case .slice(let inner, let lo, let hi):
            return "\(operand(inner))[\(lo.map(expression) ?? ""):\(hi.map(expression) ?? "")]"
        case .member(let inner, let name):
            return ExportTracing.isOff ? "\(expression(inner))[\(Self.string(name))]" : "get(\(expression(inner)), \(Self.string(name)))"
        case .choose(let c, let t, let o): return "(\(expression(t)) if \(expression(c)) else \(expression(o)))"
        // The variable's name was checked at load as a module-level Python name; a default is an expression like any other.
        case .contextGet(let name, let fallback): return "\(name).get(\(fallback.map(expression) ?? ""))"
        }
    }

    /// `config["smtp_server"]`, `creds.credentials`, `type(exc).__name__`: a path read directly (`--plain`).
    func plainPath(_ base: String, _ path: [String]) -> String {
        if base == "None" { return "None" }
        var keys = path.dropFirst()
        var out = base
        if base.hasPrefix("describe("), let field = PlainTemplates.exceptionField(String(base.dropFirst(9).dropLast()), keys.first!) {
            out = field
            keys = keys.dropFirst()
        } else if objects.contains(path[0]) || base.hasPrefix("self.") {
            out += PlainTemplates.access(keys.removeFirst(), onObject: true)
        }
        for k in keys { out += PlainTemplates.access(k, onObject: false) }
        return out
    }

    /// An operand as Python's operator should see it: through the runtime's `_plain` (an object is the dict dilab
    /// sees) when traced, as it is in a plain export.
    private func operand(_ e: Expr) -> String {
        ExportTracing.isOff ? expression(e) : "_plain(" + expression(e) + ")"
    }

    private func grouped(_ e: Expr) -> String {
        switch e {
        case .and, .or, .compare, .not: return "(" + expression(e) + ")"
        default: return expression(e)
        }
    }

    func condition(_ c: Condition) -> String { checked(expression(c.expr), canRaise: c.expr.canRaise) }

    /// A Python expression that can raise (`1 // 0`) records its exception first, through the runtime's `hole_raising`.
    func checked(_ python: String, canRaise: Bool) -> String {
        guard canRaise, let raiser, !ExportTracing.isOff else { return python }
        return "hole_raising(\(Self.string(raiser.kind)), \(raiser.subject), lambda: \(python))"
    }

    // MARK: templates

    func template(_ t: Template) -> String { checked(plainTemplate(t), canRaise: t.canRaise) }

    private func plainTemplate(_ t: Template) -> String {
        switch t {
        case .value(let v): return Self.literal(v)
        case .text(let pieces):
            if pieces.count == 1, case .hole(let e, _) = pieces[0] { return expression(e) }
            return fString(pieces)
        case .array(let items): return "[" + items.map(plainTemplate).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { Self.string($0.0) + ": " + plainTemplate($0.1) }.joined(separator: ", ") + "}"
        }
    }

    /// `f"send_email via {config['smtp_server']}"`: a template's text as an f-string. A field holding a quote or a
    /// backslash (Python 3.11 allows neither in one) is concatenated with `str(...)` instead.
    func fString(_ pieces: [Template.Piece]) -> String {
        var fields: [String] = []
        for piece in pieces {
            if case .hole(let e, _) = piece { fields.append(field(e)) }
        }
        let simple = fields.allSatisfy { f in !f.contains { "\\'{}#".contains($0) } }
        fields = fields.map { $0.replacingOccurrences(of: "\"", with: "'") }
        guard simple else {
            return pieces.map { piece -> String in
                switch piece {
                case .literal(let s): return Self.string(s)
                case .hole(let e, _): return needsText(e) ? "text(\(expression(e)))" : "str(\(expression(e)))"
                }
            }.joined(separator: " + ")
        }
        var out = "f\""
        var next = 0
        for piece in pieces {
            switch piece {
            case .literal(let s): out += PlainTemplates.fStringLiteral(s)
            case .hole: out += "{" + fields[next] + "}"; next += 1
            }
        }
        return out + "\""
    }

    /// A hole as an f-string field: its value, or (traced) the runtime's `text` of it when it may be no scalar
    /// (a dict is JSON to dilab, a repr to `str`).
    private func field(_ e: Expr) -> String { needsText(e) ? "text(" + expression(e) + ")" : expression(e) }

    private func needsText(_ e: Expr) -> Bool { !ExportTracing.isOff && !isScalar(e) }

    /// A template whose result is always interpolated as text (exception messages, stream chunks).
    func textTemplate(_ t: Template) -> String {
        if case .value(.string(let s)) = t { return Self.string(s) }
        guard case .text(let pieces) = t else { return ExportTracing.isOff ? "str(\(template(t)))" : "text(\(template(t)))" }
        // More than one piece, or literal text: already a str (an f-string).
        if pieces.count != 1 { return template(t) }
        switch pieces[0] {
        case .literal: return template(t)
        case .hole(let e, _): return needsText(e) ? "text(\(template(t)))" : "str(\(template(t)))"
        }
    }
}
