/// The `Response()` FastAPI's `solve_dependencies` makes once per request (`status_code = None`, no headers) and
/// passes to every callable with a `Response` parameter, cached or not. After the handler, `get_request_handler`
/// builds the real response with `status_code=sub_response.status_code` when one was set, then
/// `response.headers.raw.extend(sub_response.headers.raw)` — unless the handler returned a Response of its own,
/// which is sent as it is. An error response (HTTPException, validation, a handler's 500) never sees it.
/// Observed identical on 0.165.0, 0.120.4, 0.115.14 and 0.105.0.
struct TemporalResponse {
    /// Lower-cased names in the order first set, as Starlette's MutableHeaders keeps them.
    var headers: [(String, String)] = []
    var status: Int?

    /// `response.headers[name] = v` replaces the first header of that name in place and drops any others;
    /// `set_cookie` appends a `set-cookie` header each time.
    mutating func apply(_ sets: ResponseSets, env: TemplateEnv, run: RequestRun, by owner: String, depth: Int) throws(PyError) {
        for (name, template) in sets.headers {
            let key = name.lowercased(), value = try run.render(template, env, by: owner, depth: depth).text
            if let i = headers.firstIndex(where: { $0.0 == key }) {
                headers[i].1 = value
                headers = headers.enumerated().filter { $0.offset <= i || $0.element.0 != key }.map(\.element)
            } else {
                headers.append((key, value))
            }
        }
        for (name, value) in sets.cookies { headers.append(("set-cookie", ResponseSets.setCookie(name, value))) }
        if let s = sets.status { status = s }
    }
}
