import Foundation
import GatewayCore

/// The HTML of `GET /status`: one self-contained page (inline style and SVG, no script) that reloads every 30 s.
/// Every value from the store or a peer is escaped.
struct StatusPage {
    let report: StatusReport
    let history: [ContainerHistory.Sample]
    /// The doctor's latest result and whether a run is under way; nil: no doctor on this server (no section).
    let doctor: (result: DoctorResults.Result?, refreshing: Bool)?
    let turnWindow: Duration
    let routing: PreviewRouting
    /// The server list as last read.
    let servers: [ServerSlot]

    func render() -> String {
        let now = self.report.generatedAt
        let states = ContainerState.allCases
        let cards = states.map { state in
            Self.card("\(self.report.count(state))", "\(state.rawValue)", colour: StatusCharts.colour(state))
        } + [
            Self.card("\(self.report.livePreviewCount)", "live previews"),
            Self.card("\(self.report.outboxPending)", "events to deliver"),
            Self.card("\(self.report.pendingTurns + self.report.pendingWebhooks + self.report.pendingRelaunches)", "pending work"),
        ]
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>vibn-gateway status</title><style>\(Self.style)</style></head><body>
            <h1>vibn-gateway status</h1>
            <p class="muted">As of \(HTML.escape(Self.timestamp(now))) (UTC); reloads every 30 s.</p>
            <div class="cards">\(cards.joined())</div>
            \(self.doctorSection())
            <h2>Containers over time</h2>
            \(StatusCharts.containers(self.history + [ContainerHistory.Sample(at: now, counts: self.report.containerCounts)]))
            <p class="legend">\(states.map { #"<span style="color:\#(StatusCharts.colour($0))">■</span> \#($0.rawValue)"# }.joined(separator: " "))\
             · sampled every minute by this replica since it started (at most 6 hours)</p>
            <h2>Chat turns per minute</h2>
            \(StatusCharts.turns(self.report.turnsPerMinute, window: self.turnWindow, now: now))
            \(self.serverSection())
            \(states.map { self.containerSection($0, now: now) }.joined())
            \(self.previewSection())
            \(self.devServerSection())
            \(self.workSection())
            \(self.webhookSection())
            </body></html>
            """
    }

    private func doctorSection() -> String {
        guard let doctor = self.doctor else { return "" }
        guard let result = doctor.result else {
            return "<h2>Doctor</h2><p id=\"doctor\">Running the checks now; they show on a reload.</p>"
        }
        let rows = result.checks.map { check in
            let mark = switch check.outcome {
            case .passed: #"<td class="ok">✓</td>"#
            case .failed: #"<td class="bad">✗</td>"#
            case .skipped: #"<td class="muted">–</td>"#
            }
            return "<tr>\(mark)<td class=\"name\">\(HTML.escape(check.name))</td><td>\(HTML.escape(check.detail))"
                + (check.fix.map { "<br><span class=\"fix\">fix: \(HTML.escape($0))</span>" } ?? "") + "</td></tr>"
        }
        let failed = result.checks.filter { $0.outcome == .failed }.count
        return """
            <h2>Doctor</h2><p id="doctor">\(failed == 0 ? "All checks passed" : "\(failed) check(s) failed") at \
            \(HTML.escape(Self.timestamp(result.at)))\(doctor.refreshing ? "; running them again now" : "").</p>
            <table><tr><th></th><th>check</th><th>result</th></tr>\(rows.joined())</table>
            """
    }

    /// Each server's containers against its capacity (and any server a row is on that the list no longer names).
    private func serverSection() -> String {
        let active = self.report.activePerServer
        let unlisted = active.keys.filter { name in !self.servers.contains { $0.name == name } }.sorted { $0.rawValue < $1.rawValue }
        let rows = self.servers.map { slot in
            Self.row([slot.name.rawValue, "\(active[slot.name, default: 0])", slot.capacity.map(String.init) ?? "unlimited",
                      slot.draining ? "draining" : "takes new containers"])
        } + unlisted.map { Self.row([$0.rawValue, "\(active[$0, default: 0])", "–", "not in the list"]) }
        return Self.table(title: "Servers (\(self.servers.count))", id: "servers",
                          header: ["server", "provisioning or running", "capacity", "placement"], rows: rows, total: rows.count)
    }

    private func containerSection(_ state: ContainerState, now: Date) -> String {
        let records = self.report.containers[state] ?? []
        let rows = records.prefix(StatusReport.rowLimit).map { record in
            let idle = max(0, Int(now.timeIntervalSince(record.lastActiveAt) / 60))
            return Self.row([
                record.projectID.rawValue, record.workspace.rawValue, record.projectSlug?.rawValue ?? "", "\(idle)",
                Self.timestamp(record.stateChangedAt), record.server.rawValue, record.serviceUUID?.rawValue ?? "",
            ])
        }
        return Self.table(
            title: "\(state.rawValue.capitalized) containers (\(self.report.count(state)))", id: "containers-\(state.rawValue)",
            header: ["project", "workspace", "slug", "idle minutes", "\(state.rawValue) since", "server", "Coolify service"],
            rows: rows, total: self.report.count(state)
        )
    }

    private func previewSection() -> String {
        let previews = self.report.livePreviews
        let rows = previews.prefix(StatusReport.rowLimit).map { preview -> String in
            let url = HTML.escape(self.routing.previewURL(slug: preview.projectSlug, token: preview.previewToken, port: preview.port))
            let cells = [preview.projectID.rawValue, "\(preview.port.number)", preview.state.rawValue].map { "<td>\(HTML.escape($0))</td>" }
            return "<tr><td><a rel=\"noreferrer\" href=\"\(url)\">\(url)</a></td>" + cells.joined() + "</tr>"
        }
        return Self.table(title: "Live previews (\(self.report.livePreviewCount))", id: "previews", header: ["preview", "project", "port", "state"],
                          rows: rows, total: self.report.livePreviewCount)
    }

    private func devServerSection() -> String {
        let servers = self.report.devServers
        let rows = servers.map { server in
            Self.row([
                server.projectID.rawValue, server.name, "\(server.port.number)", server.state.rawValue, server.command,
                Self.timestamp(server.startedAt), server.failureReason ?? "",
            ])
        }
        return Self.table(title: "Dev servers (live first, then the latest)", id: "dev-servers",
                          header: ["project", "name", "port", "state", "command", "started", "failure"], rows: rows, total: servers.count)
    }

    private func workSection() -> String {
        let failures = self.report.eventFailures.map { event in
            Self.row([event.id, event.type.rawValue, "\(event.attempts)", Self.timestamp(event.nextAttemptAt), event.lastError ?? ""])
        }
        return """
            <h2 id="work">Pending work</h2>
            <table><tr><th>what</th><th>waiting</th></tr>\
            \(Self.row(["outbound events not yet delivered", "\(self.report.outboxPending)"]))\
            \(Self.row(["chat turns claimed, not yet applied", "\(self.report.pendingTurns)"]))\
            \(Self.row(["Coolify webhooks accepted, not yet applied", "\(self.report.pendingWebhooks)"]))\
            \(Self.row(["dev servers waiting for their relaunch", "\(self.report.pendingRelaunches)"]))</table>
            \(Self.table(title: "Last delivery errors", id: "delivery-errors", header: ["event", "type", "attempts", "next attempt", "error"],
                         rows: failures, total: failures.count))
            """
    }

    private func webhookSection() -> String {
        let rows = self.report.webhooks.map { applied in
            Self.row([
                Self.timestamp(applied.delivery.receivedAt), applied.delivery.event.name,
                applied.appliedAt.map(Self.timestamp) ?? "pending", String(applied.delivery.digest.prefix(16)),
            ])
        }
        return Self.table(title: "Recent Coolify webhooks", id: "webhooks", header: ["received", "event", "applied", "body digest"],
                          rows: rows, total: rows.count)
    }

    // MARK: - Pieces

    private static func card(_ value: String, _ label: String, colour: String = "#212121") -> String {
        #"<div class="card"><div class="value" style="color:\#(colour)">\#(HTML.escape(value))</div>\#(HTML.escape(label))</div>"#
    }

    private static func row(_ cells: [String]) -> String {
        "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
    }

    /// A titled table of `rows` (already HTML), saying how many of `total` are not shown, or that there are none.
    private static func table(title: String, id: String, header: [String], rows: [String], total: Int) -> String {
        guard !rows.isEmpty else { return "<h2 id=\"\(id)\">\(HTML.escape(title))</h2><p class=\"muted\">None.</p>" }
        let more = total > rows.count ? "<p class=\"muted\">and \(total - rows.count) more.</p>" : ""
        return "<h2 id=\"\(id)\">\(HTML.escape(title))</h2><table><tr>" + header.map { "<th>\(HTML.escape($0))</th>" }.joined()
            + "</tr>" + rows.joined() + "</table>" + more
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false))
    }

    private static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212121;max-width:1100px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
        .muted{color:#757575}.ok{color:#2e7d32}.bad{color:#c62828;font-weight:bold}.fix{color:#6d4c41}
        .cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
        .card{border:1px solid #e0e0e0;border-radius:6px;padding:8px 14px;min-width:90px}
        .value{font-size:24px;font-weight:600}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
        th{background:#fafafa}td{word-break:break-all}td.name{white-space:nowrap;word-break:normal}svg.chart{max-width:100%;height:auto;font-size:11px;fill:#616161}
        """
}

/// Escaping for text and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
