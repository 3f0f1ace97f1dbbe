import Foundation

/// The ships' reads and a project's Application (their changes are ``StateChanges``).
public protocol ShipStore: Sendable {
    /// Records the Coolify Application a project's ships deploy, on its container row.
    /// - Returns: Whether the workspace's project has a container row.
    func setApplication(_ uuid: ApplicationUUID, project: ProjectID, workspace: WorkspaceSlug) async throws -> Bool

    /// The Application recorded for the project, if any.
    func application(of project: ProjectID) async throws -> ApplicationUUID?

    /// The ship `id` of `project`, if any.
    func ship(_ id: ShipID, project: ProjectID) async throws -> ShipRecord?

    /// The ship that waits for deployment `uuid`, if any.
    func ship(deploymentUUID uuid: String) async throws -> ShipRecord?

    /// Every ship that has not ended, oldest first.
    func activeShips() async throws -> [ShipRecord]
}
