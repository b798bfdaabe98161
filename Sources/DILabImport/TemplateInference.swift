import DILab

/// Turns what a callable was observed to produce, call by call, into one dilab template: a leaf equal to one of
/// the call's arguments becomes a `{{hole}}`, other leaves stay literal. Every candidate is rendered with
/// dilab's own `Template` against every observed call, so a template is kept only when it reproduces them all.
public enum TemplateInference {
    /// One observation: the callable's arguments (as its templates see them) and the value it produced.
    public struct Sample {
        public var env: [(String, Value)]
        public var value: Value
        public init(env: [(String, Value)], value: Value) { self.env = env; self.value = value }
    }

    /// The template (a YAML value whose strings may hold holes), and whether it reproduces every sample.
    public static func infer(_ samples: [Sample]) -> (template: Value, exact: Bool) {
        guard let first = samples.first else { return (.null, true) }
        let t = node(samples.map(\.value), envs: samples.map(\.env)) ?? TemplateText.literal(first.value)
        return (t, reproduces(t, samples))
    }

    public static func reproduces(_ template: Value, _ samples: [Sample]) -> Bool {
        guard let t = try? parse(template) else { return false }
        // A template whose rendering would raise (a hole Python refuses) reproduces nothing.
        return samples.allSatisfy { sample in
            guard let rendered = try? t.render(env(sample.env)) else { return false }
            return rendered == sample.value && sameKind(rendered, sample.value)
        }
    }

    static func env(_ pairs: [(String, Value)]) -> [String: Value] {
        Dictionary(pairs, uniquingKeysWith: { a, _ in a })
    }

    /// Value's == calls 1 and 1.0 equal; a template must give the JSON the app gave.
    static func sameKind(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int, .double), (.double, .int): return false
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(sameKind)
        case let (.object(x), .object(y)): return zip(x, y).allSatisfy { sameKind($0.1, $1.1) }
        default: return true
        }
    }

    static func parse(_ v: Value) throws -> Template {
        switch v {
        case .string(let s): return try Template.parse(string: s)
        case .array(let items): return .array(try items.map(parse))
        case .object(let pairs): return .object(try pairs.map { ($0.0, try parse($0.1)) })
        default: return .value(v)
        }
    }

    /// The template for the values at one position across samples, nil when none fits them all.
    static func node(_ values: [Value], envs: [[(String, Value)]]) -> Value? {
        let first = values[0]
        // A whole value that is one argument in every sample: `{{commons}}`. The candidates come from every
        // sample whose value is worth a hole (a null or an empty value equals too many things to say which).
        var tried: Set<[String]> = []
        for (value, env) in zip(values, envs) where worthAHole(value) {
            // A built-in (`@call`) equal to one value is a coincidence until a second call agrees.
            for path in paths(in: env, equalTo: value) where (values.count > 1 || !path[0].hasPrefix("@")) && tried.insert(path).inserted
                && zip(values, envs).allSatisfy({ v, e in lookup(path, in: e).map { $0 == v && sameKind($0, v) } ?? false }) {
                return .string("{{" + path.joined(separator: ".") + "}}")
            }
        }
        switch first {
        case .object(let pairs):
            let keys = pairs.map(\.0)
            guard values.allSatisfy({ if case .object(let p) = $0 { return p.map(\.0) == keys } else { return false } }) else { return nil }
            var out: [(String, Value)] = []
            for (i, k) in keys.enumerated() {
                let column = values.map { v -> Value in if case .object(let p) = v { return p[i].1 } else { return .null } }
                guard let t = node(column, envs: envs) else { return nil }
                out.append((k, t))
            }
            return .object(out)
        case .array(let items):
            guard values.allSatisfy({ if case .array(let a) = $0 { return a.count == items.count } else { return false } }) else { return nil }
            var out: [Value] = []
            for i in items.indices {
                let column = values.map { v -> Value in if case .array(let a) = v { return a[i] } else { return .null } }
                guard let t = node(column, envs: envs) else { return nil }
                out.append(t)
            }
            return .array(out)
        case .string(let s):
            // Text with an argument inside it: "user {{user_id}}", "Owner error: {{exc.message}}".
            for (path, arg) in textArguments(envs[0]) where (values.count > 1 || !path[0].hasPrefix("@")) && arg.count >= (values.count > 1 ? 1 : 3) && s.contains(arg) {
                let candidate = Value.string(s.components(separatedBy: arg).map(TemplateText.literal).joined(separator: "{{" + path.joined(separator: ".") + "}}"))
                if reproduces(candidate, zip(envs, values).map { Sample(env: $0, value: $1) }) { return candidate }
            }
            return values.allSatisfy { $0 == first } ? TemplateText.literal(first) : nil
        default:
            if values.allSatisfy({ $0 == first && sameKind($0, first) }) { return first }
            return lengthHole(values, envs: envs)
        }
    }

    /// A count that follows an argument's length in every sample (`{"count": "{{len(users)}}"}`): tried only once
    /// the values differ, since one equal count is a coincidence as likely as not.
    static func lengthHole(_ values: [Value], envs: [[(String, Value)]]) -> Value? {
        guard values.allSatisfy({ if case .int = $0 { return true } else { return false } }) else { return nil }
        func length(_ v: Value) -> Int? {
            switch v {
            case .array(let a): return a.count
            case .object(let o): return o.count
            case .string(let s): return s.count
            default: return nil
            }
        }
        var candidates: [[String]] = []
        for (name, v) in envs[0] where PythonName.isIdentifier(name) {
            candidates.append([name])
            if case .object(let pairs) = v {
                for (k, _) in pairs where PythonName.isIdentifier(k) && !k.hasPrefix("_") { candidates.append([name, k]) }
            }
        }
        for path in candidates where zip(values, envs).allSatisfy({ v, e in lookup(path, in: e).flatMap(length).map { .int($0) == v } ?? false }) {
            let candidate = Value.string("{{len(" + path.joined(separator: ".") + ")}}")
            if reproduces(candidate, zip(envs, values).map { Sample(env: $0, value: $1) }) { return candidate }
        }
        return nil
    }

    static func worthAHole(_ v: Value) -> Bool {
        switch v {
        case .null: return false
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        case .string(let s): return !s.isEmpty
        default: return true
        }
    }

    /// Paths (`user.name`, `items.0`) into the arguments whose value equals `target`, shortest first.
    static func paths(in env: [(String, Value)], equalTo target: Value) -> [[String]] {
        var found: [[String]] = []
        func walk(_ v: Value, _ path: [String], depth: Int) {
            if v == target && sameKind(v, target) { found.append(path) }
            guard depth < 3 else { return }
            switch v {
            case .object(let pairs):
                for (k, child) in pairs where PythonName.isIdentifier(k) && !k.hasPrefix("_") { walk(child, path + [k], depth: depth + 1) }
            case .array(let items):
                for (i, child) in items.enumerated().prefix(20) { walk(child, path + [String(i)], depth: depth + 1) }
            default: break
            }
        }
        for (name, v) in env where isRoot(name) { walk(v, [name], depth: 0) }
        return found.sorted { $0.count < $1.count }
    }

    /// Top-level arguments and their fields, as the text a hole interpolates them (the engine's own `text`: a
    /// dict or list as JSON, as the export's `text()` writes a dependency's value into an f-string).
    static func textArguments(_ env: [(String, Value)]) -> [([String], String)] {
        var out: [([String], String)] = []
        func add(_ v: Value, _ path: [String]) {
            switch v {
            case .null: break
            case .string(let s) where s.isEmpty: break
            default:
                guard ScenarioWriter.opaqueType(in: v) == nil else { break }
                out.append((path, v.text))
            }
        }
        for (name, v) in env where isRoot(name) {
            add(v, [name])
            if case .object(let pairs) = v { for (k, child) in pairs where PythonName.isIdentifier(k) && !k.hasPrefix("_") { add(child, [name, k]) } }
        }
        return out.sorted { $0.1.count > $1.1.count }
    }

    /// A parameter, or a built-in in its `@` spelling.
    static func isRoot(_ name: String) -> Bool {
        PythonName.isIdentifier(name) || (name.hasPrefix("@") && PythonName.isIdentifier(String(name.dropFirst())))
    }

    static func lookup(_ path: [String], in env: [(String, Value)]) -> Value? {
        guard let root = env.first(where: { $0.0 == path[0] })?.1 else { return nil }
        return path.dropFirst().reduce(Optional(root)) { v, k in v?[k] }
    }
}
