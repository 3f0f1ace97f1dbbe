import Foundation

/// The operator's choices that shape the container lifecycle.
public struct LifecycleSettings: Sendable {
    /// The default of ``quotaPerWorkspace``.
    public static let defaultQuota = 3
    /// The default of ``image`` (the seed's).
    public static let defaultImage = "vibn-dev:latest"

    /// How many containers a workspace may have provisioning or running at once.
    public var quotaPerWorkspace: Int
    /// The dev image recorded on each row.
    public var image: String
    /// Whether SSH to the Coolify host is configured (without it nothing can run in a container).
    public var sshConfigured: Bool
    /// Local development only: allow creating containers without SSH.
    public var allowWithoutSSH: Bool
    /// How long a container may stay `provisioning` before it is reported as likely failed (the seed's 120 s).
    public var provisioningGrace: Duration
    /// How long the gateway waits for a concurrent ensure to record the service it is creating.
    public var concurrentEnsureWait: Duration
    /// How long after a start a stopped status from the orchestrator is not believed: Coolify refreshes statuses only
    /// when its server check runs (every minute; every 5 on Coolify Cloud), so right after a start it still reads
    /// `exited`. Past it, a stop is believed only when `docker ps` confirms it (with SSH configured).
    public var staleStatusGrace: Duration

    public init(
        quotaPerWorkspace: Int = LifecycleSettings.defaultQuota,
        image: String = LifecycleSettings.defaultImage,
        sshConfigured: Bool,
        allowWithoutSSH: Bool = false,
        provisioningGrace: Duration = .seconds(120),
        concurrentEnsureWait: Duration = .seconds(10),
        staleStatusGrace: Duration = .seconds(5 * 60)
    ) {
        self.quotaPerWorkspace = quotaPerWorkspace
        self.image = image
        self.sshConfigured = sshConfigured
        self.allowWithoutSSH = allowWithoutSSH
        self.provisioningGrace = provisioningGrace
        self.concurrentEnsureWait = concurrentEnsureWait
        self.staleStatusGrace = staleStatusGrace
    }
}

// MARK: - Lifecycle errors

extension GatewayError {
    /// The gateway has no Coolify API configured, so containers cannot be created or changed.
    public static let coolifyNotConfigured = GatewayError(
        .unavailable,
        code: .coolifyNotConfigured,
        message: "Dev containers are unavailable: the gateway has no Coolify API configured.",
        hint: "Set COOLIFY_API_URL, COOLIFY_API_TOKEN and COOLIFY_SERVER_UUID (and optionally COOLIFY_PROJECT_UUID), then restart."
    )

    /// The project has no container yet.
    public static func noContainer(_ project: ProjectID) -> GatewayError {
        GatewayError(.notFound, code: .noContainer, message: "Project '\(project)' has no dev container.",
                     hint: "PUT …/container first.")
    }

    /// The workspace already has as many live containers as it may.
    public static func quotaExceeded(workspace: WorkspaceSlug, limit: Int) -> GatewayError {
        GatewayError(
            .quotaExceeded, code: .quotaExceeded,
            message: "Workspace '\(workspace)' already has \(limit) dev container(s) provisioning or running, its limit.",
            hint: "Suspend an idle container (POST …/container/suspend) and try again."
        )
    }

    /// The container is in a state the operation cannot start from.
    public static func containerBusy(_ project: ProjectID, state: ContainerState, operation: String) -> GatewayError {
        GatewayError(.conflict, code: GatewayError.Code("container_\(state.rawValue)"),
                     message: "Project '\(project)''s container is \(state.rawValue); it cannot \(operation) now.",
                     hint: state == .failed ? "PUT …/container with start=true to retry." : "Retry in a few seconds.")
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = self.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
