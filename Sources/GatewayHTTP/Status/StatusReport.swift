import Foundation
import GatewayCore

/// Everything `GET /status` shows, read from the store at one moment (by every replica, so it is the fleet's view).
struct StatusReport: Sendable {
    /// How many rows each table shows; the rest are counted.
    static let rowLimit = 100

    let generatedAt: Date
    /// Every container row by state, most recently active first.
    let containers: [ContainerState: [ContainerRecord]]
    let livePreviews: [LivePreview]
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
            let records = try await store.containers(in: Set(ContainerState.allCases))
            return StatusReport(
                generatedAt: now,
                containers: Dictionary(grouping: records, by: \.state).mapValues { $0.sorted { $0.lastActiveAt > $1.lastActiveAt } },
                livePreviews: try await store.livePreviews(),
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
    func count(_ state: ContainerState) -> Int { self.containers[state]?.count ?? 0 }
}
