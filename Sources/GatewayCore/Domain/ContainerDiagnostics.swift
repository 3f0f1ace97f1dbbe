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
    /// Past the provisioning grace Coolify still reports the service neither running nor stopped (`starting:*`).
    case coolifyStartTimedOut = "coolify_start_timed_out"

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
        case .coolifyStartTimedOut:
            return "Coolify still reports service status \"\(coolifyStatus ?? "unknown")\"\(service) after the provisioning grace: the start never finished. Check the Coolify dashboard (the image pull, the server's load), then PUT the container with start=true to retry."
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
