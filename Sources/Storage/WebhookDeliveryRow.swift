import Foundation
import GatewayCore

/// A stored webhook delivery: its event as JSON.
enum WebhookDeliveryRow {
    /// The event as stored.
    static func encode(_ event: CoolifyEvent) throws -> String {
        String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
    }

    /// A stored delivery; an event that no longer decodes (written by another version) is an unknown one, which is
    /// logged and finished like any event the gateway does not act on.
    static func delivery(digest: String, event: String?, receivedAt: Date?) -> WebhookDelivery {
        let decoded = event.flatMap { try? JSONDecoder().decode(CoolifyEvent.self, from: Data($0.utf8)) }
        return WebhookDelivery(digest: digest, event: decoded ?? .other(event: nil), receivedAt: receivedAt ?? Date(timeIntervalSince1970: 0))
    }
}
