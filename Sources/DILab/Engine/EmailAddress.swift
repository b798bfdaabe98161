/// pydantic's `EmailStr` (`validate_email` over email-validator 2.4, `check_deliverability=False`), ported for the
/// addresses dilab judges exactly: printable ASCII without quotes, angle brackets, square brackets or backslashes,
/// and no Punycode (`xn--`) label. Anything else is `unmodelled` — the loader refuses it in a scenario's requests
/// (see `EmailAddress.unmodelledReason`), since internationalised, quoted and display-name forms need IDNA and
/// Unicode tables dilab does not carry.
public enum EmailAddress {
    public enum Verdict: Equatable { case valid(String), invalid(String) }

    static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_!#$%&'*+-/=?^`{|}~".unicodeScalars)
    static let hostChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.".unicodeScalars)
    static let specialUse = ["arpa", "invalid", "local", "localhost", "onion", "test"]
    static let caseInsensitiveMailboxes: Set<String> = ["info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster",
                                                        "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp"]

    /// Why dilab cannot give email-validator's verdict on this text, or nil when it can.
    public static func unmodelledReason(_ s: String) -> String? {
        if s.unicodeScalars.count > 2048 || s.contains("\r") || s.contains("\n") { return nil }
        if let bad = s.unicodeScalars.first(where: { $0.value < 0x20 || $0.value > 0x7E }) {
            return "it contains U+\(String(bad.value, radix: 16, uppercase: true)), outside printable ASCII (IDNA and Unicode rules are not modelled)"
        }
        if let bad = s.first(where: { "\"<>[]\\".contains($0) }) {
            return "it contains '\(bad)' (quoted local parts, display names and IP literals are not modelled)"
        }
        if s.lowercased().contains("xn--") { return "it has a Punycode (xn--) label (IDNA decoding is not modelled)" }
        return nil
    }

    public static func validate(_ value: String) -> Verdict {
        if value.unicodeScalars.count > 2048 { return .invalid("Length must not exceed 2048 characters") }
        if value.contains("\r") || value.contains("\n") || value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            return .invalid("Carriage return and line feed characters are not allowed")
        }
        if let reason = unmodelledReason(value) { return .invalid("dilab does not model this address: \(reason)") }
        let email = value.trimmingCharacters(in: .whitespaces)
        guard let at = email.firstIndex(of: "@") else { return .invalid("An email address must have an @-sign.") }
        let local = String(email[..<at])
        let domain = String(email[email.index(after: at)...])
        if let reason = localProblem(local) { return .invalid(reason) }
        guard !domain.isEmpty else { return .invalid("There must be something after the @-sign.") }
        let normalizedDomain: String
        switch checkDomain(domain) {
        case .invalid(let reason): return .invalid(reason)
        case .valid(let d): normalizedDomain = d
        }
        let normalizedLocal = caseInsensitiveMailboxes.contains(local.lowercased()) ? local.lowercased() : local
        let original = local + "@" + domain
        if original.count > 254 { return .invalid("The email address is too long \(tooMany(original.count - 254)).") }
        return .valid(normalizedLocal + "@" + normalizedDomain)
    }

    static func tooMany(_ diff: Int) -> String { "(\(diff) character\(diff > 1 ? "s" : "") too many)" }

    /// How `safe_character_display` shows an ASCII character: `'c'`, or SPACE.
    static func display(_ c: Unicode.Scalar) -> String { c == " " ? "SPACE" : "'\(c)'" }

    static func localProblem(_ local: String) -> String? {
        if local.isEmpty { return "There must be something before the @-sign." }
        let scalars = Array(local.unicodeScalars)
        let isDotAtom = !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..") && scalars.allSatisfy { atext.contains($0) || $0 == "." }
        if isDotAtom { return nil }
        let bad = Set(scalars.filter { !atext.contains($0) && $0 != "." }.map(display))
        if !bad.isEmpty { return "The email address contains invalid characters before the @-sign: " + bad.sorted().joined(separator: ", ") + "." }
        if local.hasSuffix(".") { return "An email address cannot have a period immediately before the @-sign." }
        if local.hasPrefix(".") { return "An email address cannot start with a period." }
        if local.contains("..") { return "An email address cannot have two periods in a row." }
        return "The email address contains invalid characters before the @-sign."
    }

    static func checkDomain(_ raw: String) -> Verdict {
        if raw.count > 253 { return .invalid("The email address is too long after the @-sign \(tooMany(raw.count - 253)).") }
        let bad = Set(raw.unicodeScalars.filter { !hostChars.contains($0) }.map(display))
        if !bad.isEmpty { return .invalid("The part after the @-sign contains invalid characters: " + bad.sorted().joined(separator: ", ") + ".") }
        let domain = raw.lowercased()  // UTS #46 mapping, for ASCII
        if domain.hasSuffix(".") { return .invalid("An email address cannot end with a period.") }
        if domain.hasPrefix(".") { return .invalid("An email address cannot have a period immediately after the @-sign.") }
        if domain.contains("..") { return .invalid("An email address cannot have two periods in a row.") }
        if domain.hasSuffix("-") { return .invalid("An email address cannot end with a hyphen.") }
        if domain.hasPrefix("-") { return .invalid("An email address cannot have a hyphen immediately after the @-sign.") }
        if domain.contains(".-") || domain.contains("-.") { return .invalid("An email address cannot have a period and a hyphen next to each other.") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            let c = Array(label)
            if c.count >= 4, c[2] == "-", c[3] == "-", !(c[0] == "x" && c[1] == "n") {
                return .invalid("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.")
            }
        }
        for label in labels where label.count > 63 {
            return .invalid("After the @-sign, periods cannot be separated by so many characters \(tooMany(label.count - 63)).")
        }
        if !domain.contains(".") { return .invalid("The part after the @-sign is not valid. It should have a period.") }
        if !(domain.last?.isLetter ?? false) { return .invalid("The part after the @-sign is not valid. It is not within a valid top-level domain.") }
        if specialUse.contains(where: { domain == $0 || domain.hasSuffix("." + $0) }) {
            return .invalid("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
        }
        return .valid(domain)
    }
}
