import Foundation

/// The autosave reads of the store: what ran, and when the last push succeeded (attempts are recorded through
/// ``StateChanges``).
public protocol AutosaveStore: Sendable {
    /// The project's latest successful attempt (what throttling counts), if any.
    func lastPushedAutosave(project: ProjectID) async throws -> AutosaveAttempt?

    /// The project's latest `limit` attempts, newest first.
    func autosaves(project: ProjectID, limit: Int) async throws -> [AutosaveAttempt]
}
