/// A Coolify webhook notification, reduced to what the gateway acts on (the `Coolify` target reads it from the
/// webhook body). Anything unrecognised (unknown event, missing fields, not JSON at all) is ``other(event:)``.
public enum CoolifyEvent: Sendable, Equatable, Codable {
    /// `container_stopped`: a container stopped unexpectedly.
    case containerStopped(container: String, serverUUID: String?)
    /// `container_restarted`: a container was restarted automatically.
    case containerRestarted(container: String, serverUUID: String?)
    /// `server_unreachable`.
    case serverUnreachable(serverUUID: String?)
    /// `server_reachable` ("Server revived").
    case serverReachable(serverUUID: String?)
    /// `high_disk_usage`: a server's disk is fuller than Coolify's notification threshold.
    case highDiskUsage(HostDiskReport)
    /// `deployment_success` / `deployment_failed` of an application.
    case deployment(applicationUUID: String, deploymentUUID: String?, succeeded: Bool)
    /// An event the gateway does not act on; `event` is nil when the body had none (or was not JSON).
    case other(event: String?)

    /// The event name, for logs.
    public var name: String {
        switch self {
        case .containerStopped: "container_stopped"
        case .containerRestarted: "container_restarted"
        case .serverUnreachable: "server_unreachable"
        case .serverReachable: "server_reachable"
        case .highDiskUsage: "high_disk_usage"
        case .deployment(_, _, let succeeded): succeeded ? "deployment_success" : "deployment_failed"
        case .other(let event): event ?? "unparsable"
        }
    }
}

/// Coolify's `high_disk_usage` report about a server (Coolify's daily and disk-threshold cleanups prune unlabelled
/// images then: see README, "Running against a real Coolify").
public struct HostDiskReport: Sendable, Equatable, Codable {
    public var serverUUID: String?
    public var serverName: String?
    /// How full the disk is, in percent.
    public var diskUsage: Int?
    /// Coolify's notification threshold, in percent.
    public var threshold: Int?

    public init(serverUUID: String?, serverName: String?, diskUsage: Int?, threshold: Int?) {
        self.serverUUID = serverUUID
        self.serverName = serverName
        self.diskUsage = diskUsage
        self.threshold = threshold
    }
}
