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

    public init(identity: ServiceIdentity, displayName: String, compose: String, instantDeploy: Bool) {
        self.identity = identity
        self.displayName = displayName
        self.compose = compose
        self.instantDeploy = instantDeploy
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

/// The port that creates, starts, stops and inspects dev-container services (implemented by `Coolify`).
///
/// Errors are ``GatewayError``s; ``GatewayError/provesNothingDone`` tells a definite refusal from an
/// outcome that is unknown (a timeout or a 5xx after which the service may exist).
public protocol Orchestrator: Sendable {
    /// Creates the service of `spec`. Never retried blindly: a lost answer may still have created it.
    func createService(_ spec: ServiceSpec) async throws -> ServiceUUID
    /// The service an earlier ``createService(_:)`` made for `identity`, if any (found by name and owner marker).
    func findService(_ identity: ServiceIdentity) async throws -> ServiceUUID?
    /// Starts the service (idempotent).
    func startService(_ uuid: ServiceUUID) async throws
    /// Stops the service (idempotent).
    func stopService(_ uuid: ServiceUUID) async throws
    /// The service's current status.
    /// - Throws: ``GatewayError`` `coolify_not_found` when the orchestrator has no such service.
    func serviceStatus(_ uuid: ServiceUUID) async throws -> ServiceStatus
}

// MARK: - Orchestrator errors

extension GatewayError {
    /// Codes of orchestrator answers that prove the call changed nothing (a refusal, not a lost reply).
    static let refusalCodes: Set<String> = [
        "coolify_unauthorized", "coolify_not_found", "coolify_conflict", "coolify_invalid_request", "coolify_rate_limited",
        "coolify_unreachable",
    ]

    /// Whether this orchestrator error proves that nothing was done (so a create may safely be given up).
    public var provesNothingDone: Bool { Self.refusalCodes.contains(self.code) }

    /// Whether the orchestrator does not know the service.
    public var isOrchestratorNotFound: Bool { self.code == "coolify_not_found" }

    /// Coolify rejected the API token (401/403).
    public static func coolifyUnauthorized(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_unauthorized", message: "Coolify refused the API token: \(detail)",
                     hint: "Check COOLIFY_API_TOKEN and its abilities (read, write, deploy).")
    }

    /// Coolify has no such resource (404).
    public static func coolifyNotFound(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_not_found", message: "Coolify has no such resource: \(detail)")
    }

    /// Coolify reports a conflict (409), e.g. a domain already in use.
    public static func coolifyConflict(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_conflict", message: "Coolify reports a conflict: \(detail)")
    }

    /// Coolify rejected the request as invalid (400/422), with its validation messages.
    public static func coolifyInvalidRequest(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_invalid_request", message: "Coolify rejected the request: \(detail)",
                     hint: "Check COOLIFY_SERVER_UUID, COOLIFY_PROJECT_UUID and COOLIFY_ENVIRONMENT_NAME.")
    }

    /// Coolify is rate limiting the gateway (429).
    public static func coolifyRateLimited(_ detail: String, retryAfterSeconds: Int?) -> GatewayError {
        GatewayError(.unavailable, code: "coolify_rate_limited", message: "Coolify is rate limiting the gateway: \(detail)",
                     hint: retryAfterSeconds.map { "Retry after \($0) s." } ?? "Retry later.")
    }

    /// Coolify failed (5xx).
    public static func coolifyFailed(status: Int, _ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_unavailable", message: "Coolify answered \(status): \(detail)")
    }

    /// Coolify did not answer in time.
    public static func coolifyTimeout(_ detail: String) -> GatewayError {
        GatewayError(.timeout, code: "coolify_timeout", message: "Coolify did not answer in time: \(detail)")
    }

    /// Coolify could not be reached (no connection: nothing was sent).
    public static func coolifyUnreachable(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_unreachable", message: "Coolify could not be reached: \(detail)",
                     hint: "Check COOLIFY_API_URL.")
    }

    /// The connection to Coolify broke before its answer arrived (the request may have been applied).
    public static func coolifyConnectionLost(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: "coolify_connection_lost", message: "The connection to Coolify broke: \(detail)")
    }
}
