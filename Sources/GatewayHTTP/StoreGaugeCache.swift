import GatewayCore

/// The store-derived gauges of `/metrics`, read at most once per ``ttl`` however often `/metrics` is scraped.
///
/// `/metrics` needs no token, so each scrape must not cost a store read: concurrent scrapes share one read, and a
/// read's result serves every scrape for ``ttl``. A failed read is not cached (the next scrape tries again).
actor StoreGaugeCache {
    /// Containers by state and live previews, as read from the store.
    struct Gauges: Sendable {
        let containers: [ContainerState: Int]
        let livePreviews: Int
        /// Chat turns claimed and not yet applied, by every replica.
        let pendingTurns: Int
        /// Coolify webhook deliveries claimed and not yet applied.
        let pendingWebhooks: Int
        /// Dev servers of resumed containers not yet relaunched.
        let pendingRelaunches: Int
        /// Outbound events not yet delivered.
        let outboxPending: Int
        /// Containers `provisioning` or `running` on each server.
        let activePerServer: [ServerName: Int]
    }

    let store: any GatewayStore
    let ttl: Duration
    let timeout: Duration
    private var cached: (gauges: Gauges, at: ContinuousClock.Instant)?
    private var inFlight: Task<Gauges, any Error>?

    init(store: any GatewayStore, ttl: Duration, timeout: Duration) {
        self.store = store
        self.ttl = ttl
        self.timeout = timeout
    }

    /// The gauges: cached when younger than ``ttl``, else read (once for all who ask meanwhile) within ``timeout``.
    func gauges() async throws -> Gauges {
        if let cached = self.cached, ContinuousClock.now - cached.at < self.ttl { return cached.gauges }
        if let inFlight = self.inFlight { return try await inFlight.value }
        let (store, timeout) = (self.store, self.timeout)
        let read = Task {
            try await withDeadline(timeout) {
                // Counted in the store: a scrape costs a few grouped counts, not a read of every row.
                return Gauges(
                    containers: try await store.containerCounts(), livePreviews: try await store.livePreviewCount(),
                    pendingTurns: try await store.pendingTurnCount(), pendingWebhooks: try await store.pendingDeliveryCount(),
                    pendingRelaunches: try await store.devServerRelaunchCount(), outboxPending: try await store.pendingEventCount(),
                    activePerServer: try await store.activeContainersPerServer()
                )
            }
        }
        self.inFlight = read
        defer { self.inFlight = nil }
        let gauges = try await read.value
        self.cached = (gauges, ContinuousClock.now)
        return gauges
    }
}
