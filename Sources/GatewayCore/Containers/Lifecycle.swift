import Foundation
import Logging

/// What `PUT …/container` asks for.
public struct EnsureRequest: Sendable, Equatable {
    public var workspace: WorkspaceSlug
    public var project: ProjectID
    public var slug: ProjectSlug
    /// The display name; the slug when nil.
    public var name: String?
    /// Whether the container should run (a suspended one is resumed); false provisions it stopped.
    public var start: Bool

    public init(workspace: WorkspaceSlug, project: ProjectID, slug: ProjectSlug, name: String? = nil, start: Bool = true) {
        self.workspace = workspace
        self.project = project
        self.slug = slug
        self.name = name
        self.start = start
    }
}

/// The answer to an ensure: `{"serviceUuid","state","created"}`.
public struct EnsureOutcome: Sendable, Equatable, Codable {
    /// The Coolify service; nil only while a concurrent ensure is still creating it.
    public var serviceUuid: String?
    public var state: String
    /// Whether this call created the Coolify service.
    public var created: Bool

    public init(record: ContainerRecord, created: Bool) {
        self.serviceUuid = record.serviceUUID?.rawValue
        self.state = record.state.rawValue
        self.created = created
    }
}

/// Saves a container's work before it is stopped (autosave fills this in; until then it does nothing).
public typealias SaveWork = @Sendable (ContainerRecord) async throws -> Void

/// The dev-container lifecycle: ensure, suspend, resume, status, and applying what the orchestrator reports.
///
/// Safe under concurrency: the row is reserved (insert-if-absent) before the orchestrator is called, and every
/// state change is a compare-and-set, so concurrent callers and replicas create at most one service per project.
public struct ContainerLifecycle: Sendable {
    /// Where rows are read.
    public let store: any StoreQueries
    /// Where rows change (observed in a running gateway).
    public let changes: any StateChanges
    public let orchestrator: any Orchestrator
    public let renderer: any ComposeRenderer
    /// The exec port for the cheap liveness probe; nil when SSH is not configured.
    public let shell: (any ContainerShell)?
    public let settings: LifecycleSettings
    public let clock: any WallClock
    /// The servers new containers are placed on.
    public let servers: ServerFleet
    public let saveWork: SaveWork
    public let logger: Logger

    public init(
        store: any StoreQueries,
        changes: any StateChanges,
        orchestrator: any Orchestrator,
        renderer: any ComposeRenderer,
        shell: (any ContainerShell)?,
        settings: LifecycleSettings,
        clock: any WallClock = SystemClock(),
        servers: ServerFleet = ServerFleet([.single]),
        saveWork: @escaping SaveWork = { _ in },
        logger: Logger
    ) {
        self.store = store
        self.changes = changes
        self.orchestrator = orchestrator
        self.renderer = renderer
        self.shell = shell
        self.settings = settings
        self.clock = clock
        self.servers = servers
        self.saveWork = saveWork
        self.logger = logger
    }

    var directory: ProjectDirectory { ProjectDirectory(store: self.store, clock: self.clock) }

    // MARK: Ensure

    /// Ensures the project has a dev container: returns the existing one (resumed when suspended and `start`,
    /// retried when failed and `start`), or reserves a row and creates the service.
    /// - Throws: ``GatewayError`` `ssh_not_configured`, `quota_exceeded`, `project_not_found`, or an orchestrator error.
    public func ensure(_ request: EnsureRequest) async throws -> EnsureOutcome {
        if let record = try await self.directory.container(workspace: request.workspace, project: request.project) {
            return try await self.ensureExisting(record, request: request)
        }
        try self.checkSSH()
        // The store checks the quota, places the row on a server and reserves it in one step, so concurrent ensures
        // can exceed neither the quota nor a server's capacity.
        let reservation = ContainerReservation(
            projectID: request.project, workspace: request.workspace, projectSlug: request.slug, image: self.settings.image,
            quota: request.start ? self.settings.quotaPerWorkspace : nil, servers: self.servers.current
        )
        let outcome = try await self.changes.reserveContainer(reservation, at: self.clock.now)
        guard outcome.inserted else {
            // A concurrent ensure reserved it first: it creates the service; this call reports it.
            guard outcome.record.workspace == request.workspace else { throw GatewayError.projectNotFound(request.project) }
            return EnsureOutcome(record: try await self.awaitService(outcome.record), created: false)
        }
        let record = try await self.provision(outcome.record, slug: request.slug, request: request)
        return EnsureOutcome(record: record, created: true)
    }

    func ensureExisting(_ record: ContainerRecord, request: EnsureRequest) async throws -> EnsureOutcome {
        guard request.start else { return EnsureOutcome(record: try await self.awaitService(record), created: false) }
        switch record.state {
        case .suspended:
            return EnsureOutcome(record: try await self.start(record), created: false)
        case .failed:
            return try await self.retry(record, request: request)
        case .provisioning, .running:
            return EnsureOutcome(record: try await self.awaitService(record), created: false)
        }
    }

    /// Retries a failed container: restarts its service, or creates one when it has none (or Coolify lost it).
    func retry(_ record: ContainerRecord, request: EnsureRequest) async throws -> EnsureOutcome {
        try self.checkSSH()
        let reason = try await self.store.diagnostics(record.projectID).blockedReason
        guard let claimed = try await self.changes.transitionContainer(
            record.projectID, from: .failed, to: .provisioning, at: self.clock.now, withinQuota: self.settings.quotaPerWorkspace,
            on: self.server(of: record)
        ) else {
            return EnsureOutcome(record: try await self.current(record), created: false)
        }
        try await self.store.setDiagnostics(ContainerDiagnostics(), for: record.projectID)
        if let uuid = claimed.serviceUUID, reason != BlockedReason.coolifyServiceMissing.rawValue {
            try await self.orchestrator.startService(uuid)
            return EnsureOutcome(record: claimed, created: false)
        }
        let fresh = try await self.provision(claimed, slug: claimed.projectSlug ?? request.slug, request: request)
        return EnsureOutcome(record: fresh, created: true)
    }

    /// Creates the service of a row this call owns (reserved or retried), then records its uuid.
    /// A definite refusal fails the row; an unknown outcome leaves it for the reconciler to adopt or fail.
    func provision(_ record: ContainerRecord, slug: ProjectSlug, request: EnsureRequest) async throws -> ContainerRecord {
        let spec: ServiceSpec
        do {
            spec = try await self.serviceSpec(record, slug: slug, displayName: request.name ?? slug.rawValue, start: request.start)
        } catch {
            try await self.fail(record, reason: .coolifyCreateFailed, coolifyStatus: nil)
            throw error
        }
        let uuid: ServiceUUID
        do {
            uuid = try await self.orchestrator.createService(spec)
        } catch let error as OrchestratorError where error.provesNothingDone {
            try await self.fail(record, reason: .coolifyCreateFailed, coolifyStatus: nil)
            throw error
        }
        guard let recorded = try await self.changes.recordServiceUUID(uuid, for: record.projectID) else {
            return try await self.current(record)
        }
        guard !request.start else { return recorded }
        return try await self.updated(
            self.changes.transitionContainer(record.projectID, from: .provisioning, to: .suspended, at: self.clock.now), else: record
        )
    }

    /// The service of a row: its compose document (with the project's preview token) on the row's server.
    func serviceSpec(_ record: ContainerRecord, slug: ProjectSlug, displayName: String, start: Bool) async throws -> ServiceSpec {
        let identity = ServiceIdentity(project: record.projectID, workspace: record.workspace, projectSlug: slug)
        let token = try await self.store.ensurePreviewToken(record.projectID, candidate: .random()) ?? .random()
        let compose = try self.renderer.renderCompose(ComposeInput(projectID: record.projectID, projectSlug: slug, previewToken: token))
        return ServiceSpec(identity: identity, displayName: displayName, compose: compose, instantDeploy: start, server: record.server)
    }

    /// Waits (briefly) for a concurrent ensure to record the service it is creating.
    func awaitService(_ record: ContainerRecord) async throws -> ContainerRecord {
        var latest = record
        let deadline = ContinuousClock.now + self.settings.concurrentEnsureWait
        // From 25 ms, doubling to 400 ms: many waiters must not crowd out the store the creator records into.
        var pause = Duration.milliseconds(25)
        while latest.serviceUUID == nil, latest.state == .provisioning, ContinuousClock.now < deadline {
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(400))
            latest = try await self.current(latest)
        }
        return latest
    }

    // MARK: Checks

    func checkSSH() throws {
        guard self.settings.sshConfigured || self.settings.allowWithoutSSH else { throw GatewayError.sshNotConfigured }
    }

    func checkQuota(_ workspace: WorkspaceSlug) async throws {
        let active = try await self.store.activeContainerCount(workspace: workspace)
        guard active < self.settings.quotaPerWorkspace else {
            throw GatewayError.quotaExceeded(workspace: workspace, limit: self.settings.quotaPerWorkspace)
        }
    }

    /// The listed server a row is on (nil when the list no longer names it: no capacity to keep).
    func server(of record: ContainerRecord) -> ServerSlot? {
        self.servers.current.first { $0.name == record.server }
    }

    /// The row as it is now (the given one when it vanished).
    func current(_ record: ContainerRecord) async throws -> ContainerRecord {
        try await self.store.container(record.projectID) ?? record
    }

    /// `updated` when a compare-and-set succeeded, else the row as it is now.
    func updated(_ updated: ContainerRecord?, else record: ContainerRecord) async throws -> ContainerRecord {
        if let updated { return updated }
        return try await self.current(record)
    }
}
