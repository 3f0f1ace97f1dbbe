import Foundation
import GatewayCore
import PostgresNIO

/// `vibn_chat_turns` on PostgreSQL; values are bound parameters.
extension PostgresStore: ChatTurnStore {
    public func claimTurn(_ turn: ChatTurn) async throws -> Bool {
        let rows = try await self.query(
            """
            INSERT INTO vibn_chat_turns (turn_id, phase, project_id, workspace, received_at)
            VALUES (\(turn.turn.rawValue), \(turn.phase.rawValue), \(turn.project.rawValue), \(turn.workspace.rawValue), \(turn.receivedAt))
            ON CONFLICT (project_id, turn_id, phase) DO NOTHING RETURNING turn_id
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
            "DELETE FROM vibn_chat_turns WHERE received_at < \(cutoff) RETURNING 1", logger: self.logger
        )
        var count = 0
        for try await _ in rows.decode(Int32.self) { count += 1 }
        return count
    }
}
