import Foundation

/// One row of `fs_project_dev_containers`: a project's dev container as the gateway knows it.
public struct ContainerRecord: Sendable, Equatable {
    public var projectID: ProjectID
    public var workspace: WorkspaceSlug
    /// The project slug used in names and preview hosts; nil on rows adopted from the seed until first use.
    public var projectSlug: ProjectSlug?
    /// The preview token; nil on rows adopted from the seed until ``Store/ensurePreviewToken(_:candidate:)`` sets one.
    public var previewToken: PreviewToken?
    /// The Coolify service, or nil while the row is reserved and the service not yet created.
    public var serviceUUID: ServiceUUID?
    public var image: String
    public var state: ContainerState
    public var lastActiveAt: Date
    public var suspendedAt: Date?
    public var createdAt: Date
    /// When the row entered its current state (its creation for rows that never changed state).
    public var stateChangedAt: Date
    /// The server its service runs on; every exec, file, dev-server and autosave call goes to that server's host.
    public var server: ServerName

    public init(
        projectID: ProjectID,
        workspace: WorkspaceSlug,
        projectSlug: ProjectSlug?,
        previewToken: PreviewToken?,
        serviceUUID: ServiceUUID?,
        image: String,
        state: ContainerState,
        lastActiveAt: Date,
        suspendedAt: Date?,
        createdAt: Date,
        stateChangedAt: Date? = nil,
        server: ServerName = .default
    ) {
        self.projectID = projectID
        self.workspace = workspace
        self.projectSlug = projectSlug
        self.previewToken = previewToken
        self.serviceUUID = serviceUUID
        self.image = image
        self.state = state
        self.lastActiveAt = lastActiveAt
        self.suspendedAt = suspendedAt
        self.createdAt = createdAt
        self.stateChangedAt = stateChangedAt ?? createdAt
        self.server = server
    }
}

/// What a caller asks for when it reserves a container row.
public struct ContainerReservation: Sendable, Equatable {
    public var projectID: ProjectID
    public var workspace: WorkspaceSlug
    public var projectSlug: ProjectSlug
    public var previewToken: PreviewToken
    public var image: String
    public var state: ContainerState
    /// The most containers the workspace may have `provisioning` or `running`: the row is inserted only while it
    /// has fewer, checked and inserted as one step (nil: no check).
    public var quota: Int?
    /// The servers to place a new row on (``ServerSlot/place(among:active:)``, counted and inserted as one step);
    /// nil: the `default` server, without a capacity check.
    public var servers: [ServerSlot]?

    public init(
        projectID: ProjectID,
        workspace: WorkspaceSlug,
        projectSlug: ProjectSlug,
        previewToken: PreviewToken = .random(),
        image: String,
        state: ContainerState = .provisioning,
        quota: Int? = nil,
        servers: [ServerSlot]? = nil
    ) {
        self.projectID = projectID
        self.workspace = workspace
        self.projectSlug = projectSlug
        self.previewToken = previewToken
        self.image = image
        self.state = state
        self.quota = quota
        self.servers = servers
    }
}

/// The answer to a reservation: the row as it now is, and whether this call created it.
public struct ReservationOutcome: Sendable, Equatable {
    public var record: ContainerRecord
    public var inserted: Bool

    public init(record: ContainerRecord, inserted: Bool) {
        self.record = record
        self.inserted = inserted
    }
}
