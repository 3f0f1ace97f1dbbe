import Foundation

/// A Coolify webhook notification, reduced to what the gateway acts on. Every body parses: anything
/// unrecognised (unknown event, missing fields, not JSON at all) is ``other(event:)``.
public enum CoolifyEvent: Sendable, Equatable {
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

    /// Parses a webhook body of any shape (slash-escaped JSON, extra, missing or null fields, garbage).
    public static func parse(_ body: [UInt8]) -> CoolifyEvent {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return .other(event: nil)
        }
        func text(_ key: String) -> String? {
            guard let value = object[key] as? String, !value.isEmpty else { return nil }
            return value
        }
        guard let event = text("event") else { return .other(event: nil) }
        switch event {
        case "container_stopped", "container_restarted":
            guard let container = text("container_name") else { return .other(event: event) }
            return event == "container_stopped"
                ? .containerStopped(container: container, serverUUID: text("server_uuid"))
                : .containerRestarted(container: container, serverUUID: text("server_uuid"))
        case "server_unreachable":
            return .serverUnreachable(serverUUID: text("server_uuid"))
        case "server_reachable":
            return .serverReachable(serverUUID: text("server_uuid"))
        case "deployment_success", "deployment_failed":
            guard let application = text("application_uuid") else { return .other(event: event) }
            return .deployment(applicationUUID: application, deploymentUUID: text("deployment_uuid"),
                               succeeded: event == "deployment_success")
        default:
            return .other(event: event)
        }
    }

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

    /// The Coolify service of a dev container named `vibn-dev-{serviceUuid}` (Coolify names a service's
    /// containers `{compose service}-{service uuid}`), or nil for any other container.
    public static func serviceUUID(ofContainer name: String) -> ServiceUUID? {
        let prefix = "vibn-dev-"
        guard name.hasPrefix(prefix) else { return nil }
        return try? ServiceUUID(validating: String(name.dropFirst(prefix.count)))
    }
}
