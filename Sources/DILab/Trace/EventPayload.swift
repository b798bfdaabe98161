/// What an event says, kept as the facts the engine had at hand: the values themselves, the parameters they
/// were passed as, the cache key. `TraceEvent.detail` and `TraceEvent.data` are rendered from it only when a
/// door reads them, so a simulated request that nobody prints costs no JSON encoding and no string building.
///
/// Every case renders exactly the text and data the engine used to build eagerly; `plain` holds events made
/// from text (outside the engine, or after a consumer edited `detail`/`data`).
enum EventPayload: Sendable {
    /// Text and data as given.
    case plain(detail: String, data: [String: String])
    /// A detail text and a qualifier (`data` is `["q": q]`, or empty when `q` is).
    case note(String, q: String)
    /// `request`: the request's headers, `Name: value, …`.
    case request(headers: [(String, String)])
    /// A plain dependency called: `(args) → value`.
    case call(params: [Param], values: [String: Value], value: Value, key: CacheKey, level: String)
    /// A yield dependency run to its `yield`: `(args) yields value · scope=…`.
    case enter(params: [Param], values: [String: Value], value: Value, scope: String, showScope: Bool, key: CacheKey, level: String)
    /// A value served from the per-request cache.
    case cacheHit(key: CacheKey, value: Value, override: String?)
    /// An `lru_cache` provider called again: its body does not run.
    case lruHit(Value)
    /// A security scheme read its header.
    case scheme(SecurityScheme.Kind, header: String, value: Value)
    /// The handler called with its arguments.
    case handler(params: [Param], values: [String: Value])
    /// A background task added, with its arguments.
    case taskAdd(owner: String, args: [(String, Value)])
    /// A background task started, with its arguments.
    case taskStart(args: [(String, Value)])
    /// A complete response: the body as sent, and the headers the app set so far.
    case response(status: Int, body: ResponseText, isJSON: Bool, headers: [(String, String)])
    /// A `sent` event (or any event whose data is just the status).
    case status(detail: String, status: Int)
    /// One streamed chunk.
    case chunk(String)
    /// A validation error object: its message is the detail, its type the qualifier.
    case validation(Value)
    /// A yield dependency's cleanup.
    case exit(label: String, when: String, scope: String)

    /// The explanation, as `appendDetail` writes it (the text-carrying cases hand their text over as it is).
    var detail: String {
        switch self {
        case .plain(let detail, _), .note(let detail, _), .status(let detail, _): return detail
        case .response(_, let body, _, _): return body.string
        case .chunk(let piece): return piece
        default:
            var s = ""
            appendDetail(to: &s)
            return s
        }
    }

    /// `detail` appended to `out`: the argument lists and values go straight into the caller's buffer. The one
    /// place each case's text is written.
    func appendDetail<Sink: TextSink>(to out: inout Sink) {
        switch self {
        case .plain(let detail, _), .note(let detail, _), .status(let detail, _): out.write(detail)
        case .request(let headers):
            var first = true
            for (name, value) in headers {
                if !first { out.write(", ") }
                first = false
                out.write(name)
                out.write(": ")
                out.write(value)
            }
        case .call(let params, let values, let value, _, _):
            out.write(ascii: UInt8(ascii: "("))
            EventPayload.appendArgs(params, values, to: &out)
            out.write(") → ")
            value.writeJSON(to: &out)
        case .enter(let params, let values, let value, let scope, let showScope, _, _):
            out.write(ascii: UInt8(ascii: "("))
            EventPayload.appendArgs(params, values, to: &out)
            out.write(") yields ")
            value.writeJSON(to: &out)
            if showScope { out.write(" · scope="); out.write(scope) }
        case .cacheHit(let key, _, let override):
            out.write("cached value for key ")
            out.write(key.description)
            if let override { out.write(" (override "); out.write(override); out.write(ascii: UInt8(ascii: ")")) }
        case .lruHit(let value):
            out.write("lru_cache hit: FastAPI calls it, the body does not run → ")
            value.writeJSON(to: &out)
        case .scheme(let kind, let header, let value):
            out.write(kind.rawValue)
            out.write(" reads ")
            out.write(header)
            out.write(" → ")
            value.writeJSON(to: &out)
        case .handler(let params, let values):
            out.write(ascii: UInt8(ascii: "("))
            EventPayload.appendArgs(params, values, to: &out)
            out.write(ascii: UInt8(ascii: ")"))
        case .taskAdd(let owner, let args):
            out.write("added by ")
            out.write(owner)
            if !args.isEmpty { out.write(" ("); EventPayload.appendDescription(args, to: &out); out.write(ascii: UInt8(ascii: ")")) }
        case .taskStart(let args):
            if !args.isEmpty { out.write(ascii: UInt8(ascii: "(")); EventPayload.appendDescription(args, to: &out); out.write(ascii: UInt8(ascii: ")")) }
        case .response(_, let body, _, _): body.write(to: &out)
        case .chunk(let piece): out.write(piece)
        case .validation(let error): out.write(error["msg"]?.text ?? "")
        case .exit(let label, let when, _):
            out.write("cleanup (")
            out.write(label)
            out.write("), ")
            out.write(when)
        }
    }

    /// The qualifier of `compact` (`data["q"]`), without building the data.
    var q: String? {
        switch self {
        case .plain(_, let data): return data["q"]
        case .note(_, let q): return q.isEmpty ? nil : q
        case .lruHit: return "lru_cache-hit"
        case .validation(let error):
            let q = error["type"]?.text ?? ""
            return q.isEmpty ? nil : q
        default: return nil
        }
    }

    var data: [String: String] {
        switch self {
        case .plain(_, let data): return data
        case .note(_, let q): return q.isEmpty ? [:] : ["q": q]
        case .request, .handler, .taskAdd, .taskStart: return [:]
        case .call(_, _, let value, let key, let level):
            return ["value": value.json, "key": key.description, "level": level]
        case .enter(_, _, let value, let scope, _, let key, let level):
            return ["value": value.json, "scope": scope, "key": key.description, "level": level]
        case .cacheHit(let key, let value, _): return ["key": key.description, "value": value.json]
        case .lruHit(let value): return ["value": value.json, "q": "lru_cache-hit"]
        case .scheme(_, _, let value): return ["value": value.json]
        case .response(let status, let body, let isJSON, let headers):
            return ["status": String(status), "body": body.string, "json": isJSON ? "true" : "false",
                    "headers": Value.object(headers.map { ($0.0, .string($0.1)) }).json]
        case .status(_, let status): return ["status": String(status)]
        case .chunk(let piece): return ["chunk": piece]
        case .validation(let error):
            var data = ["error": error.json]
            if let q { data["q"] = q }
            return data
        case .exit(_, _, let scope): return ["scope": scope]
        }
    }

    /// `name=json, …` for the parameters that have a value, in signature order.
    static func appendArgs<Sink: TextSink>(_ params: [Param], _ values: [String: Value], to s: inout Sink) {
        var first = true
        for p in params {
            guard let v = values[p.name] else { continue }
            if !first { s.write(", ") }
            first = false
            s.write(p.name)
            s.write(ascii: UInt8(ascii: "="))
            v.writeJSON(to: &s)
        }
    }

    /// `name=json, …` for a task's arguments, in order.
    static func appendDescription<Sink: TextSink>(_ args: [(String, Value)], to out: inout Sink) {
        var first = true
        for (name, value) in args {
            if !first { out.write(", ") }
            first = false
            out.write(name)
            out.write(ascii: UInt8(ascii: "="))
            value.writeJSON(to: &out)
        }
    }
}

extension TraceEvent {
    /// An event the engine records as facts; its text is rendered when read.
    init(t: Int, request: Int?, kind: Kind, subject: String, payload: EventPayload, depth: Int, thread: Thread?) {
        self.t = t
        self.request = request
        self.kind = kind
        self.subject = subject
        self.payload = payload
        self.depth = depth
        self.thread = thread
    }
}

extension Value {
    /// Appends `json` to `out` without building intermediate strings.
    public func appendJSON(to out: inout String) { writeJSON(to: &out) }

    /// `json` written to any sink (a `String`, or a text trace's bytes): one writer, so both are the same bytes.
    func writeJSON<Sink: TextSink>(to out: inout Sink) {
        switch self {
        case .null: out.write("null")
        case .bool(let b): out.write(b ? "true" : "false")
        case .int(let i): out.write(String(i))
        case .double(let d): out.write(Value.pythonFloat(d))
        case .string(let s): Value.appendQuoted(s, to: &out)
        case .array(let items):
            out.write(ascii: UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.write(ascii: UInt8(ascii: ",")) }
                first = false
                item.writeJSON(to: &out)
            }
            out.write(ascii: UInt8(ascii: "]"))
        case .object(let pairs):
            out.write(ascii: UInt8(ascii: "{"))
            var first = true
            for (k, v) in pairs {
                if !first { out.write(ascii: UInt8(ascii: ",")) }
                first = false
                Value.appendQuoted(k, to: &out)
                out.write(ascii: UInt8(ascii: ":"))
                v.writeJSON(to: &out)
            }
            out.write(ascii: UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal of `s` appended to `out` (what `quote` returns); a string with nothing to escape is copied whole, one with escapes is written
    /// in place, its runs between escapes as they are (every escaped byte is ASCII, so a run never splits a scalar).
    static func appendQuoted<Sink: TextSink>(_ s: String, to out: inout Sink) {
        out.write(ascii: UInt8(ascii: "\""))
        let utf8 = s.utf8
        func escaped(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }
        // A native string is scanned through its contiguous bytes (a pointer loop, not index-by-index).
        let clean = utf8.withContiguousStorageIfAvailable { !$0.contains(where: escaped) } ?? !utf8.contains(where: escaped)
        guard !clean, let first = utf8.firstIndex(where: escaped) else {
            out.write(s)
            out.write(ascii: UInt8(ascii: "\""))
            return
        }
        var run = utf8.startIndex
        var i = first
        while i != utf8.endIndex {
            let b = utf8[i]
            if escaped(b) {
                if run != i { out.write(s[run..<i]) }
                writeEscape(b, to: &out)
                run = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        if run != utf8.endIndex { out.write(s[run...]) }
        out.write(ascii: UInt8(ascii: "\""))
    }

    /// One escaped byte: `\"`, `\\`, `\n`, `\r`, `\t`, else `\u00xx` (lowercase hex).
    private static func writeEscape<Sink: TextSink>(_ b: UInt8, to out: inout Sink) {
        out.write(ascii: UInt8(ascii: "\\"))
        switch b {
        case 0x22, 0x5C: out.write(ascii: b)
        case 0x0A: out.write(ascii: UInt8(ascii: "n"))
        case 0x0D: out.write(ascii: UInt8(ascii: "r"))
        case 0x09: out.write(ascii: UInt8(ascii: "t"))
        default:
            func hex(_ d: UInt8) -> UInt8 { d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10 }
            out.write("u00")
            out.write(ascii: hex(b >> 4))
            out.write(ascii: hex(b & 0x0F))
        }
    }
}
