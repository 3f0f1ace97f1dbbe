import Foundation
import GatewayCore
import SQLiteNIO

extension SQLiteStore: LifecycleStore {
    public func diagnostics(_ project: ProjectID) async throws -> ContainerDiagnostics {
        let rows = try await self.run(
            "SELECT blocked_reason, coolify_status FROM fs_project_dev_containers WHERE project_id = ?", [.text(project.rawValue)]
        )
        guard let row = rows.first else { return ContainerDiagnostics() }
        return ContainerDiagnostics(blockedReason: row.column("blocked_reason")?.string, coolifyStatus: row.column("coolify_status")?.string)
    }

    public func setDiagnostics(_ diagnostics: ContainerDiagnostics, for project: ProjectID) async throws {
        _ = try await self.run(
            "UPDATE fs_project_dev_containers SET blocked_reason = ?1, coolify_status = ?2 WHERE project_id = ?3",
            [Self.optional(diagnostics.blockedReason), Self.optional(diagnostics.coolifyStatus), .text(project.rawValue)]
        )
    }

    public func container(service uuid: ServiceUUID) async throws -> ContainerRecord? {
        let rows = try await self.run(
            "SELECT \(ContainerRow.columns) FROM fs_project_dev_containers WHERE service_uuid = ? LIMIT 1", [.text(uuid.rawValue)]
        )
        return try rows.first.map(Self.record)
    }

    public func container(previewToken token: PreviewToken) async throws -> ContainerRecord? {
        let rows = try await self.run(
            "SELECT \(ContainerRow.columns) FROM fs_project_dev_containers WHERE preview_token = ? LIMIT 1", [.text(token.rawValue)]
        )
        return try rows.first.map(Self.record)
    }

    public func claimDelivery(_ delivery: WebhookDelivery, ttl: Duration) async throws -> Bool {
        let stamp = delivery.receivedAt.timeIntervalSince1970
        _ = try await self.run("DELETE FROM vibn_webhook_deliveries WHERE expires_at <= ? AND applied_at IS NOT NULL", [.float(stamp)])
        let rows = try await self.run(
            """
            INSERT INTO vibn_webhook_deliveries (digest, expires_at, event, received_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (digest) DO NOTHING RETURNING digest
            """,
            [
                .text(delivery.digest), .float(stamp + Double(ttl.components.seconds)),
                .text(try WebhookDeliveryRow.encode(delivery.event)), .float(stamp),
            ]
        )
        return !rows.isEmpty
    }

    public func pendingDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        let rows = try await self.run(
            "SELECT digest, event, received_at FROM vibn_webhook_deliveries WHERE applied_at IS NULL ORDER BY received_at, rowid LIMIT ?",
            [.integer(limit)]
        )
        return rows.map { row in
            WebhookDeliveryRow.delivery(
                digest: row.column("digest")?.string ?? "", event: row.column("event")?.string,
                receivedAt: row.column("received_at")?.double.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    public func pendingDeliveryCount() async throws -> Int {
        try await self.count("SELECT count(*) AS count FROM vibn_webhook_deliveries WHERE applied_at IS NULL")
    }

    public func finishDelivery(digest: String, at now: Date) async throws {
        _ = try await self.run(
            "UPDATE vibn_webhook_deliveries SET applied_at = ? WHERE digest = ? AND applied_at IS NULL",
            [.float(now.timeIntervalSince1970), .text(digest)]
        )
    }

    public func recordDeployment(_ deployment: CoolifyDeployment) async throws {
        _ = try await self.run(
            """
            INSERT INTO vibn_coolify_deployments (application_uuid, deployment_uuid, project_id, succeeded, received_at)
            VALUES (?1, ?2, (SELECT project_id FROM fs_project_dev_containers WHERE application_uuid = ?1 LIMIT 1), ?3, ?4)
            """,
            [.text(deployment.applicationUUID), Self.optional(deployment.deploymentUUID), .integer(deployment.succeeded ? 1 : 0),
             .float(deployment.receivedAt.timeIntervalSince1970)]
        )
    }

    /// SQLite serves one process, so there is no other replica to exclude: `body` always runs.
    public func withLeaderLock<T: Sendable>(_ lock: LeaderLock, _ body: @Sendable () async throws -> T) async throws -> T? {
        try await body()
    }

    static func optional(_ text: String?) -> SQLiteData {
        text.map { .text($0) } ?? .null
    }
}
