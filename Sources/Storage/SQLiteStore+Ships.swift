import Foundation
import GatewayCore
import SQLiteNIO

/// Ships and a project's Application.
extension SQLiteStore: ShipStore {
    public func setApplication(_ uuid: ApplicationUUID, project: ProjectID, workspace: WorkspaceSlug) async throws -> Bool {
        let rows = try await self.run(
            "UPDATE fs_project_dev_containers SET application_uuid = ?1 WHERE project_id = ?2 AND workspace = ?3 RETURNING project_id",
            [.text(uuid.rawValue), .text(project.rawValue), .text(workspace.rawValue)]
        )
        return !rows.isEmpty
    }

    public func application(of project: ProjectID) async throws -> ApplicationUUID? {
        let rows = try await self.run("SELECT application_uuid FROM fs_project_dev_containers WHERE project_id = ?1", [.text(project.rawValue)])
        return try rows.first?.column("application_uuid")?.string.map { try ApplicationUUID(validating: $0) }
    }

    public func ship(_ id: ShipID, project: ProjectID) async throws -> ShipRecord? {
        try await self.run(
            "SELECT \(ShipRecord.storedColumns) FROM vibn_ships WHERE id = ?1 AND project_id = ?2", [.text(id.rawValue), .text(project.rawValue)]
        ).first.map(Self.shipRecord)
    }

    public func ship(deploymentUUID uuid: String) async throws -> ShipRecord? {
        try await self.run(
            "SELECT \(ShipRecord.storedColumns) FROM vibn_ships WHERE deployment_uuid = ?1 ORDER BY created_at DESC LIMIT 1", [.text(uuid)]
        ).first.map(Self.shipRecord)
    }

    public func activeShips() async throws -> [ShipRecord] {
        try await self.run(
            "SELECT \(ShipRecord.storedColumns) FROM vibn_ships WHERE state IN ('pushing', 'deploying') ORDER BY created_at", []
        ).map(Self.shipRecord)
    }

    public func startShip(_ ship: ShipRecord) async throws -> (record: ShipRecord, inserted: Bool) {
        let inserted = try await self.run(
            """
            INSERT INTO vibn_ships (\(ShipRecord.storedColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL, NULL, NULL, NULL, ?8, ?8)
            ON CONFLICT (project_id) WHERE state IN ('pushing', 'deploying') DO NOTHING RETURNING \(ShipRecord.storedColumns)
            """,
            [
                .text(ship.id.rawValue), .text(ship.projectID.rawValue), .text(ship.workspace.rawValue), .text(ship.state.rawValue),
                Self.optional(ship.branch), .text(ship.message), .text(ship.applicationUUID.rawValue), .float(ship.createdAt.timeIntervalSince1970),
            ]
        ).first
        if let inserted { return (try Self.shipRecord(inserted), true) }
        let active = try await self.run(
            "SELECT \(ShipRecord.storedColumns) FROM vibn_ships WHERE project_id = ?1 AND state IN ('pushing', 'deploying')",
            [.text(ship.projectID.rawValue)]
        ).first
        guard let active else { return try await self.startShip(ship) }
        return (try Self.shipRecord(active), false)
    }

    public func transitionShip(_ id: ShipID, from: ShipState, to: ShipState, progress: ShipProgress, at now: Date) async throws -> ShipRecord? {
        try await self.run(
            """
            UPDATE vibn_ships SET state = ?1, updated_at = ?2, branch = COALESCE(?3, branch), commit_sha = COALESCE(?4, commit_sha),
                committed = COALESCE(?5, committed), deployment_uuid = COALESCE(?6, deployment_uuid),
                deployment_url = COALESCE(?7, deployment_url), reason = COALESCE(?8, reason)
            WHERE id = ?9 AND state = ?10 RETURNING \(ShipRecord.storedColumns)
            """,
            [
                .text(to.rawValue), .float(now.timeIntervalSince1970), Self.optional(progress.branch), Self.optional(progress.commit),
                progress.committed.map { .integer($0 ? 1 : 0) } ?? .null, Self.optional(progress.deploymentUUID),
                Self.optional(progress.deploymentURL), Self.optional(progress.reason), .text(id.rawValue), .text(from.rawValue),
            ]
        ).first.map(Self.shipRecord)
    }

    static func shipRecord(_ row: SQLiteRow) throws -> ShipRecord {
        func text(_ name: String) -> String { row.column(name)?.string ?? "" }
        func date(_ name: String) -> Date { row.column(name)?.double.map(Date.init(timeIntervalSince1970:)) ?? .distantPast }
        return try ShipRecord(
            storedID: text("id"), projectID: text("project_id"), workspace: text("workspace"), state: text("state"),
            branch: row.column("branch")?.string, message: text("message"), applicationUUID: text("application_uuid"),
            commit: row.column("commit_sha")?.string, committed: row.column("committed")?.integer.map { $0 != 0 },
            deploymentUUID: row.column("deployment_uuid")?.string, deploymentURL: row.column("deployment_url")?.string,
            reason: row.column("reason")?.string, createdAt: date("created_at"), updatedAt: date("updated_at")
        )
    }
}
