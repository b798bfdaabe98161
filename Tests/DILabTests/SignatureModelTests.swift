@testable import DILab
import Testing

/// The rest of FastAPI's signature around models: return annotations and list response models, `list[Model]` and
/// EmailStr parameters, lax Body() scalars, JSON nulls per profile, header and cookie models.
@Suite("Signature models")
struct SignatureModelTests {
    func diagnostics(_ yaml: String, profile: Profile = .latest) -> [Diagnostic] {
        do {
            _ = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "bad.yaml"), profile: profile)
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    func run(_ yaml: String, _ requests: [RequestSpec], profile: Profile = .latest) throws -> [RequestTrace] {
        let app = try Validator.compile(try ScenarioLoader.load(text: yaml, file: "s.yaml"), profile: profile)
        return Engine.run(app, requests: requests).requests
    }

    static let user = "models:\n  User: {id: int, active: bool = True}\n"

    @Test("a return annotation is the response model unless response_model is written; None turns it off")
    func returnAnnotation() throws {
        let yaml = Self.user + "routes:\n"
            + "  - GET /a: {return_annotation: User, returns: {id: \"1\", secret: x}}\n"
            + "  - GET /b: {return_annotation: User, response_model: None, returns: {id: \"1\", secret: x}}\n"
            + "  - GET /c: {return_annotation: User, returns: {name: x}}\n"
            + "  - GET /d: {return_annotation: User, response_model_exclude_unset: true, returns: {id: 2}}\n"
        let t = try run(yaml, ["/a", "/b", "/c", "/d"].map { RequestSpec(method: "GET", target: $0) })
        #expect(t[0].bodyText == #"{"id":1,"active":true}"#)
        #expect(t[1].bodyText == #"{"id":"1","secret":"x"}"#)
        #expect(t[2].status == 500 && lines(t[2]).contains("server.error ResponseValidationError"))
        #expect(t[3].bodyText == #"{"id":2}"#)
    }

    @Test("list[User] and List[User] validate every item; a non-list or a bad item is a 500")
    func listResponseModel() throws {
        let yaml = Self.user + "routes:\n"
            + "  - GET /a: {response_model: \"list[User]\", returns: [{id: 1, x: 1}, {id: \"2\", active: false}]}\n"
            + "  - GET /b: {return_annotation: \"List[User]\", returns: [{id: 1}, {id: one}]}\n"
            + "  - GET /c: {response_model: \"list[User]\", returns: {id: 1}}\n"
        let t = try run(yaml, ["/a", "/b", "/c"].map { RequestSpec(method: "GET", target: $0) })
        #expect(t[0].bodyText == #"[{"id":1,"active":true},{"id":2,"active":false}]"#)
        #expect(t[1].status == 500 && t[2].status == 500)
    }

    @Test("a response model or return annotation that is not a declared model (or a list of one) is located")
    func badResponseTarget() {
        let d = diagnostics(Self.user + "routes:\n  - GET /x: {return_annotation: \"list[Usr]\", returns: 1}\n  - GET /y: {response_model: \"dict[str, User]\", returns: 1}\n")
        #expect(d.count == 2)
        #expect(d[0].message.contains("'Usr' is not a model declared") && d[0].hint == "did you mean 'User'?")
        #expect(d[1].message.contains("is not a model, list[Model] or List[Model]"))
    }

    @Test("a list[User] body is validated item by item, with indices in loc")
    func listBody() throws {
        let yaml = Self.user + "routes:\n  - POST /u: {params: {users: \"list[User]\"}, returns: ok}\n"
        let body: Value = .array([.object([("id", .int(1))]), .object([("id", .string("x"))]), .int(5)])
        let t = try run(yaml, [RequestSpec(method: "POST", target: "/u", body: body), RequestSpec(method: "POST", target: "/u", body: .object([]))])
        #expect(t[0].bodyText.contains(#""loc":["body",1,"id"]"#) && t[0].bodyText.contains(#""type":"model_attributes_type","loc":["body",2]"#))
        #expect(t[1].bodyText.contains(#""type":"list_type","loc":["body"]"#))
    }

    @Test("list[Usr] with models declared is an unknown model with a did-you-mean; a list of models in a query is refused")
    func listParamDiagnostics() {
        let d = diagnostics(Self.user + "routes:\n  - POST /u: {params: {users: \"list[Usr]\"}, returns: ok}\n  - GET /v: {params: {users: \"list[User] = Query()\"}, returns: ok}\n")
        #expect(d.count == 2)
        #expect(d[0].message.contains("unknown model 'Usr'") && d[0].hint == "did you mean 'User'?")
        #expect(d[1].message.contains("is not modelled"))
    }

    @Test("an EmailStr query parameter gets email-validator's verdict and normalization")
    func emailQuery() throws {
        let yaml = "routes:\n  - GET /s: {params: {email: EmailStr}, returns: \"{{email}}\"}\n"
        let t = try run(yaml, ["/s?email=Bob@Example.COM", "/s?email=nope"].map { RequestSpec(method: "GET", target: $0) })
        #expect(t[0].bodyText == #""Bob@example.com""#)
        #expect(t[1].status == 422 && t[1].bodyText.contains(#""type":"value_error","loc":["query","email"]"#) && !t[1].bodyText.contains("url"))
    }

    @Test("a scalar Body() follows pydantic's lax rules: 1.5 is int_from_float, true an int, 1e30 too large")
    func laxBody() throws {
        let yaml = "routes:\n  - POST /c: {params: {quantity: int = Body()}, returns: \"{{quantity}}\"}\n"
        let t = try run(yaml, [Value.double(1.5), .bool(true), .double(1e30)].map { RequestSpec(method: "POST", target: "/c", body: $0) })
        #expect(t[0].bodyText.contains("int_from_float"))
        #expect(t[1].bodyText == "1")
        #expect(t[2].bodyText.contains("int_parsing_size"))
    }

    @Test("a JSON null for an embedded body field: validated on latest, its default on 0.120; a list body is missing everywhere")
    func bodyNull() throws {
        let yaml = "routes:\n  - POST /m: {params: {a: int = Body(5), b: str = Body('z')}, returns: \"{{a}}\"}\n"
        let nulls = RequestSpec(method: "POST", target: "/m", body: .object([("a", .null), ("b", .string("x"))]))
        let list = RequestSpec(method: "POST", target: "/m", body: .array([.int(1)]))
        let latest = try run(yaml, [nulls, list])
        let old = try run(yaml, [nulls, list], profile: .v0_120)
        #expect(latest[0].bodyText.contains(#""type":"int_type","loc":["body","a"]"#))
        #expect(old[0].bodyText == "5")
        #expect(latest[1].bodyText.contains(#""type":"missing","loc":["body","a"]"#) && old[1].bodyText.contains(#""type":"missing","loc":["body","b"]"#))
    }

    static let headers = "models:\n  H: {save_data: bool, tags: \"list[str] = []\"}\n  C: {model_config: {extra: forbid}, sid: str}\nroutes:\n"
        + "  - GET /h: {params: {h: \"Annotated[H, Header()]\"}, returns: \"{{h}}\"}\n"
        + "  - GET /c: {params: {c: \"Annotated[C, Cookie()]\"}, returns: \"{{c}}\"}\n"

    @Test("a header model reads hyphenated names; its error loc is the header's name on latest, the field's on 0.120")
    func headerModel() throws {
        let ok = RequestSpec(method: "GET", target: "/h", headers: [("save-data", "yes"), ("tags", "a"), ("tags", "b")])
        let bad = RequestSpec(method: "GET", target: "/h", headers: [("save_data", "1")])
        let latest = try run(Self.headers, [ok, bad])
        #expect(latest[0].bodyText == #"{"save_data":true,"tags":["a","b"]}"#)
        #expect(latest[1].bodyText.contains(#""loc":["header","save-data"],"msg":"Field required","input":{"host":"testserver"}"#))
        let old = try run(Self.headers, [bad], profile: .v0_120)
        #expect(old[0].bodyText.contains(#""loc":["header","save_data"],"msg":"Field required","input":{"tags":[],"host":"testserver"}"#))
    }

    @Test("a query model's missing-error input: fields first; defaults and last values on 0.120, lists on latest")
    func queryModelInput() throws {
        let yaml = "models:\n  F: {q: str, limit: int = 100, tags: \"list[str] = []\"}\nroutes:\n  - GET /f: {params: {f: \"Annotated[F, Query()]\"}, returns: ok}\n"
        let r = RequestSpec(method: "GET", target: "/f?x=1&tags=a&x=2")
        #expect(try run(yaml, [r])[0].bodyText.contains(#""input":{"tags":["a"],"x":["1","2"]}"#))
        #expect(try run(yaml, [r], profile: .v0_120)[0].bodyText.contains(#""input":{"limit":100,"tags":["a"],"x":"2"}"#))
    }

    @Test("extra: forbid makes an unread cookie extra_forbidden")
    func cookieForbid() throws {
        let t = try run(Self.headers, [RequestSpec(method: "GET", target: "/c", cookies: [("sid", "s"), ("other", "o")])])
        #expect(t[0].bodyText.contains(#""type":"extra_forbidden","loc":["cookie","other"],"msg":"Extra inputs are not permitted","input":"o""#))
    }

    @Test("header models: 0.105's AssertionError, a sibling header parameter refused, other model_config refused")
    func headerModelDiagnostics() throws {
        let app105 = try Validator.compile(try ScenarioLoader.load(text: Self.headers, file: "h.yaml"), profile: .v0_105)
        #expect(app105.appErrors.map(\.rule) == ["header-model", "cookie-model"])
        #expect(app105.appErrors.first?.message == "AssertionError: Param: h can only be a request body, using Body()")
        let sibling = diagnostics("models:\n  H: {save_data: bool}\nroutes:\n  - GET /h: {params: {h: \"Annotated[H, Header()]\", x_token: str = Header()}, returns: ok}\n")
        #expect(sibling.count == 1 && sibling[0].message.contains("beside another header parameter ('x_token')"))
        let config = diagnostics("models:\n  H: {model_config: {extra: allow}, a: int}\nroutes:\n  - POST /h: {params: {h: H}, returns: ok}\n")
        #expect(config.count == 1 && config[0].message.contains("model_config extra 'allow' is not modelled"))
    }
}

/// `wrapped_by:` on classes and callable instances (FastAPI's test_dependency_wrapped.py).
@Suite("Wrapped classes and instances")
struct WrappedInstanceTests {
    static let yaml = "providers:\n"
        + "  checker: {instance_of: Checker, async: true, wrapped_by: noop_wrap, raises: {status: 400, detail: no}, returns: 1}\n"
        + "  Settings: {class: true, wrapped_by: noop_wrap, returns: {size: 1}}\n"
        + "routes:\n  - GET /c: {dependencies: [Depends(checker)], params: {s: Depends(Settings)}, returns: ok}\n"

    @Test("a wrapped async instance runs on latest and is passed through unrun on 0.120; a wrapped class runs everywhere")
    func classification() throws {
        for (profile, status) in [(Profile.latest, 400), (.v0_120, 200)] {
            let app = try Validator.compile(try ScenarioLoader.load(text: Self.yaml, file: "w.yaml"), profile: profile)
            let t = Engine.run(app, requests: [RequestSpec(method: "GET", target: "/c")]).requests[0]
            #expect(t.status == status)
            // Route dependencies run first: on latest the checker's 400 stops the request before Settings.
            #expect(lines(t).contains("call Settings") == (profile == .v0_120))
        }
        let p = try ScenarioLoader.load(text: Self.yaml, file: "w.yaml").providers[0]
        #expect(WrappedCallable.explanation(p, type: "coroutine", profile: .v0_120).contains("coroutine 'Checker.__call__' was never awaited"))
    }

    @Test("an instance wrapped without functools.wraps reads args and kwargs, then its __call__ rejects them", arguments: Profile.allCases)
    func withoutWraps(profile: Profile) throws {
        let yaml = "providers:\n  checker: {instance_of: Checker, async: true, wrapped_by: {decorator: bare, keeps_wrapped: false}, returns: 1}\n"
            + "routes:\n  - GET /c: {handler: h, dependencies: [Depends(checker)], returns: ok}\n"
        let t = try run(yaml, profile: profile, requests: ["GET /c", "GET /c?args=1&kwargs=2"])
        #expect(t[0].status == 422)
        #expect(t[1].status == 500)
        #expect(t[1].events.contains { $0.kind == .raise && $0.detail.contains("Checker.__call__() got an unexpected keyword argument 'args'") })
        #expect(calls(t[1]).isEmpty, "the body never runs")
    }
}
