import Foundation

/// The chat-turn half of the store (`vibn_chat_turns`), which is also their queue: each `turnId`+`phase` of a
/// project is claimed once and stays pending until its work is done (``StateChanges/finishTurn(_:outcome:at:)``).
/// Keyed by project too, so one tenant cannot claim another's turn id first.
public protocol ChatTurnStore: Sendable {
    /// Records a turn as pending unless that `turnId`+`phase` was recorded for the project before.
    /// - Returns: true when this event is new (and its work is to be done).
    func claimTurn(_ turn: ChatTurn) async throws -> Bool

    /// The project's oldest pending turn, with how often it has been taken now (this time included).
    /// - Returns: nil when the project has no pending turn.
    func takeNextTurn(project: ProjectID) async throws -> (turn: ChatTurn, attempts: Int)?

    /// The projects that have pending turns, the one with the oldest first, at most `limit`.
    func projectsWithPendingTurns(limit: Int) async throws -> [ProjectID]

    /// How many turns are pending.
    func pendingTurnCount() async throws -> Int

    /// Whether the project has a turn that `started` after `since` and has no `ended` for it yet.
    func hasOpenTurn(project: ProjectID, since: Date) async throws -> Bool

    /// Deletes the finished turns received before `cutoff` (their replays are then applied again).
    /// - Returns: How many rows were deleted.
    func purgeTurns(receivedBefore cutoff: Date) async throws -> Int
}

/// What a project lease is for: each purpose is leased on its own.
public enum LeasePurpose: String, Sendable, CaseIterable {
    /// Working off the project's chat turns.
    case turns
    /// Pushing the project's autosave (two pushes to one branch at once make one fail).
    case autosave
    /// Starting a dev server (two starts on one port must not both find it free).
    case devServerStart = "dev_server_start"
    /// Resuming a suspended container for work on it (one Coolify start however many callers).
    case resume
}

/// Which replica works on a project: one at a time per purpose, under a lease it renews while it works and that
/// lapses when it dies, so another replica (or the same one restarted) takes the work over.
public protocol ProjectLeaseStore: Sendable {
    /// Takes or renews the lease of `project` for `purpose` for `owner` until `until`, unless another owner's lease
    /// runs past `now`.
    /// - Returns: Whether `owner` holds the lease now.
    func acquireProjectLease(_ project: ProjectID, for purpose: LeasePurpose, owner: String, until: Date, now: Date) async throws -> Bool

    /// Gives the lease of `project` for `purpose` up, if `owner` holds it.
    func releaseProjectLease(_ project: ProjectID, for purpose: LeasePurpose, owner: String) async throws
}
