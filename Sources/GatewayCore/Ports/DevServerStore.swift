import Foundation

/// The dev-server reads of the store (`fs_dev_servers`), and its relaunch queue; their changes are ``StateChanges``.
public protocol DevServerStore: Sendable {
    /// The dev server `id` of `project`, if any.
    func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord?

    /// A project's dev servers, by port, then oldest first.
    func devServers(project: ProjectID) async throws -> [DevServerRecord]

    /// Every live preview (dev servers `starting`/`running` on `running` containers), ordered by project, port
    /// and start time; rows missing a slug, token or service are left out.
    func livePreviews() async throws -> [LivePreview]

    /// The `starting` dev servers of `running` containers started before `cutoff` (all of them when nil), oldest
    /// first, at most `limit`: whose readiness probe a crashed replica may have taken with it.
    func startingDevServers(startedBefore cutoff: Date?, limit: Int) async throws -> [DevServerRecord]

    // MARK: Relaunch queue: live servers of a resumed container, kept until each is brought back

    /// Marks the project's live dev servers as awaiting a relaunch: its container became `running` again. Meant to
    /// run in the transaction of that change, so a crash cannot lose the relaunch.
    func markDevServersForRelaunch(project: ProjectID) async throws

    /// The dev servers awaiting a relaunch whose container is `running` (of `project`, or of every project when
    /// nil), oldest first, at most `limit`.
    func devServersAwaitingRelaunch(project: ProjectID?, limit: Int) async throws -> [DevServerRecord]

    /// Takes the server off the relaunch queue (it was found still alive). A relaunch, a stop and a failure of the
    /// server take it off as well.
    func finishDevServerRelaunch(_ id: DevServerID, project: ProjectID) async throws

    /// How many dev servers await a relaunch.
    func devServerRelaunchCount() async throws -> Int
}
