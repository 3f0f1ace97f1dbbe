import Foundation
import Logging

/// One accepted Coolify webhook delivery: its event and the digest of its body (Coolify sends no delivery id,
/// so a replay is recognised by an identical body). The store keeps it pending until it is applied.
public struct WebhookDelivery: Sendable, Equatable {
    public var digest: String
    public var event: CoolifyEvent
    public var receivedAt: Date

    public init(digest: String, event: CoolifyEvent, receivedAt: Date) {
        self.digest = digest
        self.event = event
        self.receivedAt = receivedAt
    }
}

extension WebhookDelivery {
    /// The log metadata naming this delivery.
    public var logMetadata: Logger.Metadata {
        ["coolify.event": "\(self.event.name)", "webhook.digest": "\(self.digest.prefix(16))"]
    }
}
