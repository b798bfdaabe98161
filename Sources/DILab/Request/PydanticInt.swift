/// pydantic-core's lax str → int (pydantic 2.14.4, core 2.50.5, the same on every profile): surrounding whitespace
/// stripped, one sign, ASCII digits with single underscores between them, and a fractional part of zeros only
/// (`"1.0"` and `"1_0.00"` are ints, `"1."`, `"1.01"`, `"1e3"` and `"0x10"` are not). Observed with TypeAdapter(int)
/// and through a query parameter; see docs/beyond-the-spec.md.
enum PydanticInt {
    static func parse(_ text: String) -> Int? {
        if let plain = plainDecimal(text) { return plain }
        var s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if let first = s.first, first == "+" || first == "-" {
            negative = first == "-"
            s = s.dropFirst()
        }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0 == "0" }) else { return nil }
        }
        let whole = parts[0]
        guard let first = whole.first, let last = whole.last, isDigit(first), isDigit(last), !whole.contains("__") else { return nil }
        guard whole.allSatisfy({ isDigit($0) || $0 == "_" }) else { return nil }
        // Python's ints are unbounded; a value beyond 64 bits is not one dilab can hold (nil: refused as unparsable).
        guard let magnitude = Int(whole.filter { $0 != "_" }) ?? (negative ? Int("-" + whole.filter { $0 != "_" }) : nil) else { return nil }
        return negative ? (magnitude == Int.min ? magnitude : -magnitude) : magnitude
    }

    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// The common case without Foundation's trimming or any splitting: an optional sign and 1–18 ASCII digits
    /// (what every path parameter like `/users/7` is). Anything else is nil here and goes the general way.
    static func plainDecimal(_ text: String) -> Int? {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        var n = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return negative ? -n : n
    }
}
