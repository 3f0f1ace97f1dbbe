import Foundation
import GatewayCore
import PostgresNIO

/// `vibn_chat_turns` and `vibn_project_leases` on PostgreSQL; values are bound parameters.
extension PostgresStore: ChatTurnStore, ProjectLeaseStore {
    public func claimTurn(_ turn: ChatTurn) async throws -> Bool {
        let rows = try await self.query(
            """
            INSERT INTO vibn_chat_turns (turn_id, phase, project_id, workspace, project_slug, received_at)
            VALUES (\(turn.turn.rawValue), \(turn.phase.rawValue), \(turn.project.rawValue), \(turn.workspace.rawValue),
                    \(turn.slug.rawValue), \(turn.receivedAt))
            ON CONFLICT (project_id, turn_id, phase) DO NOTHING RETURNING turn_id
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func takeNextTurn(project: ProjectID) async throws -> (turn: ChatTurn, attempts: Int)? {
        // Matched by the primary key (`seq` has no index of its own: a match on it alone scans the whole table).
        let rows = try await self.query(
            """
            UPDATE vibn_chat_turns SET attempts = attempts + 1
            WHERE project_id = \(project.rawValue)
              AND (turn_id, phase) = (SELECT turn_id, phase FROM vibn_chat_turns WHERE project_id = \(project.rawValue)
                                        AND applied_at IS NULL ORDER BY received_at, seq LIMIT 1)
            RETURNING turn_id, phase, project_id, workspace, project_slug, received_at, attempts
            """,
            logger: self.logger
        )
        for try await (turn, phase, project, workspace, slug, receivedAt, attempts)
            in rows.decode((String, String, String, String, String?, Date, Int).self) {
            return (try ChatTurn(stored: turn, phase: phase, project: project, workspace: workspace, slug: slug, receivedAt: receivedAt), attempts)
        }
        return nil
    }

    public func projectsWithPendingTurns(limit: Int) async throws -> [ProjectID] {
        let rows = try await self.query(
            """
            SELECT project_id FROM vibn_chat_turns WHERE applied_at IS NULL
            GROUP BY project_id ORDER BY min(received_at) LIMIT \(limit)
            """,
            logger: self.logger
        )
        var projects: [ProjectID] = []
        for try await project in rows.decode(String.self) { projects.append(try ProjectID(validating: project)) }
        return projects
    }

    public func pendingTurnCount() async throws -> Int {
        try await self.count("SELECT count(*) FROM vibn_chat_turns WHERE applied_at IS NULL")
    }

    public func finishTurn(_ turn: ChatTurn, outcome: ChatTurnOutcome, at now: Date) async throws -> Bool {
        let rows = try await self.query(
            """
            UPDATE vibn_chat_turns SET applied_at = \(now), outcome = \(outcome.stored)
            WHERE project_id = \(turn.project.rawValue) AND turn_id = \(turn.turn.rawValue) AND phase = \(turn.phase.rawValue)
              AND applied_at IS NULL
            RETURNING turn_id
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func hasOpenTurn(project: ProjectID, since: Date) async throws -> Bool {
        let rows = try await self.query(
            """
            SELECT 1 FROM vibn_chat_turns s
            WHERE s.project_id = \(project.rawValue) AND s.phase = 'started' AND s.received_at > \(since)
              AND NOT EXISTS (SELECT 1 FROM vibn_chat_turns e
                              WHERE e.turn_id = s.turn_id AND e.phase = 'ended' AND e.project_id = s.project_id)
            LIMIT 1
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(Int32.self) { return true }
        return false
    }

    public func purgeTurns(receivedBefore cutoff: Date) async throws -> Int {
        let rows = try await self.query(
            "DELETE FROM vibn_chat_turns WHERE received_at < \(cutoff) AND applied_at IS NOT NULL RETURNING 1", logger: self.logger
        )
        var count = 0
        for try await _ in rows.decode(Int32.self) { count += 1 }
        return count
    }

    // MARK: Project leases

    public func acquireProjectLease(_ project: ProjectID, for purpose: LeasePurpose, owner: String, until: Date, now: Date) async throws -> Bool {
        let rows = try await self.query(
            """
            INSERT INTO vibn_project_leases (project_id, purpose, owner, lease_until)
            VALUES (\(project.rawValue), \(purpose.rawValue), \(owner), \(until))
            ON CONFLICT (project_id, purpose) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
            WHERE vibn_project_leases.owner = excluded.owner OR vibn_project_leases.lease_until < \(now)
            RETURNING owner
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func releaseProjectLease(_ project: ProjectID, for purpose: LeasePurpose, owner: String) async throws {
        _ = try await self.query(
            """
            DELETE FROM vibn_project_leases
            WHERE project_id = \(project.rawValue) AND purpose = \(purpose.rawValue) AND owner = \(owner)
            """,
            logger: self.logger
        )
    }
}
