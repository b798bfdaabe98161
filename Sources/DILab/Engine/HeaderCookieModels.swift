/// `Annotated[CommonHeaders, Header()]` and `Annotated[Cookies, Cookie()]` (FastAPI 0.115+): the model is validated
/// over one dict built from the request — each field's value under the field's name, then every header or cookie
/// no field reads (what `extra: forbid` rejects). Header fields are read by their hyphenated names
/// (`save_data` ← `save-data`; a `save_data` header is dropped). How the dict is built differs by profile:
/// 0.115/0.120 put a missing field's non-None default in it, keep the last value of a repeated extra header and
/// locate errors by field name; the latest profile leaves missing fields out, keeps a repeated extra as a list and
/// locates errors by header name (`["header","save-data"]`).
extension RequestValues {
    func headerModel(_ model: BodyModel) -> (Value, [Value]) {
        let headers = appHeaders()
        var input: [(String, Value)] = []
        var processed: Set<String> = []
        var renamed: [String: String] = [:]
        for f in model.fields {
            let key = f.name.replacingOccurrences(of: "_", with: "-")
            let values = headers.filter { $0.0 == key }.map { Value.string($0.1) }
            let given: Value? = f.type.isSequence ? (values.isEmpty ? nil : .array(values)) : values.first
            if let given { input.append((f.name, given)) } else if let d = missingDefault(f) { input.append((f.name, d)) }
            processed.insert(key)
            processed.insert(f.name)
            if key != f.name, profile.headerModelLocatesByHeaderName { renamed[f.name] = key }
        }
        input += extras(headers.filter { !processed.contains($0.0) }, grouped: profile.headerModelGroupsRepeatedExtras)
        let (v, errors) = validateModel(.object(input), model, loc: [.string("header")])
        return (v, renamed.isEmpty ? errors : errors.map { relocated($0, renamed) })
    }

    func cookieModel(_ model: BodyModel) -> (Value, [Value]) {
        let jar = extras(cookies, grouped: false)  // `request.cookies` is a dict: first place, last value
        var input: [(String, Value)] = []
        for f in model.fields {
            if let given = jar.first(where: { $0.0 == f.name })?.1 { input.append((f.name, given)) } else if let d = missingDefault(f) { input.append((f.name, d)) }
        }
        input += jar.filter { pair in !model.fields.contains { $0.name == pair.0 } }
        return validateModel(.object(input), model, loc: [.string("cookie")])
    }

    /// 0.115/0.120's `_get_multidict_value` hands a missing optional field its default (left in the dict unless None).
    func missingDefault(_ f: ModelField) -> Value? {
        guard profile.paramModelFillsDefaults, let d = f.defaultValue, d != .null else { return nil }
        return d
    }

    /// Pairs as a dict: each name once, at its first place; a repeated name's values as a list when `grouped`,
    /// else its last value.
    func extras(_ pairs: [(String, String)], grouped: Bool) -> [(String, Value)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for (k, v) in pairs {
            if values[k] == nil { order.append(k) }
            values[k, default: []].append(v)
        }
        return order.map { k in
            let vs = values[k]!
            return (k, grouped && vs.count > 1 ? .array(vs.map(Value.string)) : .string(vs.last!))
        }
    }

    /// The headers as the server hands them to the app, every occurrence, names lower-cased: `host` unless the
    /// request names one, the request's own, its cookies as one `cookie` header, a JSON body's `content-type` and
    /// `content-length` (what `Request` shows too, see RequestObject.swift).
    func appHeaders() -> [(String, String)] {
        var out = request.headers.map { ($0.0.lowercased(), $0.1) }
        func add(_ k: String, _ v: String, first: Bool = false) {
            guard !out.contains(where: { $0.0 == k }) else { return }
            if first { out.insert((k, v), at: 0) } else { out.append((k, v)) }
        }
        add("host", "testserver", first: true)
        if !request.cookies.isEmpty { add("cookie", request.cookies.map { "\($0.0)=\($0.1)" }.joined(separator: "; ")) }
        if let raw = request.rawBody {
            add("content-length", String(raw.count))
        } else if let body = request.body {
            add("content-type", "application/json")
            add("content-length", String(body.json.utf8.count))
        }
        return out
    }

    func relocated(_ error: Value, _ renamed: [String: String]) -> Value {
        guard case .object(var pairs) = error, let i = pairs.firstIndex(where: { $0.0 == "loc" }),
              case .array(var loc) = pairs[i].1, loc.count > 1, case .string(let name) = loc[1], let header = renamed[name] else { return error }
        loc[1] = .string(header)
        pairs[i].1 = .array(loc)
        return .object(pairs)
    }
}

extension FieldType {
    /// `list[str]`, `Optional[List[str]]`: read from every occurrence of a header.
    var isSequence: Bool {
        switch self {
        case .list: return true
        case .optional(let inner): return inner.isSequence
        default: return false
        }
    }
}

extension Profile {
    /// Header models locate an error by the header's name (`save-data`) on the latest profile, by the field's on 0.115/0.120.
    var headerModelLocatesByHeaderName: Bool { self == .latest }
    /// A repeated header no field reads: a list on the latest profile, its last value on 0.115/0.120.
    var headerModelGroupsRepeatedExtras: Bool { self == .latest }
    /// 0.115/0.120 put a missing field's default into a parameter model's input dict.
    var paramModelFillsDefaults: Bool { self == .v0_115 || self == .v0_120 }
}

import Foundation
