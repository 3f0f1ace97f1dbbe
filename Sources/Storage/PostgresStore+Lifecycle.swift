import Foundation
import GatewayCore
import PostgresNIO

extension PostgresStore: LifecycleStore {
    public func diagnostics(_ project: ProjectID) async throws -> ContainerDiagnostics {
        let rows = try await self.query(
            "SELECT blocked_reason, coolify_status FROM fs_project_dev_containers WHERE project_id = \(project.rawValue)",
            logger: self.logger
        )
        for try await (reason, status) in rows.decode((String?, String?).self) {
            return ContainerDiagnostics(blockedReason: reason, coolifyStatus: status)
        }
        return ContainerDiagnostics()
    }

    public func setDiagnostics(_ diagnostics: ContainerDiagnostics, for project: ProjectID) async throws {
        try await self.query(
            """
            UPDATE fs_project_dev_containers SET blocked_reason = \(diagnostics.blockedReason), coolify_status = \(diagnostics.coolifyStatus)
            WHERE project_id = \(project.rawValue)
            """,
            logger: self.logger
        )
    }

    public func container(service uuid: ServiceUUID) async throws -> ContainerRecord? {
        try await self.records(
            "SELECT \(unescaped: ContainerRow.columns) FROM fs_project_dev_containers WHERE service_uuid = \(uuid.rawValue) LIMIT 1"
        ).first
    }

    public func container(previewToken token: PreviewToken) async throws -> ContainerRecord? {
        try await self.records(
            "SELECT \(unescaped: ContainerRow.columns) FROM fs_project_dev_containers WHERE preview_token = \(token.rawValue) LIMIT 1"
        ).first
    }

    public func claimDelivery(_ delivery: WebhookDelivery, ttl: Duration) async throws -> Bool {
        let now = delivery.receivedAt
        try await self.query(
            "DELETE FROM vibn_webhook_deliveries WHERE expires_at <= \(now) AND applied_at IS NOT NULL", logger: self.logger
        )
        let expires = now.addingTimeInterval(Double(ttl.components.seconds))
        let rows = try await self.query(
            """
            INSERT INTO vibn_webhook_deliveries (digest, expires_at, event, received_at)
            VALUES (\(delivery.digest), \(expires), \(try WebhookDeliveryRow.encode(delivery.event)), \(now))
            ON CONFLICT (digest) DO NOTHING RETURNING digest
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func pendingDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        let rows = try await self.query(
            """
            SELECT digest, event, received_at FROM vibn_webhook_deliveries WHERE applied_at IS NULL
            ORDER BY received_at, digest LIMIT \(limit)
            """,
            logger: self.logger
        )
        var deliveries: [WebhookDelivery] = []
        for try await (digest, event, receivedAt) in rows.decode((String, String?, Date?).self) {
            deliveries.append(WebhookDeliveryRow.delivery(digest: digest, event: event, receivedAt: receivedAt))
        }
        return deliveries
    }

    public func pendingDeliveryCount() async throws -> Int {
        try await self.count("SELECT count(*) FROM vibn_webhook_deliveries WHERE applied_at IS NULL")
    }

    public func finishDelivery(digest: String, at now: Date) async throws {
        try await self.query(
            "UPDATE vibn_webhook_deliveries SET applied_at = \(now) WHERE digest = \(digest) AND applied_at IS NULL",
            logger: self.logger
        )
    }

    public func recordDeployment(_ deployment: CoolifyDeployment) async throws {
        try await self.query(
            """
            INSERT INTO vibn_coolify_deployments (application_uuid, deployment_uuid, project_id, succeeded, received_at)
            VALUES (\(deployment.applicationUUID), \(deployment.deploymentUUID),
                    (SELECT project_id FROM fs_project_dev_containers WHERE application_uuid = \(deployment.applicationUUID) LIMIT 1),
                    \(deployment.succeeded), \(deployment.receivedAt))
            """,
            logger: self.logger
        )
    }

    /// Runs `body` holding a session advisory lock on one pooled connection; nil when another replica holds it.
    public func withLeaderLock<T: Sendable>(_ lock: LeaderLock, _ body: @Sendable () async throws -> T) async throws -> T? {
        try await self.client.withConnection { connection -> T? in
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(lock.key))", logger: self.logger)
            var acquired = false
            for try await granted in rows.decode(Bool.self) { acquired = granted }
            guard acquired else { return nil }
            do {
                let result = try await body()
                try await connection.query("SELECT pg_advisory_unlock(\(lock.key))", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lock.key))", logger: self.logger)
                throw error
            }
        }
    }
}
