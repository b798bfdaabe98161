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

/// Why a version the user typed (`--fastapi 0.99`) maps to the profile it does, so the choice is never silent.
public enum ProfileChoice {
    /// The FastAPI versions each profile stands for.
    public static func range(_ p: Profile) -> String {
        switch p {
        case .latest: return "0.121 and later"
        case .v0_120: return "0.118–0.120"
        case .v0_115: return "0.106–0.117"
        case .v0_105: return "0.105 and earlier"
        }
    }

    /// Nil when `name` is a profile's own name; else one line naming the profile, its range and its measured version.
    public static func note(for name: String, profile p: Profile) -> String? {
        let typed = name.trimmingCharacters(in: .whitespaces)
        if Profile(rawValue: typed) != nil { return nil }
        var line = "FastAPI \(typed) → profile \(p.rawValue): that profile covers FastAPI \(range(p)), measured on \(p.fastapiVersion)"
        let minor = typed.split(separator: ".").dropFirst().first.flatMap { Int($0) }
        if p == .v0_105, let minor, minor < 105 {
            line += "; \(typed) is older than any version dilab measured, so this is the closest it knows"
        } else if p == .latest, let minor, minor > 165 {
            line += "; \(typed) is newer than any version dilab measured"
        }
        return line
    }
}
