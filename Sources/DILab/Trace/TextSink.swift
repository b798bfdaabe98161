/// Where trace text is written: a `String` (`Value.json`, one `line`), or the byte buffer a whole request's text
/// trace is written into and decoded from once. One writer serves both, so their bytes cannot drift apart.
protocol TextSink {
    mutating func write(_ s: String)
    /// A run of a string (the unescaped stretches of a quoted JSON string), without making a `String` of it.
    mutating func write(_ s: Substring)
    /// One ASCII byte (a bracket, a comma): the common case, far cheaper into bytes than a `String` append.
    mutating func write(ascii byte: UInt8)
    /// `n` spaces (none for n <= 0).
    mutating func writeSpaces(_ n: Int)
    /// Trailing spaces off the end (a line whose last columns are empty).
    mutating func dropTrailingSpaces()
}

extension String: TextSink {
    mutating func write(_ s: String) { self += s }
    mutating func write(_ s: Substring) { self += s }
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

/// A text trace's UTF-8 as it is written, in one `ManagedBuffer` block: an append is a capacity compare and a
/// copy, with none of `String`'s per-append bookkeeping nor `Array`'s generic append path.
///
/// The only unsafe code is here, and each pointer stays inside the block by construction: `reserve(n)` makes
/// `count + n <= capacity` before any write of `n` bytes at `count`, reads cover `0..<count` only, and the block
/// is written only when this value holds the sole reference to it (a copy of a `TextBytes` copies on its next write).
struct TextBytes: TextSink {
    /// Bytes written so far, and the capacity asked of `create` (the block's real one is at least that).
    private struct Header {
        var count: Int
        var capacity: Int
    }

    private var block: ManagedBuffer<Header, UInt8>

    init(capacity: Int) { block = TextBytes.make(capacity: capacity) }

    private static func make(capacity: Int) -> ManagedBuffer<Header, UInt8> {
        let capacity = max(capacity, 16)
        return ManagedBuffer<Header, UInt8>.create(minimumCapacity: capacity) { _ in Header(count: 0, capacity: capacity) }
    }

    var count: Int { block.header.count }

    /// Makes room for `n` more bytes in a block this value owns alone: a new block (doubled) when full or shared.
    private mutating func reserve(_ n: Int) {
        let header = block.header
        if header.capacity - header.count >= n, isKnownUniquelyReferenced(&block) { return }
        let grown = TextBytes.make(capacity: max(2 * header.capacity, header.count + n))
        block.withUnsafeMutablePointerToElements { old in
            grown.withUnsafeMutablePointerToElements { $0.initialize(from: old, count: header.count) }
        }
        grown.header.count = header.count
        block = grown
    }

    /// Copies `bytes` in at the end: the one place a run of bytes is written.
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        let count = block.header.count
        block.withUnsafeMutablePointerToElements { ($0 + count).initialize(from: base, count: bytes.count) }
        block.header.count = count + bytes.count
    }

    mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    mutating func write(_ s: Substring) {
        var s = s
        s.withUTF8 { append($0) }
    }

    mutating func write(ascii byte: UInt8) {
        reserve(1)
        let count = block.header.count
        block.withUnsafeMutablePointerToElements { ($0 + count).initialize(to: byte) }
        block.header.count = count + 1
    }

    mutating func writeSpaces(_ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        let count = block.header.count
        block.withUnsafeMutablePointerToElements { ($0 + count).initialize(repeating: UInt8(ascii: " "), count: n) }
        block.header.count = count + n
    }

    /// `String.dropTrailingSpaces`, on the bytes (only the count moves: nothing is written).
    mutating func dropTrailingSpaces() {
        var count = block.header.count
        block.withUnsafeMutablePointerToElements { p in
            while count > 0, p[count - 1] == UInt8(ascii: " ") { count -= 1 }
        }
        if count != block.header.count { reserve(0); block.header.count = count }
    }

    /// The bytes written, in order (tests).
    var bytes: [UInt8] {
        block.withUnsafeMutablePointerToElements { Array(UnsafeBufferPointer(start: $0, count: block.header.count)) }
    }

    /// The text: every byte came from a `String` or is ASCII, so the decoding never repairs anything.
    var string: String {
        block.withUnsafeMutablePointerToElements { String(decoding: UnsafeBufferPointer(start: $0, count: block.header.count), as: UTF8.self) }
    }
}
