import DILab

/// JUnit XML: one `<testsuite>` per scenario file, one `<testcase>` per expectation, with file and line.
public enum JUnitReport {
    public static func xml(_ results: [FileResult]) -> String {
        let total = results.reduce(0) { $0 + max(1, $1.cases.count) }
        let failures = results.reduce(0) { acc, r in acc + r.cases.filter { $0.failure != nil }.count + (r.problem != nil && r.status == .failed ? 1 : 0) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"dilab\" tests=\"\(total)\" failures=\"\(failures)\">\n"
        for r in results {
            let caseFailures = r.cases.filter { $0.failure != nil }.count
            let problemCase = r.problem != nil && r.status == .failed
            let tests = r.cases.count + (problemCase || r.status == .skipped ? 1 : 0)
            out += "  <testsuite name=\"\(escape(r.file))\" tests=\"\(tests)\" failures=\"\(caseFailures + (problemCase ? 1 : 0))\" skipped=\"\(r.status == .skipped ? 1 : 0)\" time=\"\(time(r.seconds))\">\n"
            if problemCase {
                out += "    <testcase classname=\"\(escape(r.file))\" name=\"load\" file=\"\(escape(r.file))\" line=\"1\">\n"
                out += "      <failure message=\"the scenario did not load\">\(escape(r.problem ?? ""))</failure>\n    </testcase>\n"
            }
            if r.status == .skipped {
                out += "    <testcase classname=\"\(escape(r.file))\" name=\"(no expectations)\" file=\"\(escape(r.file))\" line=\"1\">\n      <skipped/>\n    </testcase>\n"
            }
            for c in r.cases {
                let head = "    <testcase classname=\"\(escape(r.file))\" name=\"\(escape(c.name))\" file=\"\(escape(c.file))\" line=\"\(c.location.line)\""
                if let f = c.failure {
                    let first = f.split(separator: "\n").first.map(String.init) ?? f
                    out += head + ">\n      <failure message=\"\(escape(first))\">\(escape(f))</failure>\n    </testcase>\n"
                } else {
                    out += head + "/>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// Seconds with millisecond precision, as JUnit readers expect (`0.012`).
    static func time(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        let frac = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r" { out += "?" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
