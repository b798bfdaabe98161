import DILab

/// The profile names the REPL offers (completion, help, errors).
enum ProfileNames {
    static let all = Profile.allCases.map(\.rawValue)

    static func unknown(_ name: String) -> ConsoleError {
        ConsoleError("unknown FastAPI profile '\(name)'", hint: "use one of: " + all.joined(separator: ", ") + " (or a version such as 0.110)")
    }

    static func parse(_ name: String) throws -> Profile {
        guard let p = Profile(name: name) else { throw unknown(name) }
        return p
    }
}
