import Foundation
import GatewayCore
import PostgresNIO

/// Ships and a project's Application.
extension PostgresStore: ShipStore {
    public func setApplication(_ uuid: ApplicationUUID, project: ProjectID, workspace: WorkspaceSlug) async throws -> Bool {
        let rows = try await self.query(
            """
            UPDATE fs_project_dev_containers SET application_uuid = \(uuid.rawValue)
            WHERE project_id = \(project.rawValue) AND workspace = \(workspace.rawValue) RETURNING project_id
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func application(of project: ProjectID) async throws -> ApplicationUUID? {
        let rows = try await self.query(
            "SELECT application_uuid FROM fs_project_dev_containers WHERE project_id = \(project.rawValue)", logger: self.logger
        )
        for try await uuid in rows.decode(String?.self) { return try uuid.map { try ApplicationUUID(validating: $0) } }
        return nil
    }

    public func ship(_ id: ShipID, project: ProjectID) async throws -> ShipRecord? {
        try await self.shipRecords(
            "SELECT \(unescaped: ShipRecord.storedColumns) FROM vibn_ships WHERE id = \(id.rawValue) AND project_id = \(project.rawValue)"
        ).first
    }

    public func ship(deploymentUUID uuid: String) async throws -> ShipRecord? {
        try await self.shipRecords(
            "SELECT \(unescaped: ShipRecord.storedColumns) FROM vibn_ships WHERE deployment_uuid = \(uuid) ORDER BY created_at DESC LIMIT 1"
        ).first
    }

    public func activeShips() async throws -> [ShipRecord] {
        try await self.shipRecords(
            "SELECT \(unescaped: ShipRecord.storedColumns) FROM vibn_ships WHERE state IN ('pushing', 'deploying') ORDER BY created_at"
        )
    }

    public func startShip(_ ship: ShipRecord) async throws -> (record: ShipRecord, inserted: Bool) {
        let inserted = try await self.shipRecords(
            """
            INSERT INTO vibn_ships (\(unescaped: ShipRecord.storedColumns))
            VALUES (\(ship.id.rawValue), \(ship.projectID.rawValue), \(ship.workspace.rawValue), \(ship.state.rawValue), \(ship.branch),
                    \(ship.message), \(ship.applicationUUID.rawValue), NULL, NULL, NULL, NULL, NULL, \(ship.createdAt), \(ship.updatedAt))
            ON CONFLICT (project_id) WHERE state IN ('pushing', 'deploying') DO NOTHING
            RETURNING \(unescaped: ShipRecord.storedColumns)
            """
        ).first
        if let inserted { return (inserted, true) }
        let active = try await self.shipRecords(
            """
            SELECT \(unescaped: ShipRecord.storedColumns) FROM vibn_ships
            WHERE project_id = \(ship.projectID.rawValue) AND state IN ('pushing', 'deploying')
            """
        ).first
        // Ended between the insert and the read: try once more.
        guard let active else { return try await self.startShip(ship) }
        return (active, false)
    }

    public func transitionShip(_ id: ShipID, from: ShipState, to: ShipState, progress: ShipProgress, at now: Date) async throws -> ShipRecord? {
        try await self.shipRecords(
            """
            UPDATE vibn_ships SET state = \(to.rawValue), updated_at = \(now),
                branch = COALESCE(\(progress.branch)::text, branch), commit_sha = COALESCE(\(progress.commit)::text, commit_sha),
                committed = COALESCE(\(progress.committed)::boolean, committed),
                deployment_uuid = COALESCE(\(progress.deploymentUUID)::text, deployment_uuid),
                deployment_url = COALESCE(\(progress.deploymentURL)::text, deployment_url), reason = COALESCE(\(progress.reason)::text, reason)
            WHERE id = \(id.rawValue) AND state = \(from.rawValue)
            RETURNING \(unescaped: ShipRecord.storedColumns)
            """
        ).first
    }

    func shipRecords(_ query: PostgresQuery) async throws -> [ShipRecord] {
        let rows = try await self.query(query, logger: self.logger)
        var records: [ShipRecord] = []
        for try await (id, project, workspace, state, branch, message, application, commit, committed, deployment, url, reason, created, updated)
            in rows.decode((String, String, String, String, String?, String, String, String?, Bool?, String?, String?, String?, Date, Date).self) {
            records.append(try ShipRecord(
                storedID: id, projectID: project, workspace: workspace, state: state, branch: branch, message: message,
                applicationUUID: application, commit: commit, committed: committed, deploymentUUID: deployment, deploymentURL: url,
                reason: reason, createdAt: created, updatedAt: updated
            ))
        }
        return records
    }
}
