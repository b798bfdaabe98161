import Foundation

/// Finds scenario files: every `.yaml`/`.yml` under the given paths, in a stable order.
public enum Discovery {
    public static func scenarioFiles(under paths: [String]) throws -> [String] {
        var found: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw SuiteError.missingPath(path)
            }
            if !isDir.boolValue {
                found.append(path)
                continue
            }
            guard let walker = fm.enumerator(atPath: path) else { continue }
            for case let rel as String in walker where rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
                found.append((path as NSString).appendingPathComponent(rel))
            }
        }
        return Array(Set(found)).sorted()
    }
}

public enum SuiteError: Error, CustomStringConvertible {
    case missingPath(String)
    case updateRefusedInCI
    public var description: String {
        switch self {
        case .missingPath(let p): return "no such file or folder: \(p)"
        case .updateRefusedInCI: return "refusing --update: the CI environment variable is set, and CI never writes goldens"
        }
    }
}
