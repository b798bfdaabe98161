@testable import DILab
import Testing

/// `models:`: the loader's diagnostics, body and query validation, response_model, and EmailStr's verdicts.
@Suite("Body models")
struct BodyModelTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "bad.yaml"))
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    static func scenario(_ fields: String, route: String = "params: {item: Item}") -> String {
        "models:\n  Item:\n\(fields)\nroutes:\n  - POST /items: {\(route), returns: \"{{item}}\"}\n"
    }

    /// Runs one POST /items with `body` and returns (status, body text).
    func post(_ yaml: String, _ body: Value?, profile: Profile = .latest) throws -> (Int, String) {
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "m.yaml"), profile: profile)
        let t = Engine.run(app, requests: [RequestSpec(method: "POST", target: "/items", body: body)]).requests[0]
        return (t.status, t.bodyText)
    }

    @Test("an unknown field type is located at the type, with a did-you-mean")
    func unknownFieldType() {
        let d = diagnostics(Self.scenario("    name: strr\n    price: flaot = 1.0"))
        #expect(d.map(\.rule) == ["model", "model"])
        #expect(d[0].message.contains("unknown field type 'strr'") && d[0].hint == "did you mean 'str'?")
        #expect(d[0].location.line == 3 && d[0].location.column == 11)
        #expect(d[1].hint == "did you mean 'float'?")
    }

    @Test("a Field() argument dilab does not model, or a bad constraint, is refused by name")
    func badFieldArgument() {
        let d = diagnostics(Self.scenario("    name: str = Field(alias='n')\n    price: int = Field(gt=0.5)\n    tags: List[str] = Field(max_length=2)"))
        #expect(d.count == 3)
        #expect(d[0].message.contains("Field() argument 'alias' is not modelled"))
        #expect(d[1].message.contains("gt= on an int parameter takes an int"))
        #expect(d[2].message.contains("max_length= on a List[str] field is not modelled"))
    }

    @Test("a model that contains itself is refused, however long the cycle")
    func modelCycle() {
        var yaml = "models:\n"
        for i in 0..<50 { yaml += "  M\(i): {next: M\((i + 1) % 50)}\n" }
        yaml += "routes:\n  - POST /items: {params: {item: M0}, returns: ok}\n"
        let d = diagnostics(yaml)
        #expect(d.count == 50 && d.allSatisfy { $0.rule == "model" && $0.message.contains("contains itself") })
    }

    @Test("a chain of models nested past the limit is refused without recursing")
    func deepNesting() {
        var yaml = "models:\n"
        for i in 0..<2000 { yaml += "  M\(i): {next: \(i == 1999 ? "int" : "M\(i + 1)")}\n" }
        yaml += "routes:\n  - POST /items: {params: {item: M0}, returns: ok}\n"
        let d = diagnostics(yaml)
        #expect(!d.isEmpty && d.allSatisfy { $0.message.contains("nests models more than 32 levels") })
        #expect(d.count == 2000 - 32)
    }

    @Test("with a models: section, an undeclared class name is an error, not a silent dict body")
    func undeclaredModel() {
        let d = diagnostics(Self.scenario("    name: str", route: "params: {item: Itme}"))
        #expect(d.count == 1 && d[0].message.contains("unknown model 'Itme'") && d[0].hint == "did you mean 'Item'?")
        // Without models:, a class name keeps meaning a JSON body.
        #expect(diagnostics("routes:\n  - POST /items: {params: {item: Item}, returns: ok}\n").isEmpty)
    }

    @Test("field names that would shadow pydantic or a type are refused")
    func shadowingFieldNames() {
        let d = diagnostics(Self.scenario("    model_config: str\n    _secret: str\n    int: int\n    json: str"))
        #expect(d.count == 4)
    }

    @Test("fields are validated in order, every error collected, nested locs with list indexes")
    func collectsErrors() throws {
        let yaml = "models:\n  Owner: {name: str}\n  Item:\n    name: str\n    count: int = Field(1, ge=0)\n    owners: List[Owner] = []\n"
            + "routes:\n  - POST /items: {params: {item: Item}, returns: \"{{item}}\"}\n"
        let body = Value.object([("name", .int(1)), ("count", .int(-1)), ("owners", .array([.object([("name", .string("a"))]), .object([])]))])
        let (status, text) = try post(yaml, body)
        #expect(status == 422)
        #expect(text == #"{"detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":1},{"type":"greater_than_equal","loc":["body","count"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},{"type":"missing","loc":["body","owners",1,"name"],"msg":"Field required","input":{}}]}"#)
    }

    @Test("lax mode: numeric strings, int-valued floats and 'yes' coerce; defaults fill in; extras drop")
    func laxCoercion() throws {
        let yaml = Self.scenario("    a: int\n    b: float\n    c: bool\n    d: str = 'x'")
        let body = Value.object([("a", .string(" 3 ")), ("b", .string("1.5")), ("c", .string("yes")), ("z", .int(1))])
        #expect(try post(yaml, body) == (200, #"{"a":3,"b":1.5,"c":true,"d":"x"}"#))
        let bad = Value.object([("a", .double(1.5)), ("b", .string("x")), ("c", .int(2))])
        let (status, text) = try post(yaml, bad, profile: .v0_105)
        #expect(status == 422)
        #expect(text.contains(#""type":"int_from_float""#) && text.contains(#""url":"https://errors.pydantic.dev/2.14/v/bool_parsing""#))
    }

    @Test("a body that is not an object is model_attributes_type at loc body; none at all is missing")
    func wrongShape() throws {
        let yaml = Self.scenario("    name: str")
        #expect(try post(yaml, .array([.int(1)])).1 == #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}"#)
        #expect(try post(yaml, nil).1 == #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#)
    }

    @Test("EmailStr's value_error carries the reason in ctx and no url, even on 0.105")
    func emailError() throws {
        let yaml = Self.scenario("    to: List[EmailStr]")
        let body = Value.object([("to", .array([.string("B@Example.COM"), .string("x@y")]))])
        let (_, text) = try post(yaml, body, profile: .v0_105)
        #expect(text == #"{"detail":[{"type":"value_error","loc":["body","to",1],"msg":"value is not a valid email address: The part after the @-sign is not valid. It should have a period.","input":"x@y","ctx":{"reason":"The part after the @-sign is not valid. It should have a period."}}]}"#)
        #expect(try post(yaml, .object([("to", .array([.string("B@Example.COM")]))])).1 == #"{"to":["B@example.com"]}"#)
    }

    /// Verdicts observed with pydantic 2.14.4 + email-validator 2.4.0 (`TypeAdapter(EmailStr).validate_python`), see
    /// docs/beyond-the-spec.md "Body models".
    @Test("EmailStr verdicts match email-validator's on the ASCII subset")
    func emailVerdicts() {
        let cases: [(String, EmailAddress.Verdict)] = [
            ("a@example.com", .valid("a@example.com")),
            ("B@Example.COM", .valid("B@example.com")),
            (" a@ex.com ", .valid("a@ex.com")),
            ("a@ex.c", .valid("a@ex.c")),
            ("Info@ex.com", .valid("info@ex.com")),
            ("a!#$%&'*+/=?^`{|}~@ex.com", .valid("a!#$%&'*+/=?^`{|}~@ex.com")),
            ("bad", .invalid("An email address must have an @-sign.")),
            ("@b.com", .invalid("There must be something before the @-sign.")),
            ("a@", .invalid("There must be something after the @-sign.")),
            ("a@@b.com", .invalid("The part after the @-sign contains invalid characters: '@'.")),
            ("a@localhost", .invalid("The part after the @-sign is not valid. It should have a period.")),
            ("a..b@ex.com", .invalid("An email address cannot have two periods in a row.")),
            (".a@ex.com", .invalid("An email address cannot start with a period.")),
            ("a.@ex.com", .invalid("An email address cannot have a period immediately before the @-sign.")),
            ("a@-ex.com", .invalid("An email address cannot have a hyphen immediately after the @-sign.")),
            ("a@ex-.com", .invalid("An email address cannot have a period and a hyphen next to each other.")),
            ("a@.com", .invalid("An email address cannot have a period immediately after the @-sign.")),
            ("a@ex.com.", .invalid("An email address cannot end with a period.")),
            ("a b@ex.com", .invalid("The email address contains invalid characters before the @-sign: SPACE.")),
            ("a@ex.123", .invalid("The part after the @-sign is not valid. It is not within a valid top-level domain.")),
            ("a@x.test", .invalid("The part after the @-sign is a special-use or reserved name that cannot be used with email.")),
            ("a@x_y.com", .invalid("The part after the @-sign contains invalid characters: '_'.")),
            ("a@ex.com\n", .invalid("Carriage return and line feed characters are not allowed")),
            ("a@" + String(repeating: "b", count: 64) + ".com", .invalid("After the @-sign, periods cannot be separated by so many characters (1 character too many).")),
        ]
        for (input, verdict) in cases { #expect(EmailAddress.validate(input) == verdict, "\(input)") }
        #expect(EmailAddress.unmodelledReason("ü@ex.com") != nil && EmailAddress.unmodelledReason("\"a b\"@ex.com") != nil)
    }

    @Test("a scenario request with an address outside the modelled subset is refused at load, at the request")
    func unmodelledEmailInRequest() {
        let yaml = "models:\n  Item:\n    to: List[EmailStr]\nroutes:\n  - POST /items: {params: {item: Item}, returns: ok}\n"
            + "requests:\n  - {request: POST /items, body: {to: [a@example.com, \"J\u{fc}rgen@example.com\"]}}\n"
        let d = diagnostics(yaml)
        #expect(d.count == 1 && d[0].rule == "email" && d[0].location.line == 7)
    }

    @Test("response_model drops extra keys and fills defaults; a return that fails is a 500")
    func responseModel() throws {
        let yaml = "models:\n  User: {id: int, active: bool = True}\nroutes:\n"
            + "  - GET /ok: {response_model: User, returns: {id: \"1\", secret: x}}\n"
            + "  - GET /bad: {response_model: User, returns: {name: x}}\n"
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "m.yaml"))
        let traces = Engine.run(app, requests: [RequestSpec(method: "GET", target: "/ok"), RequestSpec(method: "GET", target: "/bad")]).requests
        #expect(traces[0].bodyText == #"{"id":1,"active":true}"#)
        #expect(traces[1].status == 500)
        #expect(lines(traces[1]).contains("server.error ResponseValidationError"))
        #expect(diagnostics("routes:\n  - GET /x: {response_model: Usr, returns: 1}\n").first?.message.contains("not a model declared") == true)
    }
}
