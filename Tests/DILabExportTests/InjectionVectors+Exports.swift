/// Scenario text that may load: it must land in the export only inside string literals, docstrings or
/// single comment lines, and in DOT/Mermaid only inside a quoted label.
extension InjectionVector {
    static let db = "providers:\n  db:\n"

    static let texts: [Self] = [
        .exports("doc with LF", db + "    doc: \"x\\npwned_marker()\\n# y\"\n" + usesDB),
        .exports("doc with CR (Python ends a comment at CR)", db + "    doc: \"x\\rpwned_marker()\\r\"\n" + usesDB),
        .exports("doc with CRLF (one Swift Character)", db + "    doc: \"x\\r\\npwned_marker()\\r\\n\"\n" + usesDB),
        .exports("doc with NEL, LS, PS, FF, VT", db + "    doc: \"a\\Npwned_marker()\\Lpwned_marker()\\Ppwned_marker()\\fpwned_marker()\\vpwned_marker()\"\n" + usesDB),
        .exports("doc with NUL", db + "    doc: \"a\\0b pwned_marker\"\n" + usesDB),
        .exports("doc with bidi overrides", db + "    doc: \"\\u202E pwned_marker() \\u2066\"\n" + usesDB),
        .exports("factory with LF", db + "    factory: \"make()\\npwned_marker()\"\n" + usesDB),
        .exports("factory with CRLF", db + "    factory: \"make()\\r\\npwned_marker()\"\n" + usesDB),
        .exports("title closing the docstring", "scenario: \"x\\\"\\\"\\\"\\npwned_marker()\\n\\\"\\\"\\\"\"\nroutes:\n  - GET /x: {returns: 1}\n"),
        .exports("title with \\x and \\N escapes", "scenario: 'a \\x41 \\N{BULLET} \\u0041 end\\'\nroutes:\n  - GET /x: {returns: 1}\n"),
        .exports("description with quotes and a final backslash", "description: \"\\\"\\\"\\\" + pwned_marker() #\\\\\"\nroutes:\n  - GET /x: {returns: 1}\n"),
        .exports("file name closing the docstring", file: "evil\"\"\"\npwned_marker()\n\"\"\".yaml", "routes:\n  - GET /x: {returns: 1}\n"),
        .exports("file name with backslash escapes", file: "C:\\new\\x\\N{x}\r\u{2028}.yaml", "routes:\n  - GET /x: {returns: 1}\n"),
        .exports("route path with quotes and backslashes", "routes:\n  - 'GET /a\"b\\c''d\");pwned_marker();(\"': {returns: 1}\n"),
        .exports("route path with a newline", "routes:\n  - \"GET /a\\npwned_marker()\": {returns: 1}\n"),
        .exports("returns literal", "routes:\n  - GET /x: {returns: \"'); pwned_marker() #\"}\n"),
        .exports("detail literal with triple quotes", "routes:\n  - GET /x: {raises: {status: 400, detail: \"\\\"\\\"\\\"); pwned_marker(); (\\\"\\\"\\\"\"}}\n"),
        .exports("message template", "routes:\n  - GET /x:\n      params: {q: str = 'a'}\n      raises: {exception: ValueError, message: \"{{q}}\\\"); pwned_marker(); #\"}\n"),
        .exports("raise headers", "routes:\n  - GET /x: {raises: {status: 401, headers: {\"X\\\"); pwned_marker(); (\\\"\": \"v\\npwned_marker()\"}}}\n"),
        .exports("lifespan step name", "app:\n  lifespan: {startup: [\"\\\"); pwned_marker(); (\\\"\"]}\nroutes:\n  - GET /x: {returns: 1}\n"),
        .exports("lifespan sets key", "app:\n  lifespan: {startup: [{step: s, sets: {\"k\\\"]; pwned_marker(); #\": 1}}]}\nroutes:\n  - GET /x: {returns: 1}\n"),
        .exports("lifespan sets reading a Python global", "app:\n  lifespan: {startup: [{step: s, sets: {env: \"{{os.environ}}\"}}]}\nroutes:\n  - GET /x: {returns: \"{{state.env}}\"}\n"),
        .exports("task raise condition reading a Python global", "tasks:\n  audit: {raises: {exception: ValueError, when: \"os.environ\"}}\nroutes:\n  - GET /x: {params: {bt: BackgroundTasks}, adds_tasks: [audit]}\n"),
        .exports("request strings", "routes:\n  - GET /x: {returns: 1}\nrequests:\n  - {request: \"GET /x?q=\\\"); pwned_marker(); #\", headers: {\"H\\\"\": \"v\\\"\\n\"}, cookies: {\"c\\\"\": \"\\\\\"}, body: {k: \"\\\"\\\"\\\"\"}}\n"),
        .exports("api key header name", "providers:\n  key: {scheme: api_key_header, header: \"X\\\"); pwned_marker(); (\\\"\"}\nroutes:\n  - GET /x: {params: {k: Depends(key)}}\n"),
        .exports("route doc", "routes:\n  - GET /x: {doc: \"x\\npwned_marker()\", returns: 1}\n"),
        .exports("except condition literal", db + "    yield: true\n    except: [{catch: ValueError, then: swallow, when: \"exc.message == '\\\"); pwned_marker(); (\\\"'\"}]\n" + usesDB),
        .exports("stream chunk literal", "routes:\n  - GET /x: {stream: [\"\\\"); pwned_marker(); (\\\"\", \"{{i}}\"]}\n"),
        .exports("exception handler body", "app:\n  exception_handlers:\n    ValueError: {status: 400, body: {\"k\\\"\": \"\\\"\\\"\\\" pwned_marker()\"}}\nroutes:\n  - GET /x: {raises: ValueError}\n"),
        .exports("security scopes", "providers:\n  user: {params: {ss: SecurityScopes}}\nroutes:\n  - GET /x:\n      params: {u: {security: user, scopes: [\"a\\\"); pwned_marker(); (\\\"\"]}}\n"),
        .exports("router prefixes", "routers:\n  r: {prefix: \"/r\\\"); pwned_marker(); (\\\"\", include: {in: app, prefix: \"/v\\\\\"}}\nroutes:\n  - GET /x: {router: r, returns: 1}\n"),
        .exports("graph labels with DOT and Mermaid syntax", "providers:\n  db: {yield: true}\nroutes:\n  - 'GET /a\"b\\c]|;<x>{y}#z-->pwned_marker': {params: {d: \"Depends(db, use_cache=False)\"}}\n"),
        .exports("soft keywords as parameter names", "routes:\n  - GET /x: {params: {match: int = 1, case: int = 2, type: str = 't', _: int = 0}, returns: \"{{match}}{{case}}{{type}}{{_}}\"}\n"),
        .exports("catching BaseException", db + "    yield: true\n    except: [{catch: BaseException, then: swallow}]\n" + usesDB),
        .exports("a class also named by instance_of", "providers:\n  Pager: {class: true, params: {page: int = 1}}\n  pager: {instance_of: Pager, returns: p}\nroutes:\n  - GET /c: {params: {p: Pager = Depends()}}\n  - GET /i: {params: {p: Depends(pager)}}\n"),
        .exports("websocket paths, labels, messages, reasons and client scripts", "rooms: [manager]\nroutes:\n  - 'WEBSOCKET /w\");pwned_marker();(\"':\n      steps:\n        - join: manager\n        - send: '\"\"\"); pwned_marker(); (\"\"\"'\n        - broadcast: {room: manager, text: '\"); pwned_marker(); (\" {{client}}'}\n        - loop:\n            - receive_json: m\n            - send_json: {k: '\"\"\"); pwned_marker(); (\"\"\"', v: '{{m}}'}\n      on_disconnect:\n        - raise: {exception: WebSocketException, code: 4000, reason: '\"\"\"); pwned_marker(); (\"\"\"'}\n  - WEBSOCKET /c:\n      steps: [accept, {close: {code: 4001, reason: '\"); pwned_marker(); (\"\\\\'}}]\nrequests:\n  - websocket: '/w\");pwned_marker();(\"?q=\"); pwned_marker(); (\"'\n    as: '\"); pwned_marker(); (\" #'\n    headers: {'X-\"); pwned_marker(); (\"': '\"\"\"); pwned_marker(); (\"\"\"'}\n    script: [{send: '\"\"\"); pwned_marker(); (\"\"\"'}, {send_json: {'\"); pwned_marker(); (\"': '\"\"\"); pwned_marker(); (\"\"\"'}}, receive, {close: {code: 4002, reason: '\"); pwned_marker(); (\"'}}]\n  - {websocket: /c, as: \"b\\n\\\"); pwned_marker(); (\\\"\"}\n"),
        .exports("instance_of naming an exception class", "providers:\n  db: {instance_of: Boom, returns: 1}\nroutes:\n  - GET /x: {params: {d: Depends(db)}, raises: {exception: Boom, when: \"d == 2\"}}\n"),
    ]

    static let all: [Self] = names + paths + texts
}
