import Foundation
import GatewayCore
import SQLiteNIO

/// Reserving and resuming within a workspace's quota and a server's capacity: the transaction holds the one
/// connection, so counting and changing are one step.
extension SQLiteStore {
    public func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome {
        guard reservation.quota != nil || reservation.servers != nil else { return try await self.insertReservation(reservation, at: now) }
        return try await self.transaction { store in
            if let existing = try await store.container(reservation.projectID) { return ReservationOutcome(record: existing, inserted: false) }
            if let quota = reservation.quota, try await store.activeContainerCount(workspace: reservation.workspace) >= quota {
                throw GatewayError.quotaExceeded(workspace: reservation.workspace, limit: quota)
            }
            var server = ServerName.default
            if let servers = reservation.servers {
                let active = try await store.activeContainersPerServer()
                guard let slot = ServerSlot.place(among: servers, active: active) else {
                    throw GatewayError.capacityExhausted(servers, active: active)
                }
                server = slot.name
            }
            return try await store.insertReservation(reservation, on: server, at: now)
        }
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date, withinQuota quota: Int, on server: ServerSlot?
    ) async throws -> ContainerRecord? {
        try await self.transaction { store in
            guard let record = try await store.transitionContainer(project, from: from, to: to, at: now) else { return nil }
            if let server, !server.admits(try await store.activeContainersPerServer()[record.server, default: 0]) {
                throw GatewayError.serverFull(server)
            }
            guard try await store.activeContainerCount(workspace: record.workspace) <= quota else {
                throw GatewayError.quotaExceeded(workspace: record.workspace, limit: quota)
            }
            return record
        }
    }

    public func activeContainersPerServer() async throws -> [ServerName: Int] {
        let rows = try await self.run(
            "SELECT server, count(*) AS count FROM fs_project_dev_containers WHERE state IN ('provisioning', 'running') GROUP BY server", []
        )
        var counts: [ServerName: Int] = [:]
        for row in rows {
            guard let server = row.column("server")?.string, let count = row.column("count")?.integer else { continue }
            counts[ServerName(trusted: server)] = count
        }
        return counts
    }

    public func switchContainer(_ project: ProjectID, from old: ServiceUUID, to new: ServiceUUID, on server: ServerName) async throws -> ContainerRecord? {
        let rows = try await self.run(
            """
            UPDATE fs_project_dev_containers SET service_uuid = ?1, server = ?2
            WHERE project_id = ?3 AND service_uuid = ?4 AND state = 'suspended' RETURNING \(ContainerRow.columns)
            """,
            [.text(new.rawValue), .text(server.rawValue), .text(project.rawValue), .text(old.rawValue)]
        )
        return try rows.first.map(Self.record)
    }
}
