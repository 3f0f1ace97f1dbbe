import Foundation
import GatewayCore

/// The status page's pictures, drawn on the server as inline SVG (no script): containers by state over time, and
/// chat turns started per minute.
enum StatusCharts {
    static let width = 720.0
    static let height = 180.0
    /// Room for the axis labels.
    static let left = 40.0, bottom = 20.0, top = 10.0

    /// The colour of each state, shared by the chart and the page's tables.
    static func colour(_ state: ContainerState) -> String {
        switch state {
        case .running: "#2e7d32"
        case .provisioning: "#1565c0"
        case .suspended: "#757575"
        case .failed: "#c62828"
        }
    }

    /// One line per state through the samples, oldest left.
    static func containers(_ samples: [ContainerHistory.Sample]) -> String {
        guard let first = samples.first, let last = samples.last else { return "" }
        let span = max(last.at.timeIntervalSince(first.at), 60)
        let peak = samples.flatMap { $0.counts.values }.max() ?? 0
        let scale = Self.scale(peak)
        var lines = ""
        for state in ContainerState.allCases {
            let points = samples.map { sample in
                let x = Self.left + (Self.width - Self.left) * sample.at.timeIntervalSince(first.at) / span
                return (x, Self.y(Double(sample.counts[state] ?? 0), scale: scale))
            }
            let path = points.map { "\(Self.format($0.0)),\(Self.format($0.1))" }.joined(separator: " ")
            lines += #"<polyline fill="none" stroke-width="2" stroke="\#(Self.colour(state))" points="\#(path)"><title>\#(state.rawValue)</title></polyline>"#
            if points.count == 1, let point = points.first {
                lines += #"<circle r="3" fill="\#(Self.colour(state))" cx="\#(Self.format(point.0))" cy="\#(Self.format(point.1))"/>"#
            }
        }
        return Self.frame(
            title: "Containers by state, \(Self.time(first.at)) to \(Self.time(last.at)) UTC", scale: scale,
            from: first.at, to: last.at, body: lines
        )
    }

    /// One bar per minute of the window ending at `now`.
    static func turns(_ perMinute: [Date: Int], window: Duration, now: Date) -> String {
        let minutes = Int(window.timeInterval / 60)
        let end = (now.timeIntervalSince1970 / 60).rounded(.down) * 60
        let start = end - Double(minutes - 1) * 60
        let peak = perMinute.values.max() ?? 0
        let scale = Self.scale(peak)
        let barWidth = (Self.width - Self.left) / Double(minutes)
        var bars = ""
        for (minute, count) in perMinute.sorted(by: { $0.key < $1.key }) where count > 0 {
            let index = (minute.timeIntervalSince1970 - start) / 60
            guard index >= 0, index < Double(minutes) else { continue }
            let y = Self.y(Double(count), scale: scale)
            bars += ##"<rect fill="#6a1b9a" x="\##(Self.format(Self.left + index * barWidth))" y="\##(Self.format(y))" width="\##(Self.format(max(barWidth - 1, 1)))" height="\##(Self.format(Self.height - Self.bottom - y))"><title>\##(Self.time(minute)) UTC: \##(count)</title></rect>"##
        }
        let from = Date(timeIntervalSince1970: start), to = Date(timeIntervalSince1970: end)
        return Self.frame(title: "Chat turns started per minute, \(Self.time(from)) to \(Self.time(to)) UTC", scale: scale, from: from, to: to, body: bars)
    }

    /// The axes, grid and labels around `body`.
    private static func frame(title: String, scale: Int, from: Date, to: Date, body: String) -> String {
        let baseline = Self.height - Self.bottom
        var grid = ""
        for value in [0, scale / 2, scale] where value > 0 || scale == 0 {
            let y = Self.format(Self.y(Double(value), scale: scale))
            grid += ##"<line x1="\##(Self.left)" x2="\##(Self.width)" y1="\##(y)" y2="\##(y)" stroke="#e0e0e0"/>"##
            grid += #"<text x="\#(Self.left - 6)" y="\#(y)" text-anchor="end" dominant-baseline="middle">\#(value)</text>"#
        }
        return """
            <svg class="chart" role="img" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" width="\(Int(Self.width))" height="\(Int(Self.height))" xmlns="http://www.w3.org/2000/svg">\
            <title>\(HTML.escape(title))</title>\(grid)\
            <line x1="\(Self.left)" x2="\(Self.width)" y1="\(baseline)" y2="\(baseline)" stroke="#9e9e9e"/>\
            <text x="\(Self.left)" y="\(Self.height - 4)">\(Self.time(from))</text>\
            <text x="\(Self.width)" y="\(Self.height - 4)" text-anchor="end">\(Self.time(to))</text>\(body)</svg>
            """
    }

    /// The top of the y axis: the peak rounded up to an even number (at least 2), so the middle line is whole.
    private static func scale(_ peak: Int) -> Int { max(2, peak + peak % 2) }

    private static func y(_ value: Double, scale: Int) -> Double {
        Self.height - Self.bottom - (Self.height - Self.bottom - Self.top) * value / Double(scale)
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `HH:mm` in UTC.
    static func time(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let minutes = (seconds / 60) % 60, hours = (seconds / 3600) % 24
        return String(format: "%02d:%02d", hours, minutes)
    }
}
