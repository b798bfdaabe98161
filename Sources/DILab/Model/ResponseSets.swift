/// What a callable that takes `response: Response` writes to it (`sets:` on a provider or a route), in this order:
/// `response.headers[name] = value` for each header, `response.set_cookie(name, value)` for each cookie, then
/// `response.status_code = status`.
public struct ResponseSets: Sendable {
    /// Header names as written (HTTP token characters); values are literal text or `{{call}}` holes.
    public var headers: [(String, Template)] = []
    /// Cookie names and literal values, both from the characters `http.cookies` leaves unquoted.
    public var cookies: [(String, String)] = []
    public var status: Int?
    public var location: SourceLocation

    public init(location: SourceLocation = .unknown) { self.location = location }

    /// Starlette's `set_cookie(key, value)` with its defaults (path "/", samesite "lax"), as `http.cookies` prints it.
    public static func setCookie(_ name: String, _ value: String) -> String { "\(name)=\(value); Path=/; SameSite=lax" }

    /// RFC 9110 token characters: what a header name may be made of.
    public static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            c.isASCII && (CharacterSet.alphanumerics.contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
        }
    }

    /// `http.cookies._LegalChars`: a cookie name or value made only of these is printed unquoted.
    public static func isCookieText(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            c.isASCII && (CharacterSet.alphanumerics.contains(c) || "!#$%&'*+-.^_`|~:".unicodeScalars.contains(c))
        }
    }

    /// Visible ASCII with inner spaces only: what every server sends unchanged.
    public static func isHeaderText(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E } && s.first != " " && s.last != " "
    }
}

import Foundation
