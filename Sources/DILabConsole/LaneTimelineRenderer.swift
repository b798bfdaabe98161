import DILab

/// The whole run in the terminal, one lane per request (and per slot or pool) on a shared axis of milliseconds:
///
/// ```
/// #1 GET /stream
///   request        ├──────────────────────▲───┤   0 → 530 ms · 200
///   get_db         ━━━━━━━━━━━━━━━━━━━━━━━━━━━━   held 0 → 530 ms · scope=request
///   handler        ▓                              stream_items 0 → 5 ms
///   stream          ≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈         body 5 → 300 ms
/// ```
///
/// Unlike `TimelineRenderer` (one request, columns are events), columns here are time: what overlaps, overlaps.
public enum LaneTimelineRenderer {
    public static let plotWidth = 60

    static func glyph(_ k: LaneTimeline.SpanKind) -> Character {
        switch k {
        case .request: return "─"
        case .hold: return "━"
        case .handler: return "▓"
        case .stream: return "≈"
        case .task: return "═"
        case .wait: return "┄"
        case .unit: return "▒"
        }
    }

    static func mark(_ k: LaneTimeline.MarkKind) -> Character {
        switch k {
        case .sent: return "▲"
        case .disconnect: return "↯"
        case .cancel: return "⊘"
        case .deadlock: return "✕"
        }
    }

    static func paint(_ k: LaneTimeline.SpanKind, _ s: String, style: Style) -> String {
        switch k {
        case .request: return style.dim(s)
        case .hold: return style.yellow(s)
        case .handler: return style.green(s)
        case .stream: return style.magenta(s)
        case .task: return style.blue(s)
        case .wait: return style.cyan(s)
        case .unit: return style.bold(s)
        }
    }

    public static func render(_ timeline: LaneTimeline, style: Style = .plain, width: Int = plotWidth) -> String {
        let w = max(10, width)
        let span = max(1, timeline.end - timeline.start)
        func col(_ t: Int) -> Int { min(w - 1, max(0, (t - timeline.start) * (w - 1) / span)) }
        let labelWidth = min(30, max(12, timeline.lanes.flatMap { $0.rows.map { $0.label.count + 2 } }.max() ?? 0) + 1)
        let requests = timeline.lanes.filter { if case .request = $0.kind { return true } else { return false } }.count
        let how = timeline.concurrent ? "on one event loop" : "one after another"
        var out = style.bold("timeline · \(requests) request\(requests == 1 ? "" : "s") \(how) · \(timeline.start)–\(timeline.end) ms")
        out += style.dim(" · 1 column ≈ \(max(1, (span + w - 2) / (w - 1))) ms") + "\n"

        // The axis: tick labels at 0, ¼, ½, ¾ and the end.
        var axis = Array(repeating: Character(" "), count: w + 8)
        for q in 0...4 {
            let t = timeline.start + span * q / 4
            let label = Array(q == 0 ? "\(t) ms" : "\(t)")
            var at = col(t)
            if q == 4 { at = max(0, w - label.count) }
            for (k, ch) in label.enumerated() where at + k < axis.count { axis[at + k] = ch }
        }
        out += String(repeating: " ", count: labelWidth) + style.dim(String(axis).trimmingTrailing) + "\n"

        for lane in timeline.lanes {
            out += style.bold(lane.title) + "\n"
            for (r, row) in lane.rows.enumerated() {
                var cells = Array(repeating: Character(" "), count: w)
                var kinds = Array(repeating: LaneTimeline.SpanKind?.none, count: w)
                for s in row.spans {
                    let a = col(s.start), b = max(col(s.end), col(s.start))
                    for x in a...b { cells[x] = glyph(s.kind); kinds[x] = s.kind }
                    if s.kind == .request {
                        cells[a] = "├"
                        if !s.open { cells[b] = "┤" }
                    }
                    if s.kind == .unit {
                        for (k, ch) in s.label.enumerated() where a + k <= b { cells[a + k] = ch }
                    }
                    if s.open { cells[b] = "▶" }
                    if s.failed { cells[b] = "✕" }
                }
                // Marks go on the lane's first row (the request's life).
                var marked = Set<Int>()
                if r == 0 {
                    for m in lane.marks {
                        let x = col(m.t)
                        cells[x] = mark(m.kind)
                        marked.insert(x)
                    }
                }
                var painted = ""
                var x = 0
                while x < w {
                    if marked.contains(x) {
                        painted += style.bold(String(cells[x]))
                        x += 1
                        continue
                    }
                    let k = kinds[x]
                    var run = ""
                    while x < w, kinds[x] == k, !marked.contains(x) { run.append(cells[x]); x += 1 }
                    painted += k.map { paint($0, run, style: style) } ?? run
                }
                let label = "  " + row.label
                let cut = label.count > labelWidth - 1 ? String(label.prefix(labelWidth - 2)) + "…" : label
                let note = row.spans.map(\.note).joined(separator: "; ")
                out += (cut + String(repeating: " ", count: max(1, labelWidth - cut.count)) + painted + "  " + style.dim(note)).trimmingTrailing + "\n"
            }
            let marks = lane.marks.filter { $0.kind != .sent }
            if !marks.isEmpty {
                out += String(repeating: " ", count: labelWidth) + marks.map { "\(mark($0.kind)) \($0.label)" }.joined(separator: " · ") + "\n"
            }
        }
        for h in timeline.pinned.prefix(8) {
            out += style.yellow("  ! #\(h.request) \(h.provider) held \(h.held) ms, last used at \(h.lastUseAt) ms: \(h.idle) ms idle through \(h.heldThrough.joined(separator: " and "))") + "\n"
        }
        if timeline.pinned.count > 8 { out += style.yellow("  ! … and \(timeline.pinned.count - 8) more held past their last use") + "\n" }
        out += style.dim("  ━ yield held  ▓ handler  ≈ stream  ═ task  ┄ waiting  ▒ unit held  ▲ sent  ↯ disconnect  ⊘ cancel  ✕ deadlock/failed  ▶ never ended") + "\n"
        return out
    }
}
