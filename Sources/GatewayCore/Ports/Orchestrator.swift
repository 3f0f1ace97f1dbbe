/// Who a dev-container service belongs to, and the deterministic name it is created (and found again) under.
public struct ServiceIdentity: Sendable, Equatable {
    public var project: ProjectID
    public var workspace: WorkspaceSlug
    public var projectSlug: ProjectSlug

    public init(project: ProjectID, workspace: WorkspaceSlug, projectSlug: ProjectSlug) {
        self.project = project
        self.workspace = workspace
        self.projectSlug = projectSlug
    }

    /// The service's name, as the seed names it: `vibn-dev-{slug}`.
    public var name: String { "vibn-dev-\(self.projectSlug)" }

    /// The marker that ties a service to its gateway project, kept at the end of its description.
    public var ownerMarker: String { "(vibn project \(self.workspace)/\(self.project))" }
}

/// What the orchestrator is asked to create: the one dev-container service of a project.
public struct ServiceSpec: Sendable, Equatable {
    public var identity: ServiceIdentity
    /// The project's display name (free text, used only in the description).
    public var displayName: String
    /// The compose document, as the ``ComposeRenderer`` produced it.
    public var compose: String
    /// Whether the service starts right after creation.
    public var instantDeploy: Bool
    /// The server it is created on (placed when its row was reserved).
    public var server: ServerName

    public init(identity: ServiceIdentity, displayName: String, compose: String, instantDeploy: Bool, server: ServerName = .default) {
        self.identity = identity
        self.displayName = displayName
        self.compose = compose
        self.instantDeploy = instantDeploy
        self.server = server
    }

    /// The service description: the display name and the owner marker.
    public var description: String { "AI dev container for project \(self.displayName) \(self.identity.ownerMarker)" }
}

/// The orchestrator's view of a service, reduced to what the lifecycle acts on.
public enum ServiceHealth: Sendable, Equatable {
    /// Containers run.
    case running
    /// Being created, started or restarted.
    case starting
    /// Stopped or exited.
    case stopped
    /// The deploy failed or the containers are unhealthy/dead.
    case failed
    /// A status the gateway does not act on.
    case unknown
}

/// A service status as the orchestrator reported it.
public struct ServiceStatus: Sendable, Equatable {
    /// The orchestrator's own text, e.g. Coolify's `running:healthy` or `exited`.
    public var raw: String
    public var health: ServiceHealth

    public init(raw: String, health: ServiceHealth) {
        self.raw = raw
        self.health = health
    }
}

/// What the orchestrator made of a start or a stop.
public enum PowerOutcome: Sendable, Equatable {
    /// It will start or stop the service (Coolify queues both).
    case queued
    /// It answered that the service already runs or is already stopped, judging by its own status, which may be
    /// stale (Coolify's lags a start by up to a server check): nothing was done.
    case alreadyDone
}

/// The port that creates, starts, stops and inspects dev-container services (implemented by `Coolify`).
///
/// Failures of the orchestrator are ``OrchestratorError``s: ``OrchestratorError/provesNothingDone`` tells a definite
/// refusal from an outcome that is unknown (a timeout or a 5xx after which the service may exist).
public protocol Orchestrator: Sendable {
    /// Creates the service of `spec`. Never retried blindly: a lost answer may still have created it.
    func createService(_ spec: ServiceSpec) async throws -> ServiceUUID
    /// The service an earlier ``createService(_:)`` made for `identity`, if any (found by name and owner marker).
    func findService(_ identity: ServiceIdentity) async throws -> ServiceUUID?
    /// Starts the service (idempotent).
    @discardableResult
    func startService(_ uuid: ServiceUUID) async throws -> PowerOutcome
    /// Stops the service (idempotent).
    @discardableResult
    func stopService(_ uuid: ServiceUUID) async throws -> PowerOutcome
    /// Deletes the service with its containers and volumes (a move's old service, or its undone new one).
    func deleteService(_ uuid: ServiceUUID) async throws
    /// Queues a deployment of an Application (from its git repository).
    func deployApplication(_ uuid: ApplicationUUID) async throws -> QueuedDeploy
    /// How a deployment is doing.
    func deployment(_ uuid: String) async throws -> DeploymentReport
    /// The service's current status.
    /// - Throws: ``OrchestratorError`` with outcome ``OrchestratorError/Outcome/serviceMissing`` when the
    ///   orchestrator has no such service.
    func serviceStatus(_ uuid: ServiceUUID) async throws -> ServiceStatus
}

/// A deployment the orchestrator queued.
public struct QueuedDeploy: Sendable, Equatable {
    public var deploymentUUID: String
    /// A deployment of the same commit was already queued: `deploymentUUID` may name nothing (Coolify's answer), so
    /// only the deployment's webhook (which names the Application) tells how it ends.
    public var alreadyQueued: Bool

    public init(deploymentUUID: String, alreadyQueued: Bool) {
        self.deploymentUUID = deploymentUUID
        self.alreadyQueued = alreadyQueued
    }
}

/// Where a deployment is.
public struct DeploymentReport: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case running, succeeded, failed
    }

    public var phase: Phase
    /// The orchestrator's own word for it (Coolify: `queued`, `in_progress`, `finished`, `failed`, `cancelled-by-user`).
    public var status: String
    public var url: String?

    public init(phase: Phase, status: String, url: String?) {
        self.phase = phase
        self.status = status
        self.url = url
    }
}

// MARK: - Orchestrator errors

/// An orchestrator call that failed: what its failure proves, and the error the caller is shown.
public struct OrchestratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What a failed call proves about its effect.
    public enum Outcome: Sendable, Equatable {
        /// The orchestrator refused the call: nothing was done.
        case refused
        /// The orchestrator has no such service (so nothing was done either).
        case serviceMissing
        /// The call may have been applied (a timeout, a lost connection, a 5xx).
        case unknown
    }

    public let outcome: Outcome
    /// What the caller is shown (status, code, message, hint), exactly as the orchestrator adapter reported it.
    public let error: GatewayError

    public init(_ outcome: Outcome, _ error: GatewayError) {
        self.outcome = outcome
        self.error = error
    }

    /// Whether the failure proves that nothing was done (so a create may safely be given up).
    public var provesNothingDone: Bool { self.outcome != .unknown }

    public var description: String { self.error.description }
}
