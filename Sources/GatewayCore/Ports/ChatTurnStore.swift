import Foundation

/// The chat-turn half of the store (`vibn_chat_turns`): each `turnId`+`phase` of a project applied once, and which
/// turns are open. Keyed by project too, so one tenant cannot claim another's turn id first.
public protocol ChatTurnStore: Sendable {
    /// Records a turn's phase unless that `turnId`+`phase` was recorded for the project before.
    /// - Returns: true when this event is new (and should be applied).
    func claimTurn(_ turn: ChatTurn) async throws -> Bool

    /// Whether the project has a turn that `started` after `since` and has no `ended` for it yet.
    func hasOpenTurn(project: ProjectID, since: Date) async throws -> Bool

    /// Deletes the turns received before `cutoff` (their replays are then applied again).
    /// - Returns: How many rows were deleted.
    func purgeTurns(receivedBefore cutoff: Date) async throws -> Int
}
