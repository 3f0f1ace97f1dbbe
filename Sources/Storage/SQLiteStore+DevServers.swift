import Foundation
import GatewayCore
import Logging
import SQLiteNIO

/// `fs_dev_servers` on SQLite: each change is one conditional statement.
extension SQLiteStore: DevServerStore {
    public func insertDevServer(_ record: DevServerRecord) async throws {
        _ = try await self.run(
            "INSERT INTO fs_dev_servers (\(DevServerRecord.storedColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(record.id.rawValue), .text(record.projectID.rawValue), .text(record.workspace.rawValue),
                .text(record.name), .text(record.command), .integer(record.port.number),
                record.pid.map { .integer($0) } ?? .null, .text(record.previewURL), .text(record.state.rawValue),
                .float(record.startedAt.timeIntervalSince1970), record.stoppedAt.map { .float($0.timeIntervalSince1970) } ?? .null,
                record.failureReason.map { .text($0) } ?? .null,
            ]
        )
    }

    public func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord? {
        let rows = try await self.run(
            "SELECT \(DevServerRecord.storedColumns) FROM fs_dev_servers WHERE id = ? AND project_id = ?",
            [.text(id.rawValue), .text(project.rawValue)]
        )
        return try rows.first.map(Self.devServerRecord)
    }

    public func devServers(project: ProjectID) async throws -> [DevServerRecord] {
        let rows = try await self.run(
            "SELECT \(DevServerRecord.storedColumns) FROM fs_dev_servers WHERE project_id = ? ORDER BY port, started_at, id",
            [.text(project.rawValue)]
        )
        return try rows.map(Self.devServerRecord)
    }

    public func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, failureReason: String?, at now: Date
    ) async throws -> DevServerRecord? {
        try Self.checkTransition(from: from, to: to)
        let rows = try await self.run(
            """
            UPDATE fs_dev_servers SET state = ?1, stopped_at = CASE WHEN ?1 = 'stopped' THEN ?2 ELSE stopped_at END,
                failure_reason = COALESCE(?6, failure_reason), relaunch_pending = relaunch_pending AND ?7
            WHERE id = ?3 AND project_id = ?4 AND state = ?5
            RETURNING \(DevServerRecord.storedColumns)
            """,
            [
                .text(to.rawValue), .float(now.timeIntervalSince1970), .text(id.rawValue), .text(project.rawValue),
                .text(from.rawValue), failureReason.map { .text($0) } ?? .null, .integer(to.isLive ? 1 : 0),
            ]
        )
        return try rows.first.map(Self.devServerRecord)
    }

    public func relaunchDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, previousPID: Int?, pid: Int, at now: Date
    ) async throws -> DevServerRecord? {
        try Self.checkRelaunch(from: from)
        let rows = try await self.run(
            """
            UPDATE fs_dev_servers SET state = 'starting', pid = ?1, started_at = ?2, stopped_at = NULL, failure_reason = NULL,
                relaunch_pending = 0
            WHERE id = ?3 AND project_id = ?4 AND state = ?5 AND pid IS ?6
            RETURNING \(DevServerRecord.storedColumns)
            """,
            [
                .integer(pid), .float(now.timeIntervalSince1970), .text(id.rawValue), .text(project.rawValue),
                .text(from.rawValue), previousPID.map { .integer($0) } ?? .null,
            ]
        )
        return try rows.first.map(Self.devServerRecord)
    }

    public func livePreviews(of projects: [ProjectID]?, limit: Int?) async throws -> [LivePreview] {
        let ids = try projects.map { String(decoding: try JSONEncoder().encode($0.map(\.rawValue)), as: UTF8.self) }
        let rows = try await self.run(
            """
            SELECT \(LivePreview.storedColumns) FROM fs_dev_servers d
            JOIN fs_project_dev_containers c ON c.project_id = d.project_id
            WHERE \(LivePreview.storedConditions)
              AND (?1 IS NULL OR d.project_id IN (SELECT value FROM json_each(?1)))
            ORDER BY d.project_id, d.port, d.started_at, d.id LIMIT ?2
            """,
            [ids.map { .text($0) } ?? .null, .integer(limit ?? -1)]
        )
        return rows.compactMap { row in
            func text(_ name: String) -> String { row.column(name)?.string ?? "" }
            do {
                return try LivePreview(
                    storedID: text("id"), projectID: text("project_id"), projectSlug: text("project_slug"),
                    previewToken: text("preview_token"), serviceUUID: text("service_uuid"),
                    port: row.column("port")?.integer ?? 0, state: text("state")
                )
            } catch {
                self.logger.warning("skipping a dev server without a valid preview route", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    public func previewChanges(since cursor: Int64?) async throws -> PreviewChanges {
        guard let cursor else {
            let rows = try await self.run("SELECT COALESCE(MAX(seq), 0) AS seq FROM vibn_preview_changes", [])
            return PreviewChanges(cursor: Int64(rows.first?.column("seq")?.integer ?? 0), projects: [])
        }
        // One writer at a time: numbers are taken in commit order, so nothing below the highest seen commits later.
        let rows = try await self.run("SELECT project_id, seq FROM vibn_preview_changes WHERE seq > ?1", [.integer(Int(cursor))])
        return PreviewChanges(
            cursor: rows.compactMap { $0.column("seq")?.integer.map(Int64.init) }.max() ?? cursor,
            projects: rows.compactMap { $0.column("project_id")?.string.map { ProjectID(trusted: $0) } }
        )
    }

    public func startingDevServers(startedBefore cutoff: Date?, limit: Int) async throws -> [DevServerRecord] {
        let rows = try await self.run(
            """
            SELECT \(DevServerRecord.storedColumns) FROM fs_dev_servers
            WHERE state = 'starting' AND (?1 IS NULL OR started_at < ?1)
              AND project_id IN (SELECT project_id FROM fs_project_dev_containers WHERE state = 'running')
            ORDER BY started_at, id LIMIT ?2
            """,
            [cutoff.map { .float($0.timeIntervalSince1970) } ?? .null, .integer(limit)]
        )
        return try rows.map(Self.devServerRecord)
    }

    // MARK: Relaunch queue

    public func markDevServersForRelaunch(project: ProjectID) async throws {
        _ = try await self.run(
            "UPDATE fs_dev_servers SET relaunch_pending = 1 WHERE project_id = ? AND state IN ('starting', 'running')",
            [.text(project.rawValue)]
        )
    }

    public func devServersAwaitingRelaunch(project: ProjectID?, limit: Int) async throws -> [DevServerRecord] {
        let rows = try await self.run(
            """
            SELECT \(DevServerRecord.storedColumns) FROM fs_dev_servers
            WHERE relaunch_pending = 1 AND (?1 IS NULL OR project_id = ?1)
              AND project_id IN (SELECT project_id FROM fs_project_dev_containers WHERE state = 'running')
            ORDER BY started_at, id LIMIT ?2
            """,
            [project.map { .text($0.rawValue) } ?? .null, .integer(limit)]
        )
        return try rows.map(Self.devServerRecord)
    }

    public func finishDevServerRelaunch(_ id: DevServerID, project: ProjectID) async throws {
        _ = try await self.run(
            "UPDATE fs_dev_servers SET relaunch_pending = 0 WHERE id = ? AND project_id = ?", [.text(id.rawValue), .text(project.rawValue)]
        )
    }

    public func devServerRelaunchCount() async throws -> Int {
        try await self.count("SELECT count(*) AS count FROM fs_dev_servers WHERE relaunch_pending = 1")
    }

    // MARK: Row decoding

    static func devServerRecord(_ row: SQLiteRow) throws -> DevServerRecord {
        func text(_ name: String) -> String { row.column(name)?.string ?? "" }
        func date(_ name: String) -> Date? { row.column(name)?.double.map(Date.init(timeIntervalSince1970:)) }
        return try DevServerRecord(
            storedID: text("id"), projectID: text("project_id"), workspace: text("workspace"), name: text("name"),
            command: text("command"), port: row.column("port")?.integer ?? 0, pid: row.column("pid")?.integer,
            previewURL: text("preview_url"), state: text("state"),
            startedAt: date("started_at") ?? .distantPast, stoppedAt: date("stopped_at"),
            failureReason: row.column("failure_reason")?.string
        )
    }
}
