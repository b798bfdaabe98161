/// A `pattern=` constraint, matched the way pydantic-core matches it: Rust's `regex` crate, `is_match` (a search
/// anywhere in the string, not a full match), over Unicode scalars, case-sensitive, `^`/`$` only at the ends of the
/// text (no multi-line), `.` anything but `\n`, and `\d`, `\w`, `\s` Unicode-aware.
///
/// Only a subset is read: literals, `.`, `^`, `$`, `\A`, `\z`, classes (`[a-z]`, `[^0-9_]`, `\d\D\w\W\s\S`),
/// escaped metacharacters, `\n\t\r`, groups `(...)`, `(?:...)`, `(?P<name>...)`, `|` and the quantifiers
/// `* + ? {n} {n,} {n,m}` (optionally lazy, which changes nothing for a yes/no match). Anything else — flags,
/// look-around (which pydantic-core refuses too), back-references, `\b`, `\p{..}`, nested classes or class set
/// operations — is refused when the scenario loads, rather than guessed at.
///
/// Matching is a Pike VM: time linear in the input times the program, so a hostile pattern cannot hang dilab
/// (there is no backtracking). Patterns are bounded in length and in compiled size.
public struct ConstraintPattern: Sendable {
    public struct Refusal: Error, Sendable { public var message: String }

    public static let maxLength = 512
    static let maxProgram = 4000
    static let maxRepeat = 100

    enum ClassKind: Sendable { case digit, word, space }
    struct CharSet: Sendable {
        var negated = false
        var ranges: [ClosedRange<UInt32>] = []
        var classes: [(ClassKind, Bool)] = []  // (kind, negated)
        var dot = false

        func contains(_ s: Unicode.Scalar) -> Bool {
            var hit: Bool
            if dot { hit = s != "\n" } else {
                hit = ranges.contains { $0.contains(s.value) }
                    || classes.contains { ConstraintPattern.isIn($0.0, s) != $0.1 }
            }
            return hit != negated
        }
    }

    indirect enum Node {
        case set(CharSet), start, end
        case concat([Node]), alt([Node])
        case rep(Node, Int, Int?)
    }

    enum Inst: Sendable { case set(CharSet), split(Int, Int), jmp(Int), start, end, match }

    let program: [Inst]
    public let source: String

    public init(_ pattern: String) throws(Refusal) {
        guard pattern.unicodeScalars.count <= ConstraintPattern.maxLength else {
            throw Refusal(message: "pattern is longer than \(ConstraintPattern.maxLength) characters")
        }
        var parser = Parser(chars: Array(pattern.unicodeScalars))
        let node = try parser.parseAlt()
        guard parser.i == parser.chars.count else { throw Refusal(message: "unbalanced ')' in pattern") }
        var prog: [Inst] = []
        try ConstraintPattern.emit(node, into: &prog)
        prog.append(.match)
        program = prog
        source = pattern
    }

    static func isIn(_ kind: ClassKind, _ s: Unicode.Scalar) -> Bool {
        let p = s.properties
        switch kind {
        case .digit: return p.generalCategory == .decimalNumber
        case .space: return p.isWhitespace
        case .word:
            switch p.generalCategory {
            case .decimalNumber, .connectorPunctuation, .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return p.isAlphabetic || p.isJoinControl
            }
        }
    }

    static func emit(_ node: Node, into prog: inout [Inst]) throws(Refusal) {
        guard prog.count <= maxProgram else { throw Refusal(message: "pattern is too large to evaluate (more than \(maxProgram) steps once its repetitions are expanded)") }
        switch node {
        case .set(let s): prog.append(.set(s))
        case .start: prog.append(.start)
        case .end: prog.append(.end)
        case .concat(let parts): for p in parts { try emit(p, into: &prog) }
        case .alt(let branches):
            var jumps: [Int] = []
            for (k, b) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = prog.count
                    prog.append(.split(split + 1, 0))
                    try emit(b, into: &prog)
                    jumps.append(prog.count)
                    prog.append(.jmp(0))
                    prog[split] = .split(split + 1, prog.count)
                } else {
                    try emit(b, into: &prog)
                }
            }
            for j in jumps { prog[j] = .jmp(prog.count) }
        case .rep(let inner, let lo, let hi):
            for _ in 0..<lo { try emit(inner, into: &prog) }
            if let hi {
                var splits: [Int] = []
                for _ in lo..<hi {
                    splits.append(prog.count)
                    prog.append(.split(prog.count + 1, 0))
                    try emit(inner, into: &prog)
                }
                for s in splits { prog[s] = .split(s + 1, prog.count) }
            } else {
                let split = prog.count
                prog.append(.split(split + 1, 0))
                try emit(inner, into: &prog)
                prog.append(.jmp(split))
                prog[split] = .split(split + 1, prog.count)
            }
        }
        guard prog.count <= maxProgram else { throw Refusal(message: "pattern is too large to evaluate (more than \(maxProgram) steps once its repetitions are expanded)") }
    }

    /// Rust's `Regex::is_match`: does the pattern match anywhere in `text`?
    public func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars)
        var current: [Int] = []
        var onList = [Int](repeating: -1, count: program.count)
        var generation = 0

        func add(_ pc: Int, at pos: Int, to list: inout [Int]) -> Bool {
            var stack = [pc]
            while let pc = stack.popLast() {
                if onList[pc] == generation { continue }
                onList[pc] = generation
                switch program[pc] {
                case .match: return true
                case .jmp(let t): stack.append(t)
                case .split(let a, let b): stack.append(b); stack.append(a)
                case .start: if pos == 0 { stack.append(pc + 1) }
                case .end: if pos == input.count { stack.append(pc + 1) }
                case .set: list.append(pc)
                }
            }
            return false
        }

        for pos in 0...input.count {
            // A new thread starts at every position: an unanchored search.
            if add(0, at: pos, to: &current) { return true }
            guard pos < input.count else { break }
            let c = input[pos]
            generation += 1
            var next: [Int] = []
            for pc in current {
                if case .set(let s) = program[pc], s.contains(c) {
                    if add(pc + 1, at: pos + 1, to: &next) { return true }
                }
            }
            current = next
            // `add(0, ...)` at the next position shares this generation, so threads are not duplicated.
        }
        return false
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var i = 0

        var peek: Unicode.Scalar? { i < chars.count ? chars[i] : nil }

        func refuse(_ what: String) -> Refusal {
            Refusal(message: "pattern uses \(what), which dilab cannot evaluate exactly as pydantic-core's Rust regex does")
        }

        mutating func parseAlt() throws(Refusal) -> Node {
            var branches = [try parseConcat()]
            while peek == "|" { i += 1; branches.append(try parseConcat()) }
            return branches.count == 1 ? branches[0] : .alt(branches)
        }

        mutating func parseConcat() throws(Refusal) -> Node {
            var items: [Node] = []
            while let c = peek, c != "|", c != ")" {
                var atom = try parseAtom()
                var quantified = false
                while let q = peek, "*+?{".unicodeScalars.contains(q) {
                    if quantified { throw refuse("a quantifier applied to a quantifier") }
                    quantified = true
                    let (lo, hi) = try parseQuantifier()
                    if case .start = atom { throw refuse("a quantified anchor") }
                    if case .end = atom { throw refuse("a quantified anchor") }
                    atom = .rep(atom, lo, hi)
                    if peek == "?" { i += 1 }  // lazy: the same answer for is_match
                }
                items.append(atom)
            }
            return .concat(items)
        }

        mutating func parseQuantifier() throws(Refusal) -> (Int, Int?) {
            let q = chars[i]
            i += 1
            switch q {
            case "*": return (0, nil)
            case "+": return (1, nil)
            case "?": return (0, 1)
            default:
                func number(_ p: inout Parser) -> Int? {
                    var digits = ""
                    while let c = p.peek, ("0"..."9").contains(c), digits.count < 6 { digits.unicodeScalars.append(c); p.i += 1 }
                    return Int(digits)
                }
                guard let lo = number(&self) else { throw refuse("a '{' that is not a repetition {n}, {n,} or {n,m}") }
                var hi: Int? = lo
                if peek == "," {
                    i += 1
                    hi = peek == "}" ? nil : number(&self)
                    if hi == nil, peek != "}" { throw refuse("a malformed repetition") }
                }
                guard peek == "}" else { throw refuse("a malformed repetition") }
                i += 1
                if lo > ConstraintPattern.maxRepeat || (hi ?? 0) > ConstraintPattern.maxRepeat {
                    throw Refusal(message: "pattern repeats more than \(ConstraintPattern.maxRepeat) times in one {n,m}")
                }
                if let hi, hi < lo { throw Refusal(message: "pattern has a repetition {\(lo),\(hi)} whose maximum is below its minimum") }
                return (lo, hi)
            }
        }

        mutating func parseAtom() throws(Refusal) -> Node {
            let c = chars[i]
            i += 1
            switch c {
            case "(":
                if peek == "?" {
                    if i + 1 < chars.count, chars[i + 1] == ":" {
                        i += 2
                    } else if i + 2 < chars.count, chars[i + 1] == "P", chars[i + 2] == "<" {
                        i += 3
                        while let n = peek, n != ">" {
                            guard n.properties.isAlphabetic || ("0"..."9").contains(n) || n == "_" else { throw refuse("a malformed group name") }
                            i += 1
                        }
                        guard peek == ">" else { throw refuse("a malformed group name") }
                        i += 1
                    } else {
                        throw refuse("'(?' flags, look-around or named groups other than (?P<name>...)")
                    }
                }
                let inner = try parseAlt()
                guard peek == ")" else { throw Refusal(message: "pattern has an unclosed '('") }
                i += 1
                return inner
            case "^": return .start
            case "$": return .end
            case ".": var s = CharSet(); s.dot = true; return .set(s)
            case "[": return .set(try parseClass())
            case "*", "+", "?", "{": throw refuse("a quantifier with nothing to repeat")
            case "}", "]": throw refuse("an unescaped '\(c)'")
            case "\\":
                if peek == "A" { i += 1; return .start }
                if peek == "z" { i += 1; return .end }
                var s = CharSet()
                try parseEscape(into: &s)
                return .set(s)
            default:
                var s = CharSet()
                s.ranges = [c.value...c.value]
                return .set(s)
            }
        }

        static let escapable = Set("\\.+*?()|[]{}^$#&-~".unicodeScalars)

        /// After a backslash: a class (`\d`), an escaped metacharacter or `\n`, `\t`, `\r`.
        mutating func parseEscape(into s: inout CharSet) throws(Refusal) {
            guard let e = peek else { throw Refusal(message: "pattern ends with a lone backslash") }
            i += 1
            switch e {
            case "d": s.classes.append((.digit, false))
            case "D": s.classes.append((.digit, true))
            case "w": s.classes.append((.word, false))
            case "W": s.classes.append((.word, true))
            case "s": s.classes.append((.space, false))
            case "S": s.classes.append((.space, true))
            case "n": s.ranges.append(10...10)
            case "t": s.ranges.append(9...9)
            case "r": s.ranges.append(13...13)
            default:
                // regex-syntax's is_escapeable_character: a metacharacter, or any ASCII character that is not a
                // letter, a digit, '<' or '>' (those two are word-boundary assertions in regex 1.10).
                let plain = e.isASCII && !e.properties.isAlphabetic && !("0"..."9").contains(e) && e != "<" && e != ">"
                guard Parser.escapable.contains(e) || plain else { throw refuse("the escape '\\\(e)'") }
                s.ranges.append(e.value...e.value)
            }
        }

        mutating func parseClass() throws(Refusal) -> CharSet {
            var s = CharSet()
            if peek == "^" { s.negated = true; i += 1 }
            var first = true
            while true {
                guard let c = peek else { throw Refusal(message: "pattern has an unclosed '['") }
                if c == "]" && !first { i += 1; break }
                first = false
                if c == "[" { throw refuse("a nested class or [:class:]") }
                if i + 1 < chars.count, ["&", "-", "~"].contains(c), chars[i + 1] == c { throw refuse("a class set operation ('\(c)\(c)')") }
                var lo: UInt32
                i += 1
                if c == "\\" {
                    var inner = CharSet()
                    try parseEscape(into: &inner)
                    if !inner.classes.isEmpty { s.classes += inner.classes; continue }
                    lo = inner.ranges[0].lowerBound
                } else {
                    lo = c.value
                }
                // A range `a-z`, unless the '-' is the last thing in the class.
                if peek == "-", i + 1 < chars.count, chars[i + 1] != "]" {
                    i += 1
                    let h = chars[i]
                    i += 1
                    var hiValue = h.value
                    if h == "\\" {
                        var inner = CharSet()
                        try parseEscape(into: &inner)
                        guard inner.classes.isEmpty else { throw refuse("a class escape as the end of a range") }
                        hiValue = inner.ranges[0].lowerBound
                    } else if h == "[" {
                        throw refuse("a nested class or [:class:]")
                    }
                    guard hiValue >= lo else { throw Refusal(message: "pattern has an invalid class range (its end is below its start)") }
                    s.ranges.append(lo...hiValue)
                } else {
                    s.ranges.append(lo...lo)
                }
            }
            return s
        }
    }
}
