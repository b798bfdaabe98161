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

    /// At most what `string` renders to, `times` over (see `RenderBound`).
    func bound(into b: inout RenderBound, times: Int) {
        switch self {
        case .text(let s): b.text(s, times: times)
        case .json(let v): b.value(v, times: times)
        }
    }
}
