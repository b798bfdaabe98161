import DILab

/// Word-wrapping for the long prose of rules, so explanations stay readable in an 80–100 column terminal.
enum Wrap {
    static func lines(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty, line.count + 1 + word.count > width {
                out.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty { out.append(line) }
        return out
    }

    /// `text` wrapped at 100 columns: first line indented by `indent`, the rest by `hanging`; `bold` is emphasised once.
    static func paragraph(_ text: String, indent: Int, hanging: Int, bold: String? = nil, style: Style, width: Int = 100) -> String {
        let ls = lines(text, width: width - hanging)
        return ls.enumerated().map { i, l in
            var l = l
            if i == 0, let bold, let r = l.range(of: bold) { l.replaceSubrange(r, with: style.bold(bold)) }
            return String(repeating: " ", count: i == 0 ? indent : hanging) + l + "\n"
        }.joined()
    }
}

extension String {
    var trimmingTrailingNewline: String {
        var s = self
        while s.last == "\n" || s.last == " " { s.removeLast() }
        return s
    }
}
