import Foundation
import GatewayCore
import PostgresNIO

/// `fs_dev_autosaves` on PostgreSQL; values are bound parameters.
extension PostgresStore: AutosaveStore {
    public func recordAutosave(_ attempt: AutosaveAttempt) async throws {
        try await self.query(
            """
            INSERT INTO fs_dev_autosaves (\(unescaped: AutosaveAttempt.storedColumns))
            VALUES (\(attempt.projectID.rawValue), \(attempt.workspace.rawValue), \(attempt.repo), \(attempt.output),
                    \(attempt.code), \(attempt.commit), \(attempt.ok), \(attempt.at))
            """,
            logger: self.logger
        )
    }

    public func lastPushedAutosave(project: ProjectID) async throws -> AutosaveAttempt? {
        try await self.autosaveAttempts(
            """
            SELECT \(unescaped: AutosaveAttempt.storedColumns) FROM fs_dev_autosaves
            WHERE project_id = \(project.rawValue) AND ok ORDER BY pushed_at DESC, id DESC LIMIT 1
            """
        ).first
    }

    public func autosaves(project: ProjectID, limit: Int) async throws -> [AutosaveAttempt] {
        try await self.autosaveAttempts(
            """
            SELECT \(unescaped: AutosaveAttempt.storedColumns) FROM fs_dev_autosaves
            WHERE project_id = \(project.rawValue) ORDER BY pushed_at DESC, id DESC LIMIT \(limit)
            """
        )
    }

    // MARK: Row decoding

    func autosaveAttempts(_ query: PostgresQuery) async throws -> [AutosaveAttempt] {
        let rows = try await self.query(query, logger: self.logger)
        var attempts: [AutosaveAttempt] = []
        for try await (project, workspace, repo, output, code, commit, ok, at) in rows.decode(
            (String, String, String, String?, Int32?, String?, Bool, Date).self
        ) {
            attempts.append(try AutosaveAttempt(
                storedProjectID: project, workspace: workspace, repo: repo, output: output, code: code.map(Int.init), commit: commit, ok: ok, at: at
            ))
        }
        return attempts
    }
}
