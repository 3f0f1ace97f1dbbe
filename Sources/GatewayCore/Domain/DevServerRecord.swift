import Foundation

/// One row of `fs_dev_servers`: a process serving a preview port inside a project's dev container.
public struct DevServerRecord: Sendable, Equatable {
    public var id: DevServerID
    public var projectID: ProjectID
    public var workspace: WorkspaceSlug
    public var name: String
    public var command: String
    public var port: PreviewPort
    /// The process (group) id inside the container, once known.
    public var pid: Int?
    public var previewURL: String
    public var state: DevServerState
    public var startedAt: Date
    public var stoppedAt: Date?
    /// Why the server failed (the tail of its log), once it has.
    public var failureReason: String?

    public init(
        id: DevServerID,
        projectID: ProjectID,
        workspace: WorkspaceSlug,
        name: String,
        command: String,
        port: PreviewPort,
        pid: Int?,
        previewURL: String,
        state: DevServerState,
        startedAt: Date,
        stoppedAt: Date?,
        failureReason: String? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.workspace = workspace
        self.name = name
        self.command = command
        self.port = port
        self.pid = pid
        self.previewURL = previewURL
        self.state = state
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
        self.failureReason = failureReason
    }
}

/// A dev server that should have a preview route: it is `starting` or `running` on a `running` container
/// whose row has a slug, a preview token and a Coolify service.
public struct LivePreview: Sendable, Equatable {
    public var devServerID: DevServerID
    public var projectID: ProjectID
    public var projectSlug: ProjectSlug
    public var previewToken: PreviewToken
    public var serviceUUID: ServiceUUID
    public var port: PreviewPort
    public var state: DevServerState

    public init(
        devServerID: DevServerID,
        projectID: ProjectID,
        projectSlug: ProjectSlug,
        previewToken: PreviewToken,
        serviceUUID: ServiceUUID,
        port: PreviewPort,
        state: DevServerState
    ) {
        self.devServerID = devServerID
        self.projectID = projectID
        self.projectSlug = projectSlug
        self.previewToken = previewToken
        self.serviceUUID = serviceUUID
        self.port = port
        self.state = state
    }
}
