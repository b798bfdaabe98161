/// Header names compare case-insensitively on every parameter read; most are ASCII, so the comparison walks the
/// bytes instead of building two lowercased strings per header per read.
extension String {
    /// `lowercased() == other.lowercased()`, without allocating when both are ASCII (the general way otherwise).
    func equalsIgnoringCase(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        var i = a.makeIterator(), j = b.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                guard x < 0x80, y < 0x80 else { return lowercased() == other.lowercased() }
                if x == y { continue }
                let lx = x &+ (x >= 0x41 && x <= 0x5A ? 0x20 : 0), ly = y &+ (y >= 0x41 && y <= 0x5A ? 0x20 : 0)
                if lx != ly { return false }
            default:
                // Different lengths: equal only if a non-ASCII rest could lowercase to the same text.
                return a.contains(where: { $0 >= 0x80 }) || b.contains(where: { $0 >= 0x80 }) ? lowercased() == other.lowercased() : false
            }
        }
    }
}
