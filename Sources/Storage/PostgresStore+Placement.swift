import Foundation
import GatewayCore
import PostgresNIO

/// Reserving and resuming within a workspace's quota and a server's capacity. Every such step takes its locks in
/// one order — the row, then placement, then the workspace — so two of them never wait for each other.
extension PostgresStore {
    public func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome {
        guard reservation.quota != nil || reservation.servers != nil else { return try await self.insertReservation(reservation, at: now) }
        return try await self.transaction { store in
            // Insert first: concurrent reservations of one project wait on the row, not on a lock, and find it there.
            // A new row is then placed and counted under the locks (the counts see every committed row and this one)
            // and undone when it is one too many.
            var outcome = try await store.insertReservation(reservation, at: now)
            guard outcome.inserted else { return outcome }
            if let servers = reservation.servers {
                try await store.lockPlacement()
                let active = try await store.activeContainersPerServer(excluding: reservation.projectID)
                guard let slot = ServerSlot.place(among: servers, active: active) else {
                    throw GatewayError.capacityExhausted(servers, active: active)
                }
                outcome.record = try await store.records(
                    """
                    UPDATE fs_project_dev_containers SET server = \(slot.name.rawValue)
                    WHERE project_id = \(reservation.projectID.rawValue) RETURNING \(unescaped: ContainerRow.columns)
                    """
                ).first ?? outcome.record
            }
            if let quota = reservation.quota {
                try await store.lockQuota(of: reservation.workspace)
                guard try await store.activeContainerCount(workspace: reservation.workspace) <= quota else {
                    throw GatewayError.quotaExceeded(workspace: reservation.workspace, limit: quota)
                }
            }
            return outcome
        }
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date, withinQuota quota: Int, on server: ServerSlot?
    ) async throws -> ContainerRecord? {
        try await self.transaction { store in
            // As a reservation: the row first, then the counts under their locks, undone when one too many.
            guard let record = try await store.transitionContainer(project, from: from, to: to, at: now) else { return nil }
            if let server, server.capacity != nil {
                try await store.lockPlacement()
                let active = try await store.activeContainersPerServer(excluding: nil)
                guard server.admits(active[record.server, default: 0]) else { throw GatewayError.serverFull(server) }
            }
            try await store.lockQuota(of: record.workspace)
            guard try await store.activeContainerCount(workspace: record.workspace) <= quota else {
                throw GatewayError.quotaExceeded(workspace: record.workspace, limit: quota)
            }
            return record
        }
    }

    public func switchContainer(_ project: ProjectID, from old: ServiceUUID, to new: ServiceUUID, on server: ServerName) async throws -> ContainerRecord? {
        try await self.records(
            """
            UPDATE fs_project_dev_containers SET service_uuid = \(new.rawValue), server = \(server.rawValue)
            WHERE project_id = \(project.rawValue) AND service_uuid = \(old.rawValue) AND state = 'suspended'
            RETURNING \(unescaped: ContainerRow.columns)
            """
        ).first
    }

    public func activeContainersPerServer() async throws -> [ServerName: Int] {
        try await self.activeContainersPerServer(excluding: nil)
    }

    /// Containers `provisioning` or `running` per server, without `project`'s row.
    func activeContainersPerServer(excluding project: ProjectID?) async throws -> [ServerName: Int] {
        let rows = try await self.query(
            """
            SELECT server, count(*)::bigint FROM fs_project_dev_containers
            WHERE state IN ('provisioning', 'running') AND project_id IS DISTINCT FROM \(project?.rawValue) GROUP BY server
            """,
            logger: self.logger
        )
        var counts: [ServerName: Int] = [:]
        for try await (server, count) in rows.decode((String, Int).self) { counts[ServerName(trusted: server)] = count }
        return counts
    }

    /// The lock every placement and capacity count takes (after the row's, before the workspace's), held until commit.
    func lockPlacement() async throws {
        try await self.query("SELECT pg_advisory_xact_lock(hashtextextended('vibn placement', 0))", logger: self.logger)
    }
}
