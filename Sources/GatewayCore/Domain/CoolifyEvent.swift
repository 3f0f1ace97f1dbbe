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
        case .deployment(_, _, let succeeded): succeeded ? "deployment_success" : "deployment_failed"
        case .other(let event): event ?? "unparsable"
        }
    }
}
