/// A YAML node (a `SourceNode`, converted once from Yams' tree) seen through the questions the loader asks it,
/// with every answer's source location.
/// Wrong shapes are reported to the shared `DiagnosticSink` instead of thrown, so one pass collects every error.
struct YNode {
    let node: SourceNode
    let context: LoadContext

    var location: SourceLocation {
        guard let line = node.line else { return SourceLocation(file: context.file, line: 0, column: 0) }
        return SourceLocation(file: context.file, line: line, column: node.column)
    }

    var scalar: String? { if case .scalar(let s, _) = node.content { return s } else { return nil } }
    var isQuoted: Bool { if case .scalar(_, let plain) = node.content { return !plain } else { return false } }
    var isNull: Bool { if case .scalar(let s, let plain) = node.content { return plain && ["", "~", "null", "Null", "NULL"].contains(s) } else { return false } }

    var pairs: [(key: String, keyNode: YNode, value: YNode)]? {
        guard case .mapping(let m) = node.content else { return nil }
        return m.map { (key: $0.key, keyNode: YNode(node: $0.keyNode, context: context), value: YNode(node: $0.value, context: context)) }
    }

    var items: [YNode]? {
        guard case .sequence(let s) = node.content else { return nil }
        return s.map { YNode(node: $0, context: context) }
    }

    subscript(key: String) -> YNode? { pairs?.first { $0.key == key }?.value }

    func error(_ message: String, rule: String = "schema", hint: String? = nil, at location: SourceLocation? = nil) {
        context.report(Diagnostic(location: location ?? self.location, rule: rule, message: message, hint: hint))
    }

    var kindName: String {
        switch node.content {
        case .scalar: return isNull ? "nothing" : "a scalar '\(scalar ?? "")'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// A mapping, reporting anything else. Unknown keys are reported with a did-you-mean.
    /// `misplaced`: keys people put here that belong elsewhere, with where they go (a provider's `scope:`).
    func mapping(_ what: String, allowed: [String]? = nil, misplaced: [String: String] = [:]) -> [(key: String, keyNode: YNode, value: YNode)] {
        guard let pairs else {
            if !isNull { error("expected \(what) as a mapping (key: value lines), found \(kindName)") }
            return []
        }
        if let allowed {
            for p in pairs where !allowed.contains(p.key) {
                p.keyNode.error("unknown key '\(p.key)' in \(what)",
                                hint: misplaced[p.key] ?? Suggest.hint(for: p.key, among: allowed, kind: "keys"))
            }
        }
        return pairs
    }

    /// A list; a single scalar or mapping counts as a list of one.
    func list() -> [YNode] {
        if let items { return items }
        if isNull { return [] }
        return [self]
    }

    func string(_ what: String) -> String? {
        guard let s = scalar, !isNull else {
            error("expected \(what) as text, found \(kindName)")
            return nil
        }
        return s
    }

    func bool(_ what: String) -> Bool? {
        guard let s = scalar, !isQuoted else {
            error("expected \(what) to be true or false, found \(kindName)")
            return nil
        }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error("expected \(what) to be true or false, found '\(s)'")
            return nil
        }
    }

    func int(_ what: String) -> Int? {
        guard let s = scalar, let i = Int(s) else {
            error("expected \(what) as a whole number, found \(kindName)")
            return nil
        }
        return i
    }

    /// An HTTP status code in `Scenario.statusCodes`.
    func statusCode(_ what: String) -> Int? {
        guard let code = int(what) else { return nil }
        guard Scenario.statusCodes.contains(code) else {
            error("\(what) \(code) is not an HTTP status code", rule: "status", hint: "use a code from 100 to 599, such as 200, 404 or 500")
            return nil
        }
        return code
    }

    /// A duration in milliseconds: `250`, `250ms`, `2s`, `1.5s`, at most `Scenario.maxDurationMs`.
    /// Checked as a Double first, so `1e16s` or `infs` is a diagnostic rather than an Int conversion trap.
    func duration(_ what: String) -> Int? {
        guard let raw = scalar?.trimmingCharacters(in: .whitespaces), !isNull else {
            error("expected \(what) as a duration like 250ms or 2s, found \(kindName)")
            return nil
        }
        let ms: Double?
        if raw.hasSuffix("ms") { ms = Double(raw.dropLast(2)) } else if raw.hasSuffix("s") { ms = Double(raw.dropLast()).map { $0 * 1000 } } else { ms = Double(raw) }
        guard let ms, ms.isFinite, ms >= 0, raw.first?.isNumber == true || raw.first == "." else {
            error("expected \(what) as a duration like 250ms or 2s, found '\(raw)'", hint: "write milliseconds (250ms) or seconds (2s)")
            return nil
        }
        guard ms <= Double(Scenario.maxDurationMs) else {
            error("\(what) '\(raw)' is longer than the longest dilab simulates (1 day)", rule: "duration",
                  hint: "write at most 86400s; a simulated step that long is never what a scenario means")
            return nil
        }
        if let exact = Int(raw) { return exact }
        return Int(ms.rounded())
    }

    /// The node as a plain value: YAML scalars follow YAML 1.2 core typing unless quoted.
    var value: Value {
        switch node.content {
        case .scalar(let text, let plain):
            if !plain { return .string(text) }
            if isNull { return .null }
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let i = Int(text) { return .int(i) }
            if let d = Double(text), text.contains(".") || text.contains("e") { return .double(d) }
            return .string(text)
        case .mapping:
            return .object((pairs ?? []).map { ($0.key, $0.value.value) })
        case .sequence:
            return .array((items ?? []).map(\.value))
        case .alias:
            return .null
        }
    }

    /// The node as a template: strings may hold `{{...}}` holes.
    func template(_ what: String) -> Template? {
        switch node.content {
        case .scalar(let text, let plain):
            if plain, case let v = value, !(v.isString) { return .value(v) }
            do {
                let t = try Template.parse(string: text)
                return checkPath(TemplatePath.hiddenMember(in: t), what: "the template in \(what)") ? t : nil
            } catch let e as ExprError {
                error("bad template in \(what): \(e.message)", rule: "template",
                      hint: "holes look like {{user_id}} or {{user.role}}", at: location.offset(by: isQuoted ? e.offset + 1 : e.offset))
                return nil
            } catch {
                return nil
            }
        case .mapping:
            var out: [(String, Template)] = []
            for p in pairs ?? [] {
                guard let t = p.value.template(what) else { return nil }
                out.append((p.key, t))
            }
            return .object(out)
        case .sequence:
            var out: [Template] = []
            for i in items ?? [] {
                guard let t = i.template(what) else { return nil }
                out.append(t)
            }
            return .array(out)
        case .alias:
            return .value(.null)
        }
    }

    func condition(_ what: String) -> Condition? {
        guard let text = string(what) else { return nil }
        do {
            let expr = try ExprParser.parse(text)
            return checkPath(TemplatePath.hiddenMember(in: expr), what: "the condition in \(what)") ? Condition(source: text, expr: expr) : nil
        } catch let e as ExprError {
            error("bad condition in \(what): \(e.message)", rule: "condition",
                  hint: "conditions look like: token == 'bad', user.role != 'admin', q is None",
                  at: location.offset(by: isQuoted ? e.offset + 1 : e.offset))
            return nil
        } catch {
            return nil
        }
    }
}

extension Value {
    var isString: Bool { if case .string = self { return true } else { return false } }
}

/// Shared state of one load: the file name, its text (for snippets) and the diagnostics found so far.
final class LoadContext {
    let file: String
    let lines: [Substring]
    /// `aliases:` (`LimitedDB: Annotated[Session, Depends(get_db, max_concurrency=1)]`), read before anything
    /// that may use them: one declaration object, shared by every parameter typed with the alias.
    var aliases: [String: DependsSpec] = [:]
    /// The names `models:` declares, read before any parameter: `item: Item` is then that model's body.
    var modelNames: Set<String> = []
    private(set) var diagnostics: [Diagnostic] = []
    /// What was reported already: a set, so 10,000 errors do not compare 10,000 times each.
    private var reported: Set<String> = []

    init(file: String, text: String) {
        self.file = file
        self.lines = SourceLines.split(text)
    }

    func report(_ d: Diagnostic) {
        var d = d
        if d.snippet == nil, d.location.line > 0, d.location.line <= lines.count {
            d.snippet = String(lines[d.location.line - 1])
        }
        if reported.insert("\(d.location)|\(d.rule)|\(d.message)|\(d.hint ?? "")").inserted { diagnostics.append(d) }
    }
}

import Foundation

extension YNode {
    /// A template where dilab does not model an exception (a stream chunk, a lifespan step, an exception handler's
    /// body): a hole that could raise (`{{1 // 0}}`, `{{len(x)}}`) is refused by name rather than silently rendered.
    func inertTemplate(_ what: String) -> Template? {
        guard let t = template(what) else { return nil }
        guard !t.canRaise else {
            error("\(what) uses an operation that can raise (len, [...], + - * // %): an exception there is not modelled", rule: "template",
                  hint: "compute the value in a dependency or the handler, where its exception is modelled (see docs/not-modelled.md#exceptions-outside-a-callable)")
            return nil
        }
        return t
    }

    /// The same for a `when:` condition.
    func inertCondition(_ what: String) -> Condition? {
        guard let c = condition(what) else { return nil }
        guard !c.expr.canRaise else {
            error("\(what) uses an operation that can raise (len, [...], + - * // %): an exception there is not modelled", rule: "template",
                  hint: "compute the value in a dependency or the handler, where its exception is modelled (see docs/not-modelled.md#exceptions-outside-a-callable)")
            return nil
        }
        return c
    }
}
