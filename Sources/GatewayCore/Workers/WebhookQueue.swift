import Foundation

/// One accepted Coolify webhook delivery: its event and the digest of its body (Coolify sends no delivery id,
/// so a replay is recognised by an identical body).
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

/// The queue between the webhook route and the ``WebhookProcessor``; when it is full the oldest deliveries are
/// dropped (the reconciler still catches up with them).
public typealias WebhookQueue = JobQueue<WebhookDelivery>
