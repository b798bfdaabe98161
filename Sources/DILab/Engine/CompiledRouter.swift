/// A route template split once, when the app is compiled: matching a request then splits only the request's
/// path, and percent-decodes a captured value only when it has something to decode.
/// Matching is `RouteMatcher.matchPath`'s, segment for segment.
public struct PathPattern: Sendable {
    enum Segment: Sendable {
        case literal(String)
        /// `{name}`: one non-empty segment.
        case param(String)
        /// `{name:path}`: the rest of the path, slashes included.
        case rest(String)
    }

    let segments: [Segment]

    public init(_ template: String) {
        segments = template.split(separator: "/", omittingEmptySubsequences: false).map { seg in
            guard seg.hasPrefix("{"), seg.hasSuffix("}") else { return .literal(String(seg)) }
            let parts = seg.dropFirst().dropLast().split(separator: ":")
            let name = parts.first.map(String.init) ?? ""
            return parts.count > 1 && parts[1] == "path" ? .rest(name) : .param(name)
        }
    }

    /// The path parameters when `path` (already split at `/`) matches, else nil.
    func match(_ p: [Substring]) -> PathValues? {
        var values: PathValues = [:]
        values.reserveCapacity(segments.count)
        var i = 0
        while i < segments.count {
            switch segments[i] {
            case .rest(let name):
                guard i < p.count else { return nil }
                values[name] = PathPattern.decode(p[i...].joined(separator: "/"))
                return values
            case .param(let name):
                guard i < p.count, !p[i].isEmpty else { return nil }
                values[name] = PathPattern.decode(String(p[i]))
            case .literal(let seg):
                guard i < p.count, p[i] == seg else { return nil }
            }
            i += 1
        }
        return i == p.count ? values : nil
    }

    /// `removingPercentEncodingLenient`, skipped when there is no `%` or `+` to act on.
    static func decode(_ s: String) -> String {
        s.utf8.contains(where: { $0 == 0x25 || $0 == 0x2B }) ? s.removingPercentEncodingLenient : s
    }

    static func split(_ path: String) -> [Substring] {
        // An ASCII path splits at its `/` bytes, which is what splitting its Characters gives; otherwise a `/`
        // followed by a combining mark is one Character that is no separator, so the general way is kept.
        guard path.utf8.allSatisfy({ $0 < 0x80 }) else { return path.split(separator: "/", omittingEmptySubsequences: false) }
        var out: [Substring] = []
        out.reserveCapacity(8)
        let bytes = path.utf8
        var start = bytes.startIndex
        var i = start
        while i != bytes.endIndex {
            if bytes[i] == UInt8(ascii: "/") {
                out.append(path[start..<i])
                start = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        out.append(path[start..<bytes.endIndex])
        return out
    }
}

/// A matched request's path parameters, in template order. A route has a few: a scan beats the dictionary they
/// were (a hash table allocated and every name hashed per request); a name bound twice reads as its last binding.
struct PathValues: ExpressibleByDictionaryLiteral {
    private var pairs: [(String, String)] = []

    init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { self[name] = value }
    }

    mutating func reserveCapacity(_ n: Int) { pairs.reserveCapacity(n) }

    subscript(name: String) -> String? {
        get { pairs.last { $0.0 == name }?.1 }
        set {
            pairs.removeAll { $0.0 == name }
            if let newValue { pairs.append((name, newValue)) }
        }
    }
}

/// A compiled route in the box the engine keeps: a request passes `box.value` on borrowed (`SharedBox`).
typealias RouteBox = SharedBox<CompiledRoute>
