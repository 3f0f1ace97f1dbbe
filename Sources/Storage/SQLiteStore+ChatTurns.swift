import Foundation
import GatewayCore
import SQLiteNIO

/// `vibn_chat_turns` and `vibn_project_leases` on SQLite: times are REAL seconds since 1970.
extension SQLiteStore: ChatTurnStore, ProjectLeaseStore {
    public func claimTurn(_ turn: ChatTurn) async throws -> Bool {
        let rows = try await self.run(
            """
            INSERT INTO vibn_chat_turns (turn_id, phase, project_id, workspace, project_slug, received_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, turn_id, phase) DO NOTHING RETURNING turn_id
            """,
            [
                .text(turn.turn.rawValue), .text(turn.phase.rawValue), .text(turn.project.rawValue),
                .text(turn.workspace.rawValue), .text(turn.slug.rawValue), .float(turn.receivedAt.timeIntervalSince1970),
            ]
        )
        return !rows.isEmpty
    }

    public func takeNextTurn(project: ProjectID) async throws -> (turn: ChatTurn, attempts: Int)? {
        let rows = try await self.run(
            """
            UPDATE vibn_chat_turns SET attempts = attempts + 1
            WHERE rowid = (SELECT rowid FROM vibn_chat_turns WHERE project_id = ? AND applied_at IS NULL
                           ORDER BY received_at, rowid LIMIT 1)
            RETURNING turn_id, phase, project_id, workspace, project_slug, received_at, attempts
            """,
            [.text(project.rawValue)]
        )
        guard let row = rows.first else { return nil }
        func text(_ name: String) -> String { row.column(name)?.string ?? "" }
        let turn = try ChatTurn(
            stored: text("turn_id"), phase: text("phase"), project: text("project_id"), workspace: text("workspace"),
            slug: row.column("project_slug")?.string, receivedAt: Date(timeIntervalSince1970: row.column("received_at")?.double ?? 0)
        )
        return (turn, row.column("attempts")?.integer ?? 0)
    }

    public func projectsWithPendingTurns(limit: Int) async throws -> [ProjectID] {
        let rows = try await self.run(
            "SELECT project_id FROM vibn_chat_turns WHERE applied_at IS NULL GROUP BY project_id ORDER BY min(received_at) LIMIT ?",
            [.integer(limit)]
        )
        return try rows.map { try ProjectID(validating: $0.column("project_id")?.string ?? "") }
    }

    public func pendingTurnCount() async throws -> Int {
        try await self.count("SELECT count(*) AS count FROM vibn_chat_turns WHERE applied_at IS NULL")
    }

    public func finishTurn(_ turn: ChatTurn, outcome: ChatTurnOutcome, at now: Date) async throws -> Bool {
        let rows = try await self.run(
            """
            UPDATE vibn_chat_turns SET applied_at = ?, outcome = ?
            WHERE project_id = ? AND turn_id = ? AND phase = ? AND applied_at IS NULL RETURNING turn_id
            """,
            [
                .float(now.timeIntervalSince1970), .text(outcome.stored), .text(turn.project.rawValue), .text(turn.turn.rawValue),
                .text(turn.phase.rawValue),
            ]
        )
        return !rows.isEmpty
    }

    public func hasOpenTurn(project: ProjectID, since: Date) async throws -> Bool {
        let rows = try await self.run(
            """
            SELECT 1 FROM vibn_chat_turns s
            WHERE s.project_id = ?1 AND s.phase = 'started' AND s.received_at > ?2
              AND NOT EXISTS (SELECT 1 FROM vibn_chat_turns e WHERE e.turn_id = s.turn_id AND e.phase = 'ended' AND e.project_id = ?1)
            LIMIT 1
            """,
            [.text(project.rawValue), .float(since.timeIntervalSince1970)]
        )
        return !rows.isEmpty
    }

    public func purgeTurns(receivedBefore cutoff: Date) async throws -> Int {
        let rows = try await self.run(
            "DELETE FROM vibn_chat_turns WHERE received_at < ? AND applied_at IS NOT NULL RETURNING 1",
            [.float(cutoff.timeIntervalSince1970)]
        )
        return rows.count
    }

    // MARK: Project leases

    public func acquireProjectLease(_ project: ProjectID, for purpose: LeasePurpose, owner: String, until: Date, now: Date) async throws -> Bool {
        let rows = try await self.run(
            """
            INSERT INTO vibn_project_leases (project_id, purpose, owner, lease_until) VALUES (?1, ?5, ?2, ?3)
            ON CONFLICT (project_id, purpose) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
            WHERE vibn_project_leases.owner = excluded.owner OR vibn_project_leases.lease_until < ?4
            RETURNING owner
            """,
            [
                .text(project.rawValue), .text(owner), .float(until.timeIntervalSince1970), .float(now.timeIntervalSince1970),
                .text(purpose.rawValue),
            ]
        )
        return !rows.isEmpty
    }

    public func releaseProjectLease(_ project: ProjectID, for purpose: LeasePurpose, owner: String) async throws {
        _ = try await self.run(
            "DELETE FROM vibn_project_leases WHERE project_id = ? AND purpose = ? AND owner = ?",
            [.text(project.rawValue), .text(purpose.rawValue), .text(owner)]
        )
    }
}
