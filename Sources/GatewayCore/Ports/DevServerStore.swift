import Foundation

/// The dev-server reads of the store (`fs_dev_servers`); their changes are ``StateChanges``.
public protocol DevServerStore: Sendable {
    /// The dev server `id` of `project`, if any.
    func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord?

    /// A project's dev servers, by port, then oldest first.
    func devServers(project: ProjectID) async throws -> [DevServerRecord]

    /// Every live preview (dev servers `starting`/`running` on `running` containers), ordered by project, port
    /// and start time; rows missing a slug, token or service are left out.
    func livePreviews() async throws -> [LivePreview]
}
