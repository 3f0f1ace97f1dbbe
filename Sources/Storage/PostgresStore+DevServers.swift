import Foundation
import GatewayCore
import Logging
import PostgresNIO

/// `fs_dev_servers` on PostgreSQL: each change is one conditional statement; values are bound parameters.
extension PostgresStore: DevServerStore {
    public func insertDevServer(_ record: DevServerRecord) async throws {
        try await self.query(
            """
            INSERT INTO fs_dev_servers (\(unescaped: DevServerRecord.storedColumns))
            VALUES (\(record.id.rawValue), \(record.projectID.rawValue), \(record.workspace.rawValue), \(record.name),
                    \(record.command), \(record.port.number), \(record.pid), \(record.previewURL), \(record.state.rawValue),
                    \(record.startedAt), \(record.stoppedAt), \(record.failureReason))
            """,
            logger: self.logger
        )
    }

    public func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord? {
        try await self.devServerRecords(
            """
            SELECT \(unescaped: DevServerRecord.storedColumns) FROM fs_dev_servers
            WHERE id = \(id.rawValue) AND project_id = \(project.rawValue)
            """
        ).first
    }

    public func devServers(project: ProjectID) async throws -> [DevServerRecord] {
        try await self.devServerRecords(
            """
            SELECT \(unescaped: DevServerRecord.storedColumns) FROM fs_dev_servers
            WHERE project_id = \(project.rawValue) ORDER BY port, started_at, id
            """
        )
    }

    public func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, failureReason: String?, at now: Date
    ) async throws -> DevServerRecord? {
        try Self.checkTransition(from: from, to: to)
        let stoppedAt: Date? = to == .stopped ? now : nil
        return try await self.devServerRecords(
            """
            UPDATE fs_dev_servers SET state = \(to.rawValue), stopped_at = COALESCE(\(stoppedAt)::timestamptz, stopped_at),
                failure_reason = COALESCE(\(failureReason)::text, failure_reason),
                relaunch_pending = relaunch_pending AND \(to.isLive)
            WHERE id = \(id.rawValue) AND project_id = \(project.rawValue) AND state = \(from.rawValue)
            RETURNING \(unescaped: DevServerRecord.storedColumns)
            """
        ).first
    }

    public func relaunchDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, previousPID: Int?, pid: Int, at now: Date
    ) async throws -> DevServerRecord? {
        try Self.checkRelaunch(from: from)
        return try await self.devServerRecords(
            """
            UPDATE fs_dev_servers SET state = 'starting', pid = \(pid), started_at = \(now), stopped_at = NULL, failure_reason = NULL,
                relaunch_pending = false
            WHERE id = \(id.rawValue) AND project_id = \(project.rawValue) AND state = \(from.rawValue)
              AND pid IS NOT DISTINCT FROM \(previousPID)::integer
            RETURNING \(unescaped: DevServerRecord.storedColumns)
            """
        ).first
    }

    public func livePreviews(of projects: [ProjectID]?, limit: Int?) async throws -> [LivePreview] {
        let ids = projects?.map(\.rawValue)
        let rows = try await self.query(
            """
            SELECT \(unescaped: LivePreview.storedColumns) FROM fs_dev_servers d
            JOIN fs_project_dev_containers c ON c.project_id = d.project_id
            WHERE \(unescaped: LivePreview.storedConditions)
              AND (\(ids)::text[] IS NULL OR d.project_id = ANY(\(ids)::text[]))
            ORDER BY d.project_id, d.port, d.started_at, d.id LIMIT \(limit)
            """,
            logger: self.logger
        )
        var previews: [LivePreview] = []
        for try await (id, project, slug, token, uuid, port, state) in rows.decode((String, String, String, String, String, Int, String).self) {
            do {
                previews.append(try LivePreview(
                    storedID: id, projectID: project, projectSlug: slug, previewToken: token, serviceUUID: uuid, port: port, state: state
                ))
            } catch {
                self.logger.warning("skipping a dev server without a valid preview route", metadata: ["error": "\(error)"])
            }
        }
        return previews
    }

    public func previewChanges(since cursor: Int64?) async throws -> PreviewChanges {
        // The horizon is the oldest transaction still running: any change not visible yet is at or after it.
        let rows = try await self.query(
            """
            SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                   ARRAY(SELECT project_id FROM vibn_preview_changes
                         WHERE \(cursor)::bigint IS NOT NULL AND xid >= (\(cursor)::bigint)::text::xid8)
            """,
            logger: self.logger
        )
        for try await (horizon, projects) in rows.decode((Int64, [String]).self) {
            return PreviewChanges(cursor: horizon, projects: projects.map { ProjectID(trusted: $0) })
        }
        return PreviewChanges(cursor: cursor ?? 0, projects: [])  // unreachable: a SELECT without FROM returns one row
    }

    public func startingDevServers(startedBefore cutoff: Date?, limit: Int) async throws -> [DevServerRecord] {
        try await self.devServerRecords(
            """
            SELECT \(unescaped: DevServerRecord.storedColumns) FROM fs_dev_servers
            WHERE state = 'starting' AND started_at < COALESCE(\(cutoff)::timestamptz, 'infinity')
              AND project_id IN (SELECT project_id FROM fs_project_dev_containers WHERE state = 'running')
            ORDER BY started_at, id LIMIT \(limit)
            """
        )
    }

    // MARK: Relaunch queue

    public func markDevServersForRelaunch(project: ProjectID) async throws {
        try await self.query(
            """
            UPDATE fs_dev_servers SET relaunch_pending = true
            WHERE project_id = \(project.rawValue) AND state IN ('starting', 'running')
            """,
            logger: self.logger
        )
    }

    public func devServersAwaitingRelaunch(project: ProjectID?, limit: Int) async throws -> [DevServerRecord] {
        try await self.devServerRecords(
            """
            SELECT \(unescaped: DevServerRecord.storedColumns) FROM fs_dev_servers
            WHERE relaunch_pending AND (\(project?.rawValue)::text IS NULL OR project_id = \(project?.rawValue))
              AND project_id IN (SELECT project_id FROM fs_project_dev_containers WHERE state = 'running')
            ORDER BY started_at, id LIMIT \(limit)
            """
        )
    }

    public func finishDevServerRelaunch(_ id: DevServerID, project: ProjectID) async throws {
        try await self.query(
            "UPDATE fs_dev_servers SET relaunch_pending = false WHERE id = \(id.rawValue) AND project_id = \(project.rawValue)",
            logger: self.logger
        )
    }

    public func devServerRelaunchCount() async throws -> Int {
        try await self.count("SELECT count(*) FROM fs_dev_servers WHERE relaunch_pending")
    }

    // MARK: Row decoding

    func devServerRecords(_ query: PostgresQuery) async throws -> [DevServerRecord] {
        let rows = try await self.query(query, logger: self.logger)
        var records: [DevServerRecord] = []
        for try await (id, project, workspace, name, command, port, pid, url, state, started, stopped, reason) in rows.decode(
            (String, String, String, String, String, Int, Int?, String, String, Date, Date?, String?).self
        ) {
            records.append(try DevServerRecord(
                storedID: id, projectID: project, workspace: workspace, name: name, command: command, port: port,
                pid: pid, previewURL: url, state: state, startedAt: started, stoppedAt: stopped, failureReason: reason
            ))
        }
        return records
    }
}
