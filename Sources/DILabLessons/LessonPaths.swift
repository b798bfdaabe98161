import Foundation
import Yams

/// Containment rules for the file names a lesson gives: a shared lesson folder is untrusted input, so the
/// files it copies or shows (`start:`, `solution:`, `markdown:`) stay inside it, and the copy it writes
/// (`workspace_name:`) stays inside the learner's workspace. Scenarios that are only *run* may be shared
/// (`../../scenarios/...`), so `scenario:` is not restricted.
public enum LessonPaths {
    /// Why `relative` may not be used as a file of the lesson in `folder`, or nil when it stays inside:
    /// no absolute path, no `..` component, and, once symlinks are resolved, still under the folder.
    public static func problem(lessonFile relative: String, in folder: String) -> String? {
        if relative.isEmpty { return "is empty" }
        if relative.contains("\0") { return "contains a NUL byte" }
        if relative.hasPrefix("/") || relative.hasPrefix("~") { return "is an absolute path; name a file inside the lesson folder" }
        if relative.split(separator: "/").contains("..") { return "leaves the lesson folder ('..'); name a file inside it" }
        guard contains(folder, folder + "/" + relative) else {
            return "resolves (through a symlink) outside the lesson folder"
        }
        return nil
    }

    /// Why `name` may not be the learner's copy in `<state>/workspace/<lesson>/`, or nil: one plain file name.
    public static func problem(workspaceName name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.contains("\0") { return "contains a NUL byte" }
        if name == "." || name == ".." { return "is not a file name" }
        if name.contains("/") { return "must be a plain file name (no '/'): the copy lives in the state folder's workspace" }
        return nil
    }

    /// True when `path`, symlinks resolved and standardized, is `folder` itself or below it.
    public static func contains(_ folder: String, _ path: String) -> Bool {
        let base = resolved(folder)
        let target = resolved(path)
        return target == base || target.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    /// The real path: every symlink of every existing component followed; a missing tail is kept as written,
    /// and a dangling symlink is followed by hand (realpath gives up on it, a copy would not).
    public static func resolved(_ path: String, depth: Int = 0) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let real = realpath(absolute, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let url = URL(fileURLWithPath: absolute)
        let parent = url.deletingLastPathComponent().path
        guard parent != absolute, !parent.isEmpty, depth < 40 else { return (absolute as NSString).standardizingPath }
        let folder = resolved(parent, depth: depth + 1)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: absolute) {
            return resolved(target.hasPrefix("/") ? target : folder + "/" + target, depth: depth + 1)
        }
        return (folder as NSString).appendingPathComponent(url.lastPathComponent)
    }
}

/// The line and column of a value in a YAML text, for diagnostics the decoder cannot place.
enum YAMLPosition {
    enum Key { case key(String), index(Int) }

    /// Nil if the text does not compose or the path is not in it.
    static func mark(_ text: String, _ path: [Key]) -> (line: Int, column: Int)? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        for key in path {
            switch key {
            case .index(let i):
                guard let items = node.sequence, items.indices.contains(i) else { return nil }
                node = items[i]
            case .key(let k):
                guard let next = node[k] else { return nil }
                node = next
            }
        }
        return node.mark.map { ($0.line, $0.column) }
    }
}
