import Foundation
import GatewayCore
import SQLiteNIO

/// `fs_dev_autosaves` on SQLite: `ok` is 0/1, `pushed_at` REAL seconds since 1970.
extension SQLiteStore: AutosaveStore {
    public func recordAutosave(_ attempt: AutosaveAttempt) async throws {
        _ = try await self.run(
            "INSERT INTO fs_dev_autosaves (\(AutosaveAttempt.storedColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(attempt.projectID.rawValue), .text(attempt.workspace.rawValue), .text(attempt.repo), .text(attempt.output),
                attempt.code.map { .integer(Int($0)) } ?? .null, attempt.commit.map { .text($0) } ?? .null,
                .integer(attempt.ok ? 1 : 0), .float(attempt.at.timeIntervalSince1970),
            ]
        )
    }

    public func lastPushedAutosave(project: ProjectID) async throws -> AutosaveAttempt? {
        let rows = try await self.run(
            """
            SELECT \(AutosaveAttempt.storedColumns) FROM fs_dev_autosaves
            WHERE project_id = ? AND ok = 1 ORDER BY pushed_at DESC, id DESC LIMIT 1
            """,
            [.text(project.rawValue)]
        )
        return try rows.first.map(Self.autosaveAttempt)
    }

    public func autosaves(project: ProjectID, limit: Int) async throws -> [AutosaveAttempt] {
        let rows = try await self.run(
            """
            SELECT \(AutosaveAttempt.storedColumns) FROM fs_dev_autosaves
            WHERE project_id = ? ORDER BY pushed_at DESC, id DESC LIMIT ?
            """,
            [.text(project.rawValue), .integer(limit)]
        )
        return try rows.map(Self.autosaveAttempt)
    }

    // MARK: Row decoding

    static func autosaveAttempt(_ row: SQLiteRow) throws -> AutosaveAttempt {
        func text(_ name: String) -> String? { row.column(name)?.string }
        return try AutosaveAttempt(
            storedProjectID: text("project_id") ?? "", workspace: text("workspace") ?? "", repo: text("repo") ?? "",
            output: text("output"), code: row.column("code")?.integer, commit: text("commit_sha"),
            ok: row.column("ok")?.integer != 0,
            at: Date(timeIntervalSince1970: row.column("pushed_at")?.double ?? 0)
        )
    }
}
