/// A response body's text as the client got it: given as it is (plain text, a stream's chunks joined), or the
/// JSON of the body's value, written only when read. A simulated request nobody prints never encodes its body
/// (the sixth pass's profile had the eager `Value.json` of each response at 8% of the engine).
public enum ResponseText: Sendable {
    case text(String)
    case json(Value)

    /// The text: `Value.json` of a JSON body, each time it is read (a value type; nothing cached to share).
    public var string: String {
        switch self {
        case .text(let s): return s
        case .json(let v): return v.json
        }
    }

    /// `string` written into `out` without building it first.
    func write<Sink: TextSink>(to out: inout Sink) {
        switch self {
        case .text(let s): out.write(s)
        case .json(let v): v.writeJSON(to: &out)
        }
    }

    /// Exactly what `string` renders to, `times` over, as the eager text counted (see `RenderBound`): serve's
    /// retention and byte budget see the same sizes whichever form the body is in.
    func bound(into b: inout RenderBound, times: Int) {
        switch self {
        case .text(let s): b.text(s, times: times)
        case .json(let v):
            var size = ByteCount()
            v.writeJSON(to: &size)
            b.add(size.count * times)
        }
    }
}

/// A sink that counts the bytes written instead of keeping them: the size of a text without making it.
struct ByteCount: TextSink {
    private(set) var count = 0
    /// Spaces at the end of what was written, for `dropTrailingSpaces`.
    private var trailing = 0

    mutating func write(_ s: String) { add(s.utf8) }
    mutating func write(_ s: Substring) { add(s.utf8) }

    private mutating func add<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) {
        let n = bytes.count
        guard n > 0 else { return }
        var spaces = 0
        for b in bytes.reversed() { if b == UInt8(ascii: " ") { spaces += 1 } else { break } }
        trailing = spaces == n ? trailing + n : spaces
        count += n
    }

    mutating func write(ascii byte: UInt8) {
        count += 1
        trailing = byte == UInt8(ascii: " ") ? trailing + 1 : 0
    }

    mutating func writeSpaces(_ n: Int) {
        guard n > 0 else { return }
        count += n
        trailing += n
    }

    mutating func dropTrailingSpaces() {
        count -= trailing
        trailing = 0
    }
}
