import Foundation
import GatewayCore
import SQLiteNIO

/// The status page's reads on SQLite.
extension SQLiteStore: StatusStore {
    public func recentDevServers(limit: Int) async throws -> [DevServerRecord] {
        let rows = try await self.run(
            """
            SELECT \(DevServerRecord.storedColumns) FROM fs_dev_servers
            ORDER BY state IN ('starting', 'running') DESC, started_at DESC, id LIMIT ?
            """,
            [.integer(limit)]
        )
        return try rows.map(Self.devServerRecord)
    }

    public func recentEventFailures(limit: Int) async throws -> [OutboundEvent] {
        let rows = try await self.run(
            """
            SELECT \(OutboundEvent.storedColumns) FROM vibn_outbound_events
            WHERE delivered_at IS NULL AND last_error IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT ?
            """,
            [.integer(limit)]
        )
        return try rows.map(Self.outboundEvent)
    }

    public func recentWebhookDeliveries(limit: Int) async throws -> [AppliedWebhookDelivery] {
        let rows = try await self.run(
            """
            SELECT digest, event, received_at, applied_at FROM vibn_webhook_deliveries WHERE received_at IS NOT NULL
            ORDER BY received_at DESC, rowid DESC LIMIT ?
            """,
            [.integer(limit)]
        )
        return rows.map { row in
            AppliedWebhookDelivery(
                delivery: WebhookDeliveryRow.delivery(
                    digest: row.column("digest")?.string ?? "", event: row.column("event")?.string,
                    receivedAt: row.column("received_at")?.double.map(Date.init(timeIntervalSince1970:))
                ),
                appliedAt: row.column("applied_at")?.double.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    public func turnsStartedPerMinute(since cutoff: Date) async throws -> [Date: Int] {
        let rows = try await self.run(
            """
            SELECT CAST(received_at / 60 AS INTEGER) * 60 AS minute, count(*) AS count FROM vibn_chat_turns
            WHERE phase = ? AND received_at >= ? GROUP BY 1
            """,
            [.text(ChatTurnPhase.started.rawValue), .float(cutoff.timeIntervalSince1970)]
        )
        var counts: [Date: Int] = [:]
        for row in rows {
            guard let minute = row.column("minute")?.integer, let count = row.column("count")?.integer else { continue }
            counts[Date(timeIntervalSince1970: Double(minute))] = count
        }
        return counts
    }

    public func recentContainers(limit: Int) async throws -> [ContainerState: [ContainerRecord]] {
        let records = try await self.run(ContainerRow.recentPerState(limit: "?1"), [.integer(limit)]).map(Self.record)
        return Dictionary(grouping: records, by: \.state)
    }

    public func containerCounts() async throws -> [ContainerState: Int] {
        let rows = try await self.run("SELECT state, count(*) AS count FROM fs_project_dev_containers GROUP BY state", [])
        var counts: [ContainerState: Int] = [:]
        for row in rows {
            guard let state = row.column("state")?.string.flatMap(ContainerState.init(rawValue:)), let count = row.column("count")?.integer else { continue }
            counts[state] = count
        }
        return counts
    }

    public func livePreviewCount() async throws -> Int {
        let rows = try await self.run(
            """
            SELECT count(*) AS count FROM fs_dev_servers d JOIN fs_project_dev_containers c ON c.project_id = d.project_id
            WHERE \(LivePreview.storedConditions)
            """,
            []
        )
        return rows.first?.column("count")?.integer ?? 0
    }
}
