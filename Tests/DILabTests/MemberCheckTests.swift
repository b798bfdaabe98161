@testable import DILab
import Testing

/// A hole naming a member that cannot exist is an error at load where the value's shape is known.
@Suite("Missing members at check time")
struct MemberCheckTests {
    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            let s = try ScenarioLoader.load(text: yaml, file: "bad.yaml")
            _ = try Validator.compile(s)
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("a key a dependency's returns: mapping does not have is refused, with a did-you-mean")
    func dependencyKeys() {
        let d = diagnostics("providers:\n  get_user: {returns: {name: alice, role: admin}}\nroutes:\n  - GET /x: {params: {user: Depends(get_user)}, returns: \"{{user.nme}}\"}\n")
        #expect(d.count == 1)
        #expect(d.first?.rule == "missing-member")
        #expect(d.first?.message == "the `returns` of GET /x reads 'user.nme', but user (dict returned by get_user) has no 'nme': Python raises KeyError there")
        #expect(d.first?.hint == "did you mean 'name'?")
        #expect(d.first?.location.line == 4)
    }

    @Test("nested mappings, class fields, conditions and task arguments are checked too")
    func deeper() {
        let nested = diagnostics("providers:\n  cfg: {returns: {db: {url: x}}}\nroutes:\n  - GET /x: {params: {c: Depends(cfg)}, returns: \"{{c.db.host}}\"}\n")
        #expect(nested.first?.message.contains("reads 'c.db.host'") == true)
        let cls = diagnostics("providers:\n  Common: {class: true, params: {q: str = ''}}\nroutes:\n  - GET /x: {params: {c: \"Common = Depends()\"}, raises: {status: 400, when: \"c.skip > 1\"}}\n")
        #expect(cls.first?.message.contains("(Common instance) has no 'skip': Python raises AttributeError") == true)
    }

    @Test("Starlette's request.client and request.app.state have the members they have")
    func requestMembers() {
        let d = diagnostics("app: {state: {version: '1'}}\nroutes:\n  - GET /x: {params: {request: Request}, returns: [\"{{request.client.ip}}\", \"{{request.app.state.versoin}}\", \"{{request.nope}}\"]}\n")
        #expect(d.map(\.rule) == ["missing-member", "missing-member", "missing-member"])
        #expect(d.contains { $0.message.contains("(Address) has no 'ip'") })
        #expect(d.contains { $0.message.contains("(State) has no 'versoin'") && $0.hint == "did you mean 'version'?" })
    }

    @Test("values known only at run time are not judged: headers, overridden and wrapped providers, lists")
    func unknownShapes() throws {
        _ = try compile("routes:\n  - GET /x: {params: {request: Request}, returns: \"{{request.headers.anything}}\"}\n")
        _ = try compile("providers:\n  get_user: {returns: {name: a}}\n  fake: {returns: {nick: b}}\ndependency_overrides: {get_user: fake}\nroutes:\n  - GET /x: {params: {u: Depends(get_user)}, returns: \"{{u.nick}}\"}\n")
        _ = try compile("providers:\n  items: {returns: [1, 2]}\nroutes:\n  - GET /x: {params: {i: Depends(items)}, returns: \"{{i.0}}\"}\n")
        _ = try compile("app:\n  lifespan: {startup: [{step: s, sets: {pool: p}}]}\nroutes:\n  - GET /x: {params: {request: Request}, returns: \"{{request.app.state.pool}}\"}\n")
    }
}
