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
/// copy, with none of `String`'s per-append bookkeeping nor `Array`'s generic append path. The count and the
/// capacity live in this value, not in the block's header: a class's stored header is a dynamic exclusivity
/// check at every access (`swift_beginAccess`, 18% of a text-trace run when they lived there).
///
/// The only unsafe code is here, and each pointer stays inside the block by construction: `reserve(n)` makes
/// `count + n <= capacity` before any write of `n` bytes at `count`, reads cover `0..<count` only, and the block
/// is written only when this value holds the sole reference to it (a copy of a `TextBytes` copies on its next write).
struct TextBytes: TextSink {
    private var block: ManagedBuffer<Void, UInt8>
    /// Bytes written so far (`0..<count` of the block are initialized).
    private(set) var count = 0
    /// The capacity asked of `create` (the block's real one is at least that).
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        block = TextBytes.make(capacity: self.capacity)
    }

    private static func make(capacity: Int) -> ManagedBuffer<Void, UInt8> {
        ManagedBuffer<Void, UInt8>.create(minimumCapacity: capacity) { _ in }
    }

    /// Makes room for `n` more bytes in a block this value owns alone: a new block (doubled) when full or shared.
    private mutating func reserve(_ n: Int) {
        if capacity - count >= n, isKnownUniquelyReferenced(&block) { return }
        let grown = max(2 * capacity, count + n)
        let copy = TextBytes.make(capacity: grown)
        let count = self.count
        block.withUnsafeMutablePointerToElements { old in
            copy.withUnsafeMutablePointerToElements { $0.initialize(from: old, count: count) }
        }
        block = copy
        capacity = grown
    }

    /// Copies `bytes` in at the end: the one place a run of bytes is written.
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        let count = self.count
        block.withUnsafeMutablePointerToElements { ($0 + count).initialize(from: base, count: bytes.count) }
        self.count = count + bytes.count
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
        let count = self.count
        block.withUnsafeMutablePointerToElements { ($0 + count).initialize(to: byte) }
        self.count = count + 1
    }

    mutating func writeSpaces(_ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        let count = self.count
        block.withUnsafeMutablePointerToElements { ($0 + count).initialize(repeating: UInt8(ascii: " "), count: n) }
        self.count = count + n
    }

    /// `String.dropTrailingSpaces`, on the bytes (only this value's count moves: the block is not written).
    mutating func dropTrailingSpaces() {
        var count = self.count
        block.withUnsafeMutablePointerToElements { p in
            while count > 0, p[count - 1] == UInt8(ascii: " ") { count -= 1 }
        }
        self.count = count
    }

    /// The bytes written, in order (tests).
    var bytes: [UInt8] {
        block.withUnsafeMutablePointerToElements { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// The text: every byte came from a `String` or is ASCII, so the decoding never repairs anything.
    var string: String {
        block.withUnsafeMutablePointerToElements { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
    }
}
