import Foundation

/// What the status page reads besides the containers and the pending-work counts: recent activity of every project.
public protocol StatusStore: Sendable {
    /// Dev servers, live ones first, each group most recently started first; at most `limit`.
    func recentDevServers(limit: Int) async throws -> [DevServerRecord]

    /// Undelivered outbound events whose last attempt failed, most recently created first; at most `limit`.
    func recentEventFailures(limit: Int) async throws -> [OutboundEvent]

    /// Coolify webhook deliveries, most recently received first, each with when it was applied (nil: still pending).
    func recentWebhookDeliveries(limit: Int) async throws -> [AppliedWebhookDelivery]

    /// The first `limit` containers of each state, most recently active first (one query for every state).
    func recentContainers(limit: Int) async throws -> [ContainerState: [ContainerRecord]]

    /// How many containers are in each state (states without any are absent): one grouped count, not the rows.
    func containerCounts() async throws -> [ContainerState: Int]

    /// How many live previews there are (``DevServerStore/livePreviews(of:limit:)`` counted in the store).
    func livePreviewCount() async throws -> Int

    /// Chat turns started in each minute since `cutoff`, keyed by the minute's start; minutes without any are absent.
    func turnsStartedPerMinute(since cutoff: Date) async throws -> [Date: Int]
}

/// A Coolify webhook delivery and when it was applied.
public struct AppliedWebhookDelivery: Sendable, Equatable {
    public var delivery: WebhookDelivery
    /// When its event was applied; nil while it waits.
    public var appliedAt: Date?

    public init(delivery: WebhookDelivery, appliedAt: Date?) {
        self.delivery = delivery
        self.appliedAt = appliedAt
    }
}
