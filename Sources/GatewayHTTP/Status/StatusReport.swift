import Foundation
import GatewayCore

/// Everything `GET /status` shows, read from the store at one moment (by every replica, so it is the fleet's view).
struct StatusReport: Sendable {
    /// How many rows each table shows; the rest are counted.
    static let rowLimit = 100

    let generatedAt: Date
    /// The first ``rowLimit`` containers of each state, most recently active first.
    let containers: [ContainerState: [ContainerRecord]]
    /// How many containers each state has.
    let containerCounts: [ContainerState: Int]
    /// Containers provisioning or running on each server.
    let activePerServer: [ServerName: Int]
    /// The first ``rowLimit`` live previews.
    let livePreviews: [LivePreview]
    let livePreviewCount: Int
    let devServers: [DevServerRecord]
    let outboxPending: Int
    let eventFailures: [OutboundEvent]
    let pendingTurns: Int
    let pendingWebhooks: Int
    let pendingRelaunches: Int
    let webhooks: [AppliedWebhookDelivery]
    /// Chat turns started per minute over the chart's window.
    let turnsPerMinute: [Date: Int]

    /// Reads the report within `timeout`.
    static func read(from store: any GatewayStore, now: Date, turnWindow: Duration, timeout: Duration) async throws -> StatusReport {
        try await withDeadline(timeout) {
            // Counts and the first rows of each table: a view costs the same with 100 or 100,000 rows.
            return StatusReport(
                generatedAt: now,
                containers: try await store.recentContainers(limit: Self.rowLimit),
                containerCounts: try await store.containerCounts(),
                activePerServer: try await store.activeContainersPerServer(),
                livePreviews: try await store.livePreviews(of: nil, limit: Self.rowLimit),
                livePreviewCount: try await store.livePreviewCount(),
                devServers: try await store.recentDevServers(limit: Self.rowLimit),
                outboxPending: try await store.pendingEventCount(),
                eventFailures: try await store.recentEventFailures(limit: 20),
                pendingTurns: try await store.pendingTurnCount(),
                pendingWebhooks: try await store.pendingDeliveryCount(),
                pendingRelaunches: try await store.devServerRelaunchCount(),
                webhooks: try await store.recentWebhookDeliveries(limit: 20),
                turnsPerMinute: try await store.turnsStartedPerMinute(since: now - turnWindow.timeInterval)
            )
        }
    }

    /// How many containers are in `state`.
    func count(_ state: ContainerState) -> Int { self.containerCounts[state] ?? 0 }
}
