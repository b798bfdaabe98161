/// Starlette's `Request` as a template sees it: `{{request.method}}`, `{{request.url}}`, `{{request.headers.host}}`,
/// `{{request.query_params.q}}`, `{{request.path_params.user_id}}`, `{{request.cookies.session}}`.
///
/// The headers are those the server hands the app (`RequestValues.appHeaders()`, as `dilab verify`'s driver and
/// TestClient send them), in their order; a name given twice reads its first value, as `dict(request.headers)` does.
/// `{{request.client.host}}` / `.port` and `{{request.app.state.x}}` too.
extension RequestRun {
    /// One object per request, as Starlette's: built once, however many callables ask for it.
    func requestObject(_ reader: RequestValues) -> Value {
        if let built = requestValue { return withState(built) }
        let value = buildRequestObject(reader)
        requestValue = value
        return withState(value)
    }

    func buildRequestObject(_ reader: RequestValues) -> Value {
        var headers: [(String, String)] = []
        func add(_ name: String, _ value: String) {
            let key = name.lowercased()
            if !headers.contains(where: { $0.0 == key }) { headers.append((key, value)) }
        }
        for (k, v) in reader.appHeaders() { add(k, v) }
        let host = headers.first { $0.0 == "host" }?.1 ?? "testserver"
        let parts = request.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts.first ?? "")
        let query = parts.count > 1 ? "?" + parts[1] : ""
        // QueryParams and cookies as dicts: a repeated name keeps its first place and its last value.
        func lastWins(_ pairs: [(String, String)]) -> [(String, Value)] {
            var out: [(String, Value)] = []
            for (k, v) in pairs {
                if let i = out.firstIndex(where: { $0.0 == k }) { out[i].1 = .string(v) } else { out.append((k, .string(v))) }
            }
            return out
        }
        // Path parameters in the template's order, as Starlette's router fills `path_params`.
        let template = trace.route?.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
        let names = template.split(separator: "/").compactMap { seg -> String? in
            guard seg.hasPrefix("{"), seg.hasSuffix("}") else { return nil }
            return seg.dropFirst().dropLast().split(separator: ":").first.map(String.init)
        }
        return .object([
            ("method", .string(request.method)),
            // Starlette's URL: scheme, host, the percent-decoded path, the raw query string.
            ("url", .string("http://\(host)\(path.removingPercentEncoding ?? path)\(query)")),
            ("headers", .object(headers.map { ($0.0, .string($0.1)) })),
            ("query_params", .object(lastWins(request.query))),
            ("path_params", .object(names.compactMap { n in reader.pathValues[n].map { (n, .string($0)) } })),
            ("cookies", .object(lastWins(reader.cookies))),
            // The ASGI scope's `client`, as TestClient and dilab's verify driver fill it.
            ("client", .object([("host", .string("testclient")), ("port", .int(clientPort))])),
            // `request.app.state`: what the app set at creation, then what its lifespan set (as `app.state.x = ...`).
            ("app", .object([("state", engine.appStateValue)])),
            // `request.state` (set by middleware and dependencies) is not modelled yet: RequestState is its seam.
        ])
    }
}

import Foundation
