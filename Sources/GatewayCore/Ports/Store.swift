import Foundation

/// The gateway's state store: the container rows' reads and bookkeeping (its state changes are ``StateChanges``).
public protocol Store: Sendable {
    /// Succeeds when the store answers a trivial query.
    func ping() async throws

    /// Applies every migration not yet recorded; a no-op when all are applied.
    /// - Returns: The versions applied by this call.
    @discardableResult
    func migrate() async throws -> [Int]

    /// The migration versions not applied yet (nothing is changed; `migrate()` applies them).
    func pendingMigrations() async throws -> [Int]

    /// The container row of a project, if any.
    func container(_ project: ProjectID) async throws -> ContainerRecord?

    /// The project's preview token: the stored one, or `candidate` stored now when the row has none
    /// (rows adopted from the seed). Concurrent callers all get the one token that was stored.
    /// - Returns: The token, or nil when the project has no row.
    func ensurePreviewToken(_ project: ProjectID, candidate: PreviewToken) async throws -> PreviewToken?

    /// Records activity on the workspace's project's container now.
    /// - Returns: The row after the change; nil when the project has no container in `workspace`.
    @discardableResult
    func touchContainer(_ project: ProjectID, workspace: WorkspaceSlug, at now: Date) async throws -> ContainerRecord?

    /// The containers in any of `states`, oldest first.
    func containers(in states: Set<ContainerState>) async throws -> [ContainerRecord]

    /// How many of a workspace's containers count against its quota (provisioning or running).
    func activeContainerCount(workspace: WorkspaceSlug) async throws -> Int

    /// How many containers are provisioning or running on each server (servers without any are absent).
    func activeContainersPerServer() async throws -> [ServerName: Int]
}
