/// The injection corpus: one small scenario per place a scenario string reaches Python, DOT or Mermaid.
/// Every payload names `pwned_marker`, which the harness turns into a sentinel file if it ever runs.
struct InjectionVector: Sendable, CustomStringConvertible {
    enum Outcome: Sendable { case rejected(rule: String, line: Int), exports }
    var name: String
    var yaml: String
    var file = "inline.yaml"
    var outcome: Outcome
    var description: String { name }

    /// A route that uses provider `db`, so a provider-level vector is reachable.
    static let usesDB = "routes:\n  - GET /x: {params: {d: Depends(db)}}\n"
    static func rejected(_ name: String, _ rule: String, line: Int, _ yaml: String) -> Self { Self(name: name, yaml: yaml, outcome: .rejected(rule: rule, line: line)) }
    static func exports(_ name: String, file: String = "inline.yaml", _ yaml: String) -> Self { Self(name: name, yaml: yaml, file: file, outcome: .exports) }

    /// Names that become Python identifiers: the loader refuses each, at the node, with rule `name`.
    static let names: [Self] = [
        .rejected("handler with a call in its signature", "name", line: 3, "routes:\n  - GET /x:\n      handler: \"f(a=pwned_marker()):#\"\n"),
        .rejected("handler with LF", "name", line: 3, "routes:\n  - GET /x:\n      handler: \"f():\\n    pwned_marker()\\n#\"\n"),
        .rejected("handler with CR", "name", line: 3, "routes:\n  - GET /x:\n      handler: \"f():\\r    pwned_marker()\\r#\"\n"),
        .rejected("handler with CRLF", "name", line: 3, "routes:\n  - GET /x:\n      handler: \"f():\\r\\n    pwned_marker()\\r\\n#\"\n"),
        .rejected("handler NFKC-normalising to the marker", "name", line: 3, "routes:\n  - GET /x:\n      handler: \"\u{FF50}wned_marker\"\n"),
        .rejected("default handler name that is reserved (GET / → get)", "name", line: 2, "routes:\n  - GET /: {returns: 1}\n"),
        .rejected("provider name with code", "name", line: 2, "providers:\n  \"db():\\n    pwned_marker()\\ndef x\": {}\n" + usesDB),
        .rejected("provider named with a keyword", "name", line: 2, "providers:\n  class: {}\n" + usesDB),
        .rejected("provider named like the recorder", "name", line: 2, "providers:\n  record: {}\n" + usesDB),
        .rejected("security scheme provider name", "name", line: 2, "providers:\n  \"bearer = pwned_marker()\\nx\": {scheme: http_bearer}\n" + usesDB),
        .rejected("task name", "name", line: 2, "tasks:\n  \"audit(pwned_marker())\": {}\n" + usesDB),
        .rejected("task params entry", "name", line: 3, "tasks:\n  audit:\n    params: [\"x=pwned_marker()\"]\n" + usesDB),
        .rejected("task-call args key", "name", line: 5, "tasks: {audit: {}}\nroutes:\n  - GET /x:\n      params: {bt: BackgroundTasks}\n      adds_tasks: [{task: audit, args: {\"a=pwned_marker()\": 1}}]\n"),
        .rejected("task-call shorthand args key", "name", line: 5, "tasks: {audit: {}}\nroutes:\n  - GET /x:\n      params: {bt: BackgroundTasks}\n      adds_tasks: [{audit: {\"x=pwned_marker())#\": 1}}]\n"),
        .rejected("route parameter name", "name", line: 3, "routes:\n  - GET /x:\n      params: {\"x=pwned_marker()\": int}\n"),
        .rejected("provider parameter named self", "name", line: 3, "providers:\n  db:\n    params: {self: int}\n" + usesDB),
        .rejected("provider parameter hiding the recorder", "name", line: 3, "providers:\n  db:\n    params: {record: int}\n" + usesDB),
        .rejected("class field with code", "name", line: 4, "providers:\n  Pager:\n    class: true\n    returns: {\"x; pwned_marker()\": 1}\nroutes:\n  - GET /x: {params: {p: Pager = Depends()}}\n"),
        .rejected("class field that is a dunder", "name", line: 4, "providers:\n  Pager:\n    class: true\n    returns: {__class__: 1}\nroutes:\n  - GET /x: {params: {p: Pager = Depends()}}\n"),
        .rejected("instance_of", "name", line: 3, "providers:\n  db:\n    instance_of: \"Foo(pwned_marker())\"\n" + usesDB),
        .rejected("router name", "name", line: 2, "routers:\n  \"r; pwned_marker()\": {prefix: /r}\n" + usesDB),
        .rejected("include in", "name", line: 3, "routers:\n  r:\n    include: {in: \"app; pwned_marker()\"}\n" + usesDB),
        .rejected("room name", "name", line: 1, "rooms: ['m; pwned_marker()']\nroutes:\n  - WEBSOCKET /w: {steps: [accept, close]}\n"),
        .rejected("websocket message name", "name", line: 3, "routes:\n  - WEBSOCKET /w:\n      steps: [accept, {receive: 'm=pwned_marker()'}]\n"),
        .rejected("route router reference", "name", line: 3, "routes:\n  - GET /x:\n      router: \"app.get('/y')(pwned_marker)\"\n"),
        .rejected("dependency naming a module attribute", "name", line: 3, "routes:\n  - GET /x:\n      params: {x: \"Depends(os.pwned_marker)\"}\n"),
        .rejected("app dependency naming a module attribute", "name", line: 2, "app:\n  dependencies: [\"os.pwned_marker\"]\n" + usesDB),
        .rejected("raised exception type", "name", line: 3, "routes:\n  - GET /x:\n      raises: {exception: \"ValueError(pwned_marker())#\"}\n"),
        .rejected("raised exception shorthand", "name", line: 3, "routes:\n  - GET /x:\n      raises: \"X; pwned_marker()\"\n"),
        .rejected("raising SystemExit", "name", line: 3, "routes:\n  - GET /x:\n      raises: {exception: SystemExit}\n"),
        .rejected("except catch type", "name", line: 4, "providers:\n  db:\n    yield: true\n    except: [{catch: \"Exception as e:\\n  pwned_marker()#\", then: swallow}]\n" + usesDB),
        .rejected("exception handler key", "name", line: 3, "app:\n  exception_handlers:\n    \"ValueError)\\npwned_marker()#\": {status: 400}\n" + usesDB),
        .rejected("override key", "name", line: 5, "providers: {db: {}, other: {}}\n" + usesDB + "dependency_overrides:\n  \"db] = pwned_marker()#\": other\n"),
        .rejected("override value", "name", line: 5, "providers: {db: {}, other: {}}\n" + usesDB + "dependency_overrides:\n  db: \"pwned_marker()\"\n"),
        .rejected("provider and task of one name", "name", line: 3, "providers: {audit: {}}\ntasks:\n  audit: {}\nroutes:\n  - GET /x: {params: {d: Depends(audit)}}\n"),
        .rejected("parameter hiding a task", "name", line: 4, "tasks: {audit: {}}\nroutes:\n  - GET /x:\n      params: {audit: int, bt: BackgroundTasks}\n      adds_tasks: [audit]\n"),
    ]

    /// Template paths: a `_` member is refused at load, so engine and export never disagree about it.
    static let paths: [Self] = [
        .rejected("template reaching __globals__ (the issue's vector)", "template-path", line: 4,
                  "routes:\n  - GET /x:\n      params: {background_tasks: BackgroundTasks}\n      returns: \"{{background_tasks.__init__.__globals__}}\"\n"),
        .rejected("condition reaching __class__", "template-path", line: 4,
                  "routes:\n  - GET /x:\n      params: {q: str = 'a'}\n      raises: {status: 400, when: \"q.__class__ == 1\"}\n"),
        .rejected("task argument reaching _private", "template-path", line: 5,
                  "tasks: {audit: {}}\nroutes:\n  - GET /x:\n      params: {bt: BackgroundTasks, q: str = 'a'}\n      adds_tasks: [{task: audit, args: {v: \"{{q._x}}\"}}]\n"),
    ]
}
