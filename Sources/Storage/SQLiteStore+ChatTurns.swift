import Foundation
import GatewayCore
import SQLiteNIO

/// `vibn_chat_turns` on SQLite: `received_at` REAL seconds since 1970.
extension SQLiteStore: ChatTurnStore {
    public func claimTurn(_ turn: ChatTurn) async throws -> Bool {
        let rows = try await self.connection.query(
            """
            INSERT INTO vibn_chat_turns (turn_id, phase, project_id, workspace, received_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (project_id, turn_id, phase) DO NOTHING RETURNING turn_id
            """,
            [
                .text(turn.turn.rawValue), .text(turn.phase.rawValue), .text(turn.project.rawValue),
                .text(turn.workspace.rawValue), .float(turn.receivedAt.timeIntervalSince1970),
            ]
        )
        return !rows.isEmpty
    }

    public func hasOpenTurn(project: ProjectID, since: Date) async throws -> Bool {
        let rows = try await self.connection.query(
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
        let rows = try await self.connection.query(
            "DELETE FROM vibn_chat_turns WHERE received_at < ? RETURNING 1", [.float(cutoff.timeIntervalSince1970)]
        )
        return rows.count
    }
}
