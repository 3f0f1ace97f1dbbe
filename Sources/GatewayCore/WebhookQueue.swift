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

/// The queue between the webhook route, which answers at once, and the ``WebhookProcessor`` that drains it.
/// Bounded: when it is full, the oldest deliveries are dropped (the reconciler still catches up with them).
public final class WebhookQueue: Sendable {
    let stream: AsyncStream<WebhookDelivery>
    let continuation: AsyncStream<WebhookDelivery>.Continuation

    /// - Parameter capacity: How many deliveries may wait.
    public init(capacity: Int = 1024) {
        (self.stream, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(capacity))
    }

    /// Queues a delivery without waiting.
    public func enqueue(_ delivery: WebhookDelivery) {
        self.continuation.yield(delivery)
    }
}
