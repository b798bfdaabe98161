/// Where trace text is written: a `String` (`Value.json`, one `line`), or the byte buffer a whole request's text
/// trace is written into and decoded from once. One writer serves both, so their bytes cannot drift apart.
protocol TextSink {
    mutating func write(_ s: String)
    /// One ASCII byte (a bracket, a comma): the common case, far cheaper into bytes than a `String` append.
    mutating func write(ascii byte: UInt8)
    /// `n` spaces (none for n <= 0).
    mutating func writeSpaces(_ n: Int)
    /// Trailing spaces off the end (a line whose last columns are empty).
    mutating func dropTrailingSpaces()
}

extension String: TextSink {
    mutating func write(_ s: String) { self += s }
    /// One small (inline, allocation-free) ASCII string appended: `unicodeScalars.append` took ~230 instructions a byte.
    mutating func write(ascii byte: UInt8) {
        if byte < 0x80 { self += String.asciiStrings[Int(byte)] } else { unicodeScalars.append(Unicode.Scalar(byte)) }
    }
    mutating func writeSpaces(_ n: Int) { appendSpaces(n) }
}

extension String {
    /// Each ASCII byte as a one-byte string, made once (small strings: no allocation to append).
    static let asciiStrings: [String] = (0..<128).map { String(decoding: CollectionOfOne(UInt8($0)), as: UTF8.self) }
}

/// A text trace's UTF-8 as it is written: appends are a capacity check and a copy, with none of `String`'s
/// per-append bookkeeping (a fifth-pass profile had `_StringGuts.append` and friends at ~20% of rendering).
struct TextBytes: TextSink {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func write(ascii byte: UInt8) { bytes.append(byte) }

    mutating func writeSpaces(_ n: Int) {
        guard n > 0 else { return }
        if n <= TextBytes.spaces.count {
            TextBytes.spaces.withUnsafeBufferPointer { bytes.append(contentsOf: $0.prefix(n)) }
        } else {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n))
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// `String.dropTrailingSpaces`, on the bytes.
    mutating func dropTrailingSpaces() {
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
    }

    /// The text: every byte came from a `String` or is ASCII, so the decoding never repairs anything.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}
