/// How large an event can get once rendered, without rendering it: serve keeps every event of its retained traces
/// with each string cut to a limit, and an event whose whole rendering is known to fit needs no cut, so it is kept
/// as the engine recorded it and rendered only if someone reads it (a shown log line, a trace fetched).
extension TraceEvent {
    /// An upper bound of the bytes of `detail` plus every `data` key and value once rendered, or nil when that
    /// bound passes `limit` (the event may need cutting: render it). The subject is not included.
    public func renderedBound(limit: Int) -> Int? {
        var b = RenderBound(limit: limit)
        payload.bound(into: &b)
        return b.total <= limit ? b.total : nil
    }
}

extension Value {
    /// An upper bound of the bytes of `json`, or nil when it passes `limit`.
    public func jsonBound(limit: Int) -> Int? {
        var b = RenderBound(limit: limit)
        b.value(self)
        return b.over ? nil : b.total
    }
}

/// A running upper bound that stops counting once past its limit.
struct RenderBound {
    let limit: Int
    var total = 0
    var over: Bool { total > limit }

    /// Literal text around the values ("cached value for key ", the data keys…): a generous constant per event.
    static let literals = 128

    mutating func add(_ n: Int) { total += n }
    /// A string as it is, or quoted and escaped as JSON (at most 6 bytes per byte: `\u001f`).
    mutating func text(_ s: String, times: Int = 1) { total += s.utf8.count * times }
    mutating func quoted(_ s: String, times: Int = 1) { total += (6 * s.utf8.count + 2) * times }

    /// A value's JSON (or repr), counted twice when the detail and the data both show it. Walked without recursion,
    /// stopping once past the limit; a scalar needs no work list.
    mutating func value(_ v: Value, times: Int = 1) {
        guard !over else { return }
        var sum = 0
        var stack: [Value] = []
        var next: Value? = v
        while let item = next {
            switch item {
            case .null, .bool, .int, .double: sum += 33
            case .string(let s): sum += 6 * s.utf8.count + 3
            case .array(let items):
                sum += 2
                stack += items
            case .object(let pairs):
                sum += 2
                for (k, child) in pairs {
                    sum += 6 * k.utf8.count + 4
                    stack.append(child)
                }
            }
            if total + sum * times > limit { total = limit + 1; return }
            next = stack.popLast()
        }
        total += sum * times
    }

    /// Named values (`name=json`): a task's arguments, or every value a callable was passed (a superset of the
    /// arguments its detail shows).
    mutating func named(_ pairs: some Sequence<(String, Value)>) {
        for (name, v) in pairs {
            guard !over else { return }
            total += name.utf8.count + 3
            value(v)
        }
    }
}

extension EventPayload {
    /// Adds to `b` at most what `detail` and `data` render to (see `TraceEvent.renderedBound`).
    func bound(into b: inout RenderBound) {
        b.add(RenderBound.literals)
        switch self {
        case .plain(let detail, let data):
            b.text(detail)
            for (k, v) in data { b.text(k); b.text(v) }
        case .note(let detail, let q):
            b.text(detail)
            b.text(q)
        case .request(let headers):
            for (name, v) in headers { b.text(name); b.text(v); b.add(4) }
        case .call(_, let values, let value, let key, let level):
            b.named(values.lazy.map { ($0.key, $0.value) })
            b.value(value, times: 2)
            b.text(key.description, times: 2)
            b.text(level)
        case .enter(_, let values, let value, let scope, _, let key, let level):
            b.named(values.lazy.map { ($0.key, $0.value) })
            b.value(value, times: 2)
            b.text(scope, times: 2)
            b.text(key.description, times: 2)
            b.text(level)
        case .cacheHit(let key, let value, let override):
            b.text(key.description, times: 2)
            b.value(value)
            if let override { b.text(override) }
        case .lruHit(let value):
            b.value(value, times: 2)
        case .scheme(let kind, let header, let value):
            b.text(kind.rawValue)
            b.text(header)
            b.value(value, times: 2)
        case .handler(_, let values):
            b.named(values.lazy.map { ($0.key, $0.value) })
        case .taskAdd(let owner, let args):
            b.text(owner)
            b.named(args)
        case .taskStart(let args):
            b.named(args)
        case .response(_, let body, _, let headers):
            body.bound(into: &b, times: 2)
            for (name, v) in headers { b.quoted(name); b.quoted(v); b.add(2) }
        case .status(let detail, _):
            b.text(detail)
        case .chunk(let piece):
            b.text(piece, times: 2)
        case .validation(let error):
            b.value(error, times: 3)
        case .exit(let label, let when, let scope):
            b.text(label)
            b.text(when)
            b.text(scope)
        }
    }
}
