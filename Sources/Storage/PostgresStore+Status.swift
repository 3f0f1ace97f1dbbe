import Foundation
import GatewayCore
import PostgresNIO

/// The status page's reads on PostgreSQL.
extension PostgresStore: StatusStore {
    public func recentDevServers(limit: Int) async throws -> [DevServerRecord] {
        try await self.devServerRecords(
            """
            SELECT \(unescaped: DevServerRecord.storedColumns) FROM fs_dev_servers
            ORDER BY state IN ('starting', 'running') DESC, started_at DESC, id LIMIT \(limit)
            """
        )
    }

    public func recentEventFailures(limit: Int) async throws -> [OutboundEvent] {
        try await self.outboundEvents(
            """
            SELECT \(unescaped: OutboundEvent.storedColumns) FROM vibn_outbound_events
            WHERE delivered_at IS NULL AND last_error IS NOT NULL ORDER BY created_at DESC, id LIMIT \(limit)
            """
        )
    }

    public func recentWebhookDeliveries(limit: Int) async throws -> [AppliedWebhookDelivery] {
        let rows = try await self.query(
            """
            SELECT digest, event, received_at, applied_at FROM vibn_webhook_deliveries WHERE received_at IS NOT NULL
            ORDER BY received_at DESC, digest LIMIT \(limit)
            """,
            logger: self.logger
        )
        var deliveries: [AppliedWebhookDelivery] = []
        for try await (digest, event, receivedAt, appliedAt) in rows.decode((String, String?, Date?, Date?).self) {
            deliveries.append(AppliedWebhookDelivery(
                delivery: WebhookDeliveryRow.delivery(digest: digest, event: event, receivedAt: receivedAt), appliedAt: appliedAt
            ))
        }
        return deliveries
    }

    public func turnsStartedPerMinute(since cutoff: Date) async throws -> [Date: Int] {
        let rows = try await self.query(
            """
            SELECT date_trunc('minute', received_at), count(*)::bigint FROM vibn_chat_turns
            WHERE phase = \(ChatTurnPhase.started.rawValue) AND received_at >= \(cutoff) GROUP BY 1
            """,
            logger: self.logger
        )
        var counts: [Date: Int] = [:]
        for try await (minute, count) in rows.decode((Date, Int).self) { counts[minute] = count }
        return counts
    }

    public func recentContainers(limit: Int) async throws -> [ContainerState: [ContainerRecord]] {
        var query = PostgresQuery(unsafeSQL: ContainerRow.recentPerState(limit: "$1"))
        query.binds.append(limit)
        return Dictionary(grouping: try await self.records(query), by: \.state)
    }

    public func containerCounts() async throws -> [ContainerState: Int] {
        let rows = try await self.query("SELECT state, count(*)::bigint FROM fs_project_dev_containers GROUP BY state", logger: self.logger)
        var counts: [ContainerState: Int] = [:]
        for try await (state, count) in rows.decode((String, Int).self) {
            if let state = ContainerState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    public func livePreviewCount() async throws -> Int {
        let rows = try await self.query(
            """
            SELECT count(*)::bigint FROM fs_dev_servers d JOIN fs_project_dev_containers c ON c.project_id = d.project_id
            WHERE \(unescaped: LivePreview.storedConditions)
            """,
            logger: self.logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
