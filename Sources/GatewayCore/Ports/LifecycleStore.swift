import Foundation

/// Why a container is blocked, and what the orchestrator last said about it.
public struct ContainerDiagnostics: Sendable, Equatable {
    /// A ``BlockedReason`` raw value, or nil.
    public var blockedReason: String?
    /// The orchestrator's last reported status text, e.g. `degraded:unhealthy`.
    public var coolifyStatus: String?

    public init(blockedReason: String? = nil, coolifyStatus: String? = nil) {
        self.blockedReason = blockedReason
        self.coolifyStatus = coolifyStatus
    }
}

/// The reasons a container is blocked, as `blockedReason` reports them.
public enum BlockedReason: String, Sendable, CaseIterable {
    /// No SSH to the Coolify host: nothing can be executed in the container.
    case coolifySSHNotConfigured = "coolify_ssh_not_configured"
    /// Coolify reports that the deploy failed or the container is unhealthy.
    case coolifyDeployFailed = "coolify_deploy_failed"
    /// The service could not be created (Coolify refused, or the create was lost and nothing was found).
    case coolifyCreateFailed = "coolify_create_failed"
    /// Coolify no longer has the service.
    case coolifyServiceMissing = "coolify_service_missing"

    /// What the caller should do next.
    public func hint(serviceUUID: ServiceUUID?, coolifyStatus: String?) -> String {
        let service = serviceUUID.map { " (service \($0))" } ?? ""
        switch self {
        case .coolifySSHNotConfigured:
            return "The gateway has no SSH access to the Coolify host, so commands cannot run: set COOLIFY_SSH_HOST and COOLIFY_SSH_PRIVATE_KEY_B64."
        case .coolifyDeployFailed:
            return "Coolify reports service status \"\(coolifyStatus ?? "unknown")\"\(service). The dev image may have failed to pull or start; check the Coolify dashboard. Do not keep polling: this will not heal by itself. PUT the container with start=true to retry."
        case .coolifyCreateFailed:
            return "The Coolify service could not be created\(service). Check the gateway's Coolify settings, then PUT the container with start=true to retry."
        case .coolifyServiceMissing:
            return "Coolify no longer has this service\(service). It was deleted outside the gateway; PUT the container with start=true to create a new one."
        }
    }
}

/// A deployment Coolify reported through its webhook.
public struct CoolifyDeployment: Sendable, Equatable {
    public var applicationUUID: String
    public var deploymentUUID: String?
    public var succeeded: Bool
    public var receivedAt: Date

    public init(applicationUUID: String, deploymentUUID: String?, succeeded: Bool, receivedAt: Date) {
        self.applicationUUID = applicationUUID
        self.deploymentUUID = deploymentUUID
        self.succeeded = succeeded
        self.receivedAt = receivedAt
    }
}

/// The store operations of the container lifecycle, the reconciler and the Coolify webhook.
public protocol LifecycleStore: Store {
    /// The diagnostics of a project's container (empty when none are recorded or there is no row).
    func diagnostics(_ project: ProjectID) async throws -> ContainerDiagnostics

    /// Replaces the diagnostics of a project's container.
    func setDiagnostics(_ diagnostics: ContainerDiagnostics, for project: ProjectID) async throws

    /// The container row whose Coolify service is `uuid`, if any.
    func container(service uuid: ServiceUUID) async throws -> ContainerRecord?

    /// Records a webhook delivery by the digest of its body, unless one with the same digest arrived within `ttl`.
    /// Expired digests are purged on the way.
    /// - Returns: true when this delivery is new (and should be applied).
    func claimDelivery(digest: String, at now: Date, ttl: Duration) async throws -> Bool

    /// Records a deployment against the project whose application uuid matches (or against none).
    func recordDeployment(_ deployment: CoolifyDeployment) async throws

    /// Runs `body` only if no other replica holds `lock`, holding it meanwhile.
    /// - Returns: `body`'s result, or nil when another replica holds the lock.
    func withLeaderLock<T: Sendable>(_ lock: LeaderLock, _ body: @Sendable () async throws -> T) async throws -> T?
}

/// The jobs that one replica at a time does, each under its own lock.
public enum LeaderLock: Sendable, CaseIterable {
    /// The ``Reconciler``'s passes.
    case reconciler
    /// The idle sweep.
    case idleSweep
    /// Delivering the outbound events.
    case outbox

    /// A stable 64-bit key (PostgreSQL advisory lock id): "vibn" followed by four letters of the job.
    public var key: Int64 {
        switch self {
        case .reconciler: 0x7669_626e_7265_636f  // "vibnreco"
        case .idleSweep: 0x7669_626e_6964_6c65  // "vibnidle"
        case .outbox: 0x7669_626e_6f75_7462  // "vibnoutb"
        }
    }
}
