import DILab

/// `dilab export --to html`: the run's lanes (see `Lanes`) as one self-contained page — inline CSS and SVG,
/// no script, no font or image from the network — that any browser opens from disk.
///
/// Every name from the scenario (titles, providers, tasks, paths) is escaped before it reaches the page.
/// The geometry is public (`layout`) so a test can find each bar in a screenshot.
public enum HTMLTimelineExporter {
    public static let labelWidth = 300
    public static let plotWidth = 840
    public static let rowHeight = 22
    public static let barHeight = 14
    public static let laneGap = 18
    public static let top = 110
    /// The page's header is exactly this tall, and the SVG's user space starts at this y: one SVG unit is one
    /// CSS pixel at the same place on the page.
    public static let header = 72
    public static var width: Int { labelWidth + plotWidth + 40 }

    /// Fill colours by span kind (`#rrggbb`): what the legend shows and a screenshot test looks for.
    public static func colour(_ k: LaneTimeline.SpanKind) -> String {
        switch k {
        case .request: return "#c8ccd2"
        case .hold: return "#f0a020"
        case .handler: return "#23a055"
        case .stream: return "#c0399b"
        case .task: return "#2f6fdb"
        case .wait: return "#fbd0cc"
        case .unit: return "#8660c8"
        }
    }

    public static func colour(_ k: LaneTimeline.MarkKind) -> String {
        switch k {
        case .sent: return "#c0399b"
        case .disconnect: return "#ff7a00"
        case .cancel: return "#8b1a1a"
        case .deadlock: return "#e00000"
        }
    }

    /// One bar on the page, in CSS pixels from the page's top-left corner.
    public struct Placed: Sendable, Equatable {
        public var lane: Int
        public var row: Int
        public var span: LaneTimeline.Span
        public var x: Int, y: Int, width: Int, height: Int
        public var fill: String
    }

    public struct Layout: Sendable {
        public var bars: [Placed]
        /// y of each lane's title and of each row (lane index, row index) → top.
        public var rowTops: [[Int]]
        public var laneTops: [Int]
        public var height: Int
        public func x(_ t: Int, _ timeline: LaneTimeline) -> Int {
            let span = max(1, timeline.end - timeline.start)
            return HTMLTimelineExporter.labelWidth + (t - timeline.start) * HTMLTimelineExporter.plotWidth / span
        }
    }

    public static func layout(_ timeline: LaneTimeline) -> Layout {
        var layout = Layout(bars: [], rowTops: [], laneTops: [], height: 0)
        var y = top
        for (l, lane) in timeline.lanes.enumerated() {
            layout.laneTops.append(y)
            y += rowHeight
            var tops: [Int] = []
            for (r, row) in lane.rows.enumerated() {
                tops.append(y)
                for s in row.spans {
                    let a = layout.x(s.start, timeline), b = layout.x(s.end, timeline)
                    let h = s.kind == .request ? 6 : barHeight
                    layout.bars.append(Placed(lane: l, row: r, span: s, x: a, y: y + (rowHeight - h) / 2, width: max(4, b - a), height: h,
                                              fill: colour(s.kind)))
                }
                y += rowHeight
            }
            layout.rowTops.append(tops)
            y += laneGap
        }
        layout.height = y + 60
        return layout
    }

    public static func export(_ run: RunResult, app: CompiledApp) -> String {
        render(Lanes.build(run, app: app), warnings: HoldAnalysis.warnings(run, app: app).map(\.text))
    }

    public static func render(_ timeline: LaneTimeline, warnings: [String] = []) -> String {
        let layout = self.layout(timeline)
        let requests = timeline.lanes.filter { if case .request = $0.kind { return true } else { return false } }.count
        var svg = ""
        // Axis: five ticks, with faint grid lines down the whole picture.
        let span = max(1, timeline.end - timeline.start)
        for q in 0...4 {
            let t = timeline.start + span * q / 4
            let x = layout.x(t, timeline)
            svg += "<line class=\"grid\" x1=\"\(x)\" y1=\"\(top - 12)\" x2=\"\(x)\" y2=\"\(layout.height - 50)\"/>"
            svg += "<text class=\"tick\" x=\"\(x)\" y=\"\(top - 18)\" text-anchor=\"\(q == 0 ? "start" : q == 4 ? "end" : "middle")\">\(t) ms</text>\n"
        }
        for (l, lane) in timeline.lanes.enumerated() {
            let ly = layout.laneTops[l]
            let isRequest: Bool = { if case .request = lane.kind { return true } else { return false } }()
            svg += "<rect class=\"\(isRequest ? "lane" : "lane resource")\" x=\"8\" y=\"\(ly)\" width=\"\(width - 16)\" height=\"\(rowHeight * (lane.rows.count + 1) + 4)\"/>"
            svg += "<text class=\"title\" x=\"16\" y=\"\(ly + 16)\">\(escape(lane.title))</text>\n"
            for (r, row) in lane.rows.enumerated() {
                svg += "<text class=\"label\" x=\"28\" y=\"\(layout.rowTops[l][r] + 15)\">\(escape(clip(row.label, 40)))</text>\n"
            }
            for m in lane.marks {
                let x = layout.x(m.t, timeline)
                let y0 = ly + 2, y1 = ly + rowHeight * (lane.rows.count + 1)
                let c = colour(m.kind)
                switch m.kind {
                case .sent:
                    svg += "<line class=\"mark sent\" x1=\"\(x)\" y1=\"\(y0)\" x2=\"\(x)\" y2=\"\(y1)\" stroke=\"\(c)\"><title>\(escape(m.label))</title></line>\n"
                case .disconnect, .cancel:
                    svg += "<line class=\"mark \(m.kind.rawValue)\" x1=\"\(x)\" y1=\"\(y0)\" x2=\"\(x)\" y2=\"\(y1)\" stroke=\"\(c)\"><title>\(escape(m.label))</title></line>"
                    svg += "<polygon points=\"\(x - 6),\(y0) \(x + 6),\(y0) \(x),\(y0 + 9)\" fill=\"\(c)\"/>"
                    // Marks at one moment share one label ("disconnect + cancel"), written once.
                    let together = lane.marks.filter { $0.t == m.t && ($0.kind == .disconnect || $0.kind == .cancel) }
                    if together.first == m {
                        svg += "<text class=\"marklabel\" x=\"\(x + 8)\" y=\"\(y0 + 10)\" fill=\"\(c)\">\(escape(together.map(\.kind.rawValue).joined(separator: " + ")))</text>"
                    }
                    svg += "\n"
                case .deadlock:
                    let cy = ly + 11
                    svg += "<g class=\"mark deadlock\" stroke=\"\(c)\"><line x1=\"\(x - 7)\" y1=\"\(cy - 7)\" x2=\"\(x + 7)\" y2=\"\(cy + 7)\"/><line x1=\"\(x - 7)\" y1=\"\(cy + 7)\" x2=\"\(x + 7)\" y2=\"\(cy - 7)\"/><title>\(escape(m.label))</title></g>"
                    svg += "<text class=\"marklabel\" x=\"\(x + 10)\" y=\"\(cy + 4)\" fill=\"\(c)\">deadlock</text>\n"
                }
            }
        }
        for b in layout.bars {
            let cls = "bar \(b.span.kind.rawValue)" + (b.span.open ? " open" : "") + (b.span.failed ? " failed" : "")
            svg += "<rect class=\"\(cls)\" x=\"\(b.x)\" y=\"\(b.y)\" width=\"\(b.width)\" height=\"\(b.height)\" fill=\"\(b.fill)\">"
            svg += "<title>\(escape(b.span.label + " · " + b.span.note))</title></rect>"
            if b.span.kind == .unit, b.width >= 22 {
                svg += "<text class=\"unitlabel\" x=\"\(b.x + 4)\" y=\"\(b.y + 11)\">\(escape(b.span.label))</text>"
            }
            svg += "\n"
        }
        let legendY = layout.height - 30
        var lx = labelWidth
        for k in LaneTimeline.SpanKind.allCases where k != .request {
            svg += "<rect class=\"bar \(k.rawValue)\" x=\"\(lx)\" y=\"\(legendY - 10)\" width=\"18\" height=\"10\" fill=\"\(colour(k))\"/>"
            svg += "<text class=\"legend\" x=\"\(lx + 22)\" y=\"\(legendY)\">\(legendName(k))</text>"
            lx += 132
        }
        svg += "\n"

        let how = timeline.concurrent ? "on one event loop" : "one after another"
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(timeline.scenario)) · dilab timeline</title>
        <style>
        body { margin: 0; background: #ffffff; color: #1d2430; font: 13px/1.4 system-ui, sans-serif; }
        header { padding: 14px 20px 0 20px; height: \(header)px; box-sizing: border-box; }
        h1 { font-size: 17px; margin: 0 0 4px 0; }
        p.sub { margin: 0; color: #5b6472; }
        h1, p.sub { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        svg { display: block; }
        .lane { fill: #f6f7f9; stroke: #e1e4e8; }
        .lane.resource { fill: #f3f0fa; }
        .title { font-weight: 600; font-size: 13px; fill: #1d2430; }
        .label, .legend, .tick { font-size: 12px; fill: #4a5260; }
        .grid { stroke: #e6e8eb; stroke-width: 1; }
        .bar.wait { stroke: #d0342c; stroke-width: 1.5; stroke-dasharray: 4 3; }
        .bar.failed { stroke: #e00000; stroke-width: 2; }
        .bar.open { stroke: #1d2430; stroke-dasharray: 2 2; }
        .bar.wait.open { stroke: #d0342c; }
        .mark { stroke-width: 2; }
        .mark.sent { stroke-dasharray: 5 3; }
        .marklabel { font-size: 11px; font-weight: 600; }
        .bar.unit { stroke: #ffffff; stroke-width: 1.5; }
        .unitlabel { font-size: 11px; fill: #ffffff; font-weight: 600; }
        pre.warn { margin: 0 20px 20px 20px; padding: 10px; background: #fff6e0; border: 1px solid #f0c060; white-space: pre-wrap; font-size: 12px; }
        </style>
        </head>
        <body>
        <header>
        <h1>\(escape(timeline.scenario))</h1>
        <p class="sub">FastAPI \(escape(timeline.profile.fastapiVersion)) (profile \(escape(timeline.profile.rawValue))) · \(requests) request\(requests == 1 ? "" : "s") \(how) · \(timeline.start)–\(timeline.end) ms (virtual)</p>
        </header>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(layout.height - header)" viewBox="0 \(header) \(width) \(layout.height - header)">

        """
        html += svg
        html += "</svg>\n"
        if !warnings.isEmpty {
            html += "<pre class=\"warn\">" + warnings.map(escape).joined(separator: "\n") + "</pre>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    static func legendName(_ k: LaneTimeline.SpanKind) -> String {
        switch k {
        case .request: return "request"
        case .hold: return "yield held"
        case .handler: return "handler"
        case .stream: return "stream body"
        case .task: return "background task"
        case .wait: return "waiting"
        case .unit: return "unit held"
        }
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }

    /// Text and attribute values alike: `&`, `<`, `>`, quotes.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
