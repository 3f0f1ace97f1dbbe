import Foundation
import GatewayCore

extension ChatTurn {
    /// Validates a stored pending turn.
    /// - Throws: ``ValidationError`` when a value is not valid (or the slug is missing: only turns claimed before
    ///   migration 6 lack one, and those are finished).
    init(stored turn: String, phase: String, project: String, workspace: String, slug: String?, receivedAt: Date) throws {
        guard let phase = ChatTurnPhase(rawValue: phase) else {
            throw ValidationError(field: "phase", message: "stored phase '\(phase)' is not started or ended")
        }
        self.init(
            workspace: try WorkspaceSlug(validating: workspace), project: try ProjectID(validating: project),
            slug: try ProjectSlug(validating: slug ?? ""), turn: try TurnID(validating: turn), phase: phase, receivedAt: receivedAt
        )
    }
}
