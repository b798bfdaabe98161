import DILab

/// Scenario names for the app's callables and tasks: the app's own name when dilab accepts it as a Python
/// name of the export, else the name with `_` appended until it is (said as a warning); two different objects
/// with one name get `_2`, `_3`.
struct ImportNames {
    private(set) var names: [Int: String] = [:]
    private var taken: Set<String> = []
    private(set) var renamed: [(from: String, to: String)] = []

    mutating func assign(_ id: Int, _ wanted: String) {
        guard names[id] == nil else { return }
        var base = wanted.isEmpty ? "dependency" : wanted
        if !PythonName.isIdentifier(base) {
            base = String(base.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
            if base.first?.isNumber ?? true { base = "f_" + base }
        }
        while base.hasPrefix("__") { base.removeFirst() }
        while PythonName.problem(base, as: .global) != nil { base += "_" }
        var name = base, n = 2
        while taken.contains(name) { name = "\(base)_\(n)"; n += 1 }
        if name != wanted { renamed.append((wanted, name)) }
        taken.insert(name)
        names[id] = name
    }

    subscript(_ id: Int) -> String { names[id] ?? "unknown_\(id)" }
}

/// A parameter name for the export: the app's, with `_value` appended while dilab would refuse it.
enum ParamName {
    static func safe(_ name: String) -> String {
        var n = name
        if !PythonName.isIdentifier(n) {
            n = String(n.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
            if n.first?.isNumber ?? true { n = "p_" + n }
        }
        while n.hasPrefix("__") { n.removeFirst() }
        while PythonName.problem(n, as: .parameter) != nil { n += "_value" }
        return n
    }
}
