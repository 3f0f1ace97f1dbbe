import Foundation

/// The dev-server reads of the store (`fs_dev_servers`), and its relaunch queue; their changes are ``StateChanges``.
public protocol DevServerStore: Sendable {
    /// The dev server `id` of `project`, if any.
    func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord?

    /// A project's dev servers, by port, then oldest first.
    func devServers(project: ProjectID) async throws -> [DevServerRecord]

    /// The live previews (`running` dev servers not awaiting a relaunch, on `running` containers) of `projects`, or
    /// of every project when nil, ordered by project, port and start time, the first `limit` (nil: all); rows missing
    /// a slug, token or service are left out.
    func livePreviews(of projects: [ProjectID]?, limit: Int?) async throws -> [LivePreview]

    /// The projects whose live previews may have changed since `cursor` (a value this method returned), and the
    /// cursor for the next call; with a nil cursor, only the current cursor (read it before reading every preview).
    /// Changes are noted by triggers in the store, whoever makes them.
    func previewChanges(since cursor: Int64?) async throws -> PreviewChanges

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

extension DevServerStore {
    /// Every live preview of `projects` (nil: of every project); see ``livePreviews(of:limit:)``.
    public func livePreviews(of projects: [ProjectID]? = nil) async throws -> [LivePreview] {
        try await self.livePreviews(of: projects, limit: nil)
    }
}

/// What ``DevServerStore/previewChanges(since:)`` found.
public struct PreviewChanges: Sendable, Equatable {
    /// Where the next call continues.
    public var cursor: Int64
    /// The projects whose live previews may have changed (possibly some that did not).
    public var projects: [ProjectID]

    public init(cursor: Int64, projects: [ProjectID]) {
        self.cursor = cursor
        self.projects = projects
    }
}
