import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers the outbox to `GATEWAY_EVENTS_URL`: signed POSTs, oldest event first, each retried with capped
/// exponential backoff until the receiver answers 2xx or the retry window (3 days) has passed.
///
/// One replica delivers at a time (the store's outbox lock). An event that fails holds back the younger ones
/// until it is delivered or given up, so the receiver sees events in the order they happened. Delivery is at
/// least once: should the gateway stop between a 2xx and recording it, the event is sent again with the same
/// `webhook-id` and body, which receivers use to drop the repeat.
public struct OutboxDeliverer: Service {
    public let store: any GatewayStore
    public let settings: OutboxSettings
    public let clock: any WallClock
    let session: URLSession
    let logger: Logger
    let doorbell = Doorbell()
    let lastPurge = PurgeSchedule()

    /// How often delivered and given-up events are purged.
    static let purgeInterval: TimeInterval = 3600

    public init(store: any GatewayStore, settings: OutboxSettings, clock: any WallClock = SystemClock(), logger: Logger) {
        self.store = store
        self.settings = settings
        self.clock = clock
        // The session's timeouts bound each POST; cancellation (shutdown) ends it through `response(to:)`.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.requestTimeout.timeInterval
        configuration.timeoutIntervalForResource = settings.requestTimeout.timeInterval
        self.session = URLSession(configuration: configuration)
        self.logger = logger
    }

    // MARK: Running

    /// Asks for a delivery pass soon; returns at once (wake-ups during a pass collapse into one more pass).
    public func wake() {
        self.doorbell.ring()
    }

    /// Delivers on every wake-up and every poll interval (the first one interval after start, once `serve` has
    /// migrated the store), purging old events hourly, until graceful shutdown.
    public func run() async {
        await runPeriodically(every: self.settings.pollInterval, doorbell: self.doorbell) { _ in
            await self.deliverPending()
            if self.lastPurge.isDue(at: self.clock.now, every: Self.purgeInterval) { await self.purge() }
        }
    }

    // MARK: Delivering

    /// One pass under the outbox lock: sends due events oldest first, until one fails or the next is not due.
    /// - Returns: How many events were delivered, or nil when another replica holds the lock or the store failed.
    @discardableResult
    public func deliverPending() async -> Int? {
        do {
            return try await self.store.withLeaderLock(.outbox) { try await self.pass() }
        } catch is CancellationError {
            return nil
        } catch {
            self.logger.error("could not read the outbound events outbox", metadata: ["error": "\(error)"])
            return nil
        }
    }

    func pass() async throws -> Int {
        var delivered = 0
        while true {
            let cutoff = self.clock.now.addingTimeInterval(-self.settings.retryWindow.timeInterval)
            let batch = try await self.store.pendingEvents(createdAfter: cutoff, limit: self.settings.batchSize)
            for event in batch {
                guard event.nextAttemptAt <= self.clock.now, try await self.deliver(event) else { return delivered }
                delivered += 1
            }
            guard batch.count == self.settings.batchSize else { return delivered }
        }
    }

    /// Sends a signed `gateway.ping` event (`{"type","timestamp","data":{}}`, not stored) the way every event is sent.
    /// - Throws: What made the receiver's answer a failure (unreachable, no answer in time, not 2xx).
    public func ping() async throws {
        struct Empty: Encodable {}
        let body = try EventEnvelope(type: OutboundEventType.gatewayPing.rawValue, timestamp: self.clock.now, data: Empty()).encoded()
        try await self.post(OutboundEvent(type: .gatewayPing, body: body, createdAt: self.clock.now))
    }

    /// Sends one event and records the outcome.
    /// - Returns: Whether the receiver accepted it.
    func deliver(_ event: OutboundEvent) async throws -> Bool {
        do {
            try await self.post(event)
        } catch let failure as DeliveryFailure {
            try await self.recordFailure(of: event, failure)
            return false
        }
        try await self.store.markEventDelivered(event.id, at: self.clock.now)
        self.logger.debug("delivered an outbound event", metadata: ["event.id": "\(event.id)", "event.type": "\(event.type.rawValue)"])
        return true
    }

    func recordFailure(of event: OutboundEvent, _ failure: DeliveryFailure) async throws {
        let attempts = event.attempts + 1
        let next = self.clock.now.addingTimeInterval(self.settings.retryDelay(afterAttempts: attempts).timeInterval)
        try await self.store.recordFailedAttempt(event.id, error: failure.description, nextAttemptAt: next)
        var metadata: Logger.Metadata = [
            "event.id": "\(event.id)", "event.type": "\(event.type.rawValue)", "event.attempts": "\(attempts)",
            "error": "\(failure)",
        ]
        if next > event.createdAt.addingTimeInterval(self.settings.retryWindow.timeInterval) {
            self.logger.error("giving up on an outbound event: the receiver did not accept it within the retry window", metadata: metadata)
        } else {
            metadata["event.next_attempt_at"] = "\(next.formatted(.iso8601))"
            self.logger.warning("an outbound event was not accepted; it will be retried", metadata: metadata)
        }
    }

    /// Deletes events delivered, or given up, longer than the retention period ago.
    func purge() async {
        let cutoff = self.clock.now.addingTimeInterval(-self.settings.retention.timeInterval)
        do {
            let purged = try await self.store.withLeaderLock(.outbox) { try await self.store.purgeEvents(before: cutoff) }
            if let purged, purged > 0 { self.logger.info("purged old outbound events", metadata: ["events.purged": "\(purged)"]) }
        } catch {
            self.logger.error("could not purge old outbound events", metadata: ["error": "\(error)"])
        }
    }
}

// MARK: - Recording

extension OutboxDeliverer {
    /// A recorder that enqueues into this deliverer's store and wakes it.
    public var recorder: EventRecorder {
        EventRecorder(store: self.store, clock: self.clock, logger: self.logger, wake: self.wake)
    }
}

/// When the outbox was last purged (never, at first).
final class PurgeSchedule: Sendable {
    private let last = Mutex(Date.distantPast)

    /// Whether a purge is due at `now`, `interval` seconds after the last one; if so, `now` becomes the last one.
    func isDue(at now: Date, every interval: TimeInterval) -> Bool {
        self.last.withLock { last in
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }
}
