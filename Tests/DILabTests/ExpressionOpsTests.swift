@testable import DILab
import Testing

/// The expression language's Python operators: Python's values, Python's exceptions, bounded depth.
@Suite("Expression operators")
struct ExpressionOpsTests {
    func eval(_ text: String, _ env: [String: Value] = [:]) throws -> Value {
        try ExprParser.parse(text).evaluate(env)
    }

    func error(_ text: String, _ env: [String: Value] = [:]) -> PyError? {
        do { _ = try eval(text, env); return nil } catch let e as PyError { return e } catch { return nil }
    }

    let items: [String: Value] = ["items": .array([.string("a"), .string("b"), .string("c")]), "name": .string("fastapi"), "n": .int(-7)]

    @Test("len, subscripts and slices read as in Python, by code point for texts")
    func sequences() throws {
        #expect(try eval("len(items)", items) == .int(3))
        #expect(try eval("items[1:]", items) == .array([.string("b"), .string("c")]))
        #expect(try eval("items[:2]", items) == .array([.string("a"), .string("b")]))
        #expect(try eval("items[-1]", items) == .string("c"))
        #expect(try eval("items[-10:10]", items) == items["items"])
        #expect(try eval("items[2:1]", items) == .array([]))
        #expect(try eval("name[1:3]", items) == .string("as"))
        #expect(try eval("len('héllo')") == .int(5))
        #expect(try eval("'b' in items and 'z' not in items", items) == .bool(true))
    }

    @Test("arithmetic rounds toward negative infinity, as Python's // and % do")
    func arithmetic() throws {
        #expect(try eval("n // 2", items) == .int(-4))
        #expect(try eval("n % 2", items) == .int(1))
        #expect(try eval("7 % -2") == .int(-1))
        #expect(try eval("1 + 2 * 3 - 4") == .int(3))
        #expect(try eval("(1 + 2) * 3") == .int(9))
        #expect(try eval("-n", items) == .int(7))
        #expect(try eval("x == -1", ["x": .int(-1)]) == .bool(true))
        #expect(try eval("True + 1") == .int(2))
        #expect(try eval("1.5 + 1") == .double(2.5))
        #expect(try eval("-7.5 // 2") == .double(-4))
        #expect(try eval("'ab' + 'c'") == .string("abc"))
        #expect(try eval("'ab' * 2") == .string("abab"))
        #expect(try eval("[1] + [2]") == .array([.int(1), .int(2)]))
    }

    @Test("a conditional value picks one side and evaluates only that side")
    func conditional() throws {
        #expect(try eval("'many' if len(items) > 2 else 'few'", items) == .string("many"))
        #expect(try eval("1 // 0 if False else 'safe'") == .string("safe"))
        #expect(try eval("'a' if False else 'b' if True else 'c'") == .string("b"))
    }

    @Test("what Python refuses raises Python's exception with its message", arguments: [
        ("1 // 0", "ZeroDivisionError", "integer division or modulo by zero"),
        ("1 % 0", "ZeroDivisionError", "integer modulo by zero"),
        ("1.0 // 0", "ZeroDivisionError", "float floor division by zero"),
        ("'a' + 1", "TypeError", "can only concatenate str (not \"int\") to str"),
        ("1 + 'a'", "TypeError", "unsupported operand type(s) for +: 'int' and 'str'"),
        ("[1] + 1", "TypeError", "can only concatenate list (not \"int\") to list"),
        ("len(1)", "TypeError", "object of type 'int' has no len()"),
        ("len(None)", "TypeError", "object of type 'NoneType' has no len()"),
        ("None[1:]", "TypeError", "'NoneType' object is not subscriptable"),
        ("[1][5]", "IndexError", "list index out of range"),
        ("'ab'[5]", "IndexError", "string index out of range"),
        ("[1]['a']", "TypeError", "list indices must be integers or slices, not str"),
        ("-'a'", "TypeError", "bad operand type for unary -: 'str'"),
        ("'a' * 'b'", "TypeError", "can't multiply sequence by non-int of type 'str'"),
    ])
    func refusals(_ text: String, _ type: String, _ message: String) {
        let e = error(text)
        #expect(e?.type == type)
        #expect(e?.message == message)
    }

    @Test("a missing dict key raises KeyError with the key's repr")
    func keyError() {
        #expect(error("d['b']", ["d": .object([("a", .int(1))])]) == PyError(type: "KeyError", message: "'b'"))
    }

    @Test("64-bit overflow is said, never wrapped or trapped")
    func overflow() {
        #expect(error("9223372036854775807 + 1")?.type == "OverflowError")
        #expect(error("x * x", ["x": .int(Int.max)])?.type == "OverflowError")
        #expect(error("x // -1", ["x": .int(Int.min)])?.type == "OverflowError")
    }

    @Test("a huge repetition is the too-large marker, not a huge allocation")
    func repetitionBudget() throws {
        #expect(try eval("'ab' * 100000000") == Value.tooLarge)
        #expect(try eval("[1] * 100000000") == Value.tooLarge)
    }

    @Test("long operator chains and nested unary minus stay within maxDepth")
    func depth() {
        let chain = Array(repeating: "1", count: ExprParser.maxDepth + 5).joined(separator: " + ")
        #expect(throws: ExprError.self) { try ExprParser.parse(chain) }
        let minus = String(repeating: "-", count: ExprParser.maxDepth + 5) + "1"
        #expect(throws: ExprError.self) { try ExprParser.parse(minus) }
        let slices = "x" + String(repeating: "[1:]", count: ExprParser.maxDepth + 5)
        #expect(throws: ExprError.self) { try ExprParser.parse(slices) }
        #expect(throws: ExprError.self) { try ExprParser.parse("a if b else " + String(repeating: "a if b else ", count: ExprParser.maxDepth) + "c") }
    }

    @Test("parse errors say what is not modelled")
    func parseErrors() {
        #expect(throws: ExprError.self) { try ExprParser.parse("a / b") }
        #expect(throws: ExprError.self) { try ExprParser.parse("str(a)") }
        #expect(throws: ExprError.self) { try ExprParser.parse("x[1:2:3]") }
        #expect(throws: ExprError.self) { try ExprParser.parse("a if b") }
    }

    @Test("a template path through a subscript may not name a _ member")
    func hiddenMembers() throws {
        #expect(TemplatePath.hiddenMember(in: try ExprParser.parse("x['__class__']")) == "__class__")
        #expect(TemplatePath.hiddenMember(in: try ExprParser.parse("x[0]._secret")) == "_secret")
        #expect(TemplatePath.hiddenMember(in: try ExprParser.parse("len(x[0].name)")) == nil)
    }
}
