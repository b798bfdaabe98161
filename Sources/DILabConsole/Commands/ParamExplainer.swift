import DILab
import Foundation

/// `why db`: where a handler parameter's value came from in the last request — its declaration, the events
/// that produced it (a call, a cache hit, a yield), an override, or the request itself.
struct ParamExplainer {
    let state: ConsoleState

    /// Nil when `name` is no parameter of the last request's handler (then it is read as a provider name).
    func explain(_ name: String) throws -> String? {
        guard let trace = state.lastTrace, let app = state.app,
              let handler = trace.events.first(where: { $0.kind == .handler }),
              let route = app.routes.first(where: { $0.route.handlerName == handler.subject }),
              let param = route.route.params.first(where: { $0.name == name }) else { return nil }
        let style = state.style
        var out = style.bold(name) + " — a parameter of the handler \(handler.subject) (\(route.route.method) \(route.fullPath))\n"
        let events = ConsoleState.numbered(trace)
        switch param.kind {
        case .depends(let d):
            out += "  declared as `\(name): \(d.isSecurity ? "Security" : "Depends")(\(d.provider)\(d.useCache ? "" : ", use_cache=False")\(d.scope.map { ", scope=\"\($0)\"" } ?? ""))`\n"
            let provider = state.overrides[d.provider] ?? d.provider
            if provider != d.provider { out += style.yellow("  overridden: dependency_overrides[\(d.provider)] = \(provider), so \(provider) produced it") + "\n" }
            let produced = events.enumerated().filter { [.call, .enter, .cacheHit].contains($0.element.kind) && $0.element.subject == provider }
            for (i, e) in produced {
                let how = e.kind == .cacheHit ? "a cache hit: the value stored earlier in this request" : (e.kind == .enter ? "the value the generator yielded" : "the value it returned")
                out += "  #\(i + 1) \(e.compact): \(how)" + (e.detail.isEmpty ? "" : " — \(e.detail)") + "\n"
            }
            if produced.isEmpty { out += "  no event of \(provider) in this request\n" }
        case .request(let rp):
            let inferred = route.fullPath.contains("{\(name)}") ? "the path" : "the query string"
            out += "  read from the request (\(rp.source == .inferred ? inferred : rp.source.rawValue))"
                + (rp.defaultValue.map { ", default \($0.json)" } ?? "") + "; no dependency is involved\n"
        case .backgroundTasks:
            out += "  the request's one BackgroundTasks object, shared with every dependency that asks for it\n"
        case .securityScopes:
            out += "  the scopes accumulated from the Security(...) declarations above it\n"
        case .requestObject:
            out += "  Starlette's Request: the method, url, headers, query and path parameters and cookies of this request\n"
        case .responseObject:
            out += "  the request's one temporal Response, shared with every callable that asks for it: its headers, cookies and status reach the response FastAPI builds\n"
        case .webSocket:
            out += "  the websocket connection itself, which FastAPI passes to every callable that asks for it\n"
        }
        out += "  the handler received: " + handler.detail + "\n"
        return out
    }
}
