import DILab
import Foundation

/// Tab completion as a pure function of (registry, state, line before the cursor): command words, HTTP methods,
/// route paths, provider names, profile names, sub-command words and file paths.
public struct Completer: Sendable {
    public var registry: CommandRegistry
    public init(registry: CommandRegistry) { self.registry = registry }

    /// Candidates for the word that ends at the end of `prefix` (the line up to the cursor), sorted, unique.
    public func candidates(prefix: String, state: ConsoleState) -> [String] {
        let endsInBlank = prefix.last.map { $0 == " " || $0 == "\t" } ?? true
        var words = prefix.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let partial = endsInBlank ? "" : (words.popLast() ?? "")
        // `GET /a & GET /b`: after an `&` a new request starts.
        if let amp = words.lastIndex(of: "&"), words.first.map(RequestLine.isMethod) == true {
            words = Array(words[(amp + 1)...])
            if words.isEmpty {
                return names(.method, partial: partial, state: state).filter { $0.hasPrefix(partial) }.sorted()
            }
        }
        let kinds: [ConsoleCommand.ArgumentKind]
        if words.isEmpty {
            kinds = [.command, .method]
        } else if RequestLine.isMethod(words[0]) {
            kinds = words.count == 1 ? [.route] : []
        } else if let c = registry.lookup(words[0]) {
            // `explain get_db 0.115`: position counts arguments already typed (options like -u excluded).
            let position = words.dropFirst().filter { !$0.hasPrefix("-") }.count
            var k = c.kinds(at: position)
            if k.contains(.method), words.dropFirst().contains(where: RequestLine.isMethod) { k = [.route] }
            if c.name == "request", position >= 1 { k = position == 1 ? [.route] : [] }
            kinds = k
        } else {
            kinds = []
        }
        var out: [String] = []
        let method = words.first(where: RequestLine.isMethod)?.uppercased()
        for kind in kinds { out += names(kind, partial: partial, state: state) }
        // The requests the scenario really sends (`/users/1`), before the route templates (`/users/{user_id}`).
        if kinds.contains(.route) { out += requestTargets(state, method: method) }
        var seen: Set<String> = []
        return out.filter { $0.hasPrefix(partial) && seen.insert($0).inserted }.sorted()
    }

    /// Targets of the scenario's `requests:` (for `method`, when one was typed).
    func requestTargets(_ state: ConsoleState, method: String?) -> [String] {
        (state.scenario?.requests ?? []).filter { method == nil || $0.method == method }.map(\.target)
    }

    func names(_ kind: ConsoleCommand.ArgumentKind, partial: String, state: ConsoleState) -> [String] {
        switch kind {
        case .command: return registry.commands.map(\.name)
        case .method:
            let methods = Set(state.app?.routes.map(\.route.method) ?? [])
            let list = methods.isEmpty ? RequestLine.methods : methods.sorted()
            // Lower-case typing completes to lower case: both work.
            return partial.first?.isLowercase == true ? list.map { $0.lowercased() } : list
        case .route: return state.app?.routes.map(\.fullPath) ?? []
        case .provider: return state.providerNames
        case .profile: return ProfileNames.all
        case .eventNumber: return state.numberedEvents.indices.map { String($0 + 1) }
        case .words(let w): return w
        case .file: return Completer.paths(partial)
        }
    }

    /// Entries of the directory named by `partial` that start with its last component; directories end in `/`.
    /// Hidden entries only when asked for with a leading dot. Scenario files (.yaml/.yml) and directories only.
    public static func paths(_ partial: String, cwd: String = FileManager.default.currentDirectoryPath) -> [String] {
        let expanded = partial.hasPrefix("~") ? NSString(string: partial).expandingTildeInPath + (partial.hasSuffix("/") && partial.count > 1 ? "/" : "") : partial
        let dirPart: String, namePart: String
        if let slash = partial.lastIndex(of: "/") {
            dirPart = String(partial[...slash])
            namePart = String(partial[partial.index(after: slash)...])
        } else {
            dirPart = ""
            namePart = partial
        }
        var dir = expanded.hasPrefix("/") ? "" : cwd + "/"
        if let slash = expanded.lastIndex(of: "/") { dir += String(expanded[...slash]) }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "/" : dir) else { return [] }
        return entries.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.compactMap { e in
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + e, isDirectory: &isDir), isDir.boolValue { return dirPart + e + "/" }
            return e.hasSuffix(".yaml") || e.hasSuffix(".yml") ? dirPart + e : nil
        }.sorted()
    }
}
