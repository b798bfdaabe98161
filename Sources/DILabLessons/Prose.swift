/// Wrapping for explanations at the lesson's prose width, so a rule's long sentence stays readable in a terminal.
enum Prose {
    static let width = 78

    /// Each paragraph line is wrapped; lines that start with a space (trace excerpts) are kept as they are.
    /// Continuation lines get `hanging` (default: `indent`), so a bullet's text lines up under its first word.
    static func wrap(_ text: String, width: Int = width, indent: String = "", hanging: String? = nil) -> String {
        let hang = hanging ?? indent
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix(" ") || line.count + indent.count <= width { return indent + line }
            var out: [String] = []
            var cur = ""
            for word in line.split(separator: " ") {
                let lead = out.isEmpty ? indent : hang
                if !cur.isEmpty, lead.count + cur.count + 1 + word.count > width { out.append(lead + cur); cur = String(word) }
                else { cur += (cur.isEmpty ? "" : " ") + word }
            }
            if !cur.isEmpty { out.append((out.isEmpty ? indent : hang) + cur) }
            return out.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
