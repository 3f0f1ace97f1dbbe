import Foundation
import GatewayCore

/// Coolify's webhook body: a JSON object with `event` and, depending on it, `container_name`, `server_uuid`,
/// `server_name`, `disk_usage`, `threshold`, `application_uuid` and `deployment_uuid`.
public enum CoolifyWebhookPayload {
    /// The event of a webhook body of any shape (slash-escaped JSON, extra, missing or null fields, garbage).
    /// Every body parses: anything unrecognised (unknown event, missing fields, not JSON at all) is
    /// ``CoolifyEvent/other(event:)``.
    public static func event(from body: [UInt8]) -> CoolifyEvent {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return .other(event: nil)
        }
        func text(_ key: String) -> String? {
            guard let value = object[key] as? String, !value.isEmpty else { return nil }
            return value
        }
        /// A whole number sent as a JSON number or as a numeric string (Coolify's PHP may send either).
        func number(_ key: String) -> Int? {
            let value = (object[key] as? Double) ?? (object[key] as? String).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            return value.flatMap { Int(exactly: $0.rounded()) }
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
        case "high_disk_usage":
            return .highDiskUsage(HostDiskReport(
                serverUUID: text("server_uuid"), serverName: text("server_name"), diskUsage: number("disk_usage"), threshold: number("threshold")
            ))
        case "deployment_success", "deployment_failed":
            guard let application = text("application_uuid") else { return .other(event: event) }
            return .deployment(applicationUUID: application, deploymentUUID: text("deployment_uuid"),
                               succeeded: event == "deployment_success")
        default:
            return .other(event: event)
        }
    }
}
