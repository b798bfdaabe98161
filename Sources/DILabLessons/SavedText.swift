import Foundation

/// The text a watched exercise file had when it was last checked (or when the watch began). Editors save
/// without changes (`:w` twice, format-on-save, a touch): such a save must not cost the learner an attempt,
/// so a save is checked only when the bytes differ. Content, not the modification time, decides.
public struct SavedText: Sendable, Equatable {
    public let path: String
    public private(set) var contents: Data?

    /// Remembers the file's text as it is now.
    public init(path: String) {
        self.path = path
        self.contents = FileManager.default.contents(atPath: path)
    }

    /// True when the file's text differs from the remembered one; remembers the new text either way.
    public mutating func changed() -> Bool {
        let now = FileManager.default.contents(atPath: path)
        defer { contents = now }
        return now != contents
    }
}
