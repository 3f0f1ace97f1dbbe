import Foundation

/// Answers which container a workspace's project has, enforcing tenant isolation:
/// a project belongs to the workspace that first registered it, and is invisible from any other.
public struct ProjectDirectory: Sendable {
    public let store: any StoreQueries
    public let clock: any WallClock

    public init(store: any StoreQueries, clock: any WallClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// The project's container row, or nil when it has none.
    /// - Throws: ``GatewayError`` `project_not_found` when the project belongs to another workspace.
    public func container(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerRecord? {
        guard let record = try await self.store.container(project) else { return nil }
        guard record.workspace == workspace else { throw GatewayError.projectNotFound(project) }
        return record
    }

    /// The status object of `GET …/container`, read from the store.
    public func status(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerStatus {
        guard let record = try await self.container(workspace: workspace, project: project) else {
            return .absent
        }
        return try await self.status(of: record)
    }

    /// The plain status object of a recorded container: the one place every status answer is built from.
    /// `previews` lists the project's dev servers that are starting or running, with their preview URLs.
    public func status(of record: ContainerRecord) async throws -> ContainerStatus {
        let previews = try await self.store.devServers(project: record.projectID)
            .filter(\.state.isLive)
            .map { ContainerStatus.Preview(slot: $0.port.slot, port: $0.port.number, url: $0.previewURL, state: $0.state) }
        return ContainerStatus(record: record, now: self.clock.now, previews: previews)
    }
}
