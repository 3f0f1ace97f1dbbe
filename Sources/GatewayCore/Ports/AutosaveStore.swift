import Foundation

/// The autosave half of the store (`fs_dev_autosaves`): what ran, and when the last push succeeded.
public protocol AutosaveStore: Sendable {
    /// Records an attempt, pushed or failed.
    func recordAutosave(_ attempt: AutosaveAttempt) async throws

    /// The project's latest successful attempt (what throttling counts), if any.
    func lastPushedAutosave(project: ProjectID) async throws -> AutosaveAttempt?

    /// The project's latest `limit` attempts, newest first.
    func autosaves(project: ProjectID, limit: Int) async throws -> [AutosaveAttempt]
}

// MARK: - ObservedStore

/// Autosaves change no container or dev-server state: they pass straight through.
extension ObservedStore {
    public func recordAutosave(_ attempt: AutosaveAttempt) async throws {
        try await self.base.recordAutosave(attempt)
        await self.observer(.autosave(attempt))
    }
    public func lastPushedAutosave(project: ProjectID) async throws -> AutosaveAttempt? {
        try await self.base.lastPushedAutosave(project: project)
    }
    public func autosaves(project: ProjectID, limit: Int) async throws -> [AutosaveAttempt] {
        try await self.base.autosaves(project: project, limit: limit)
    }
}
