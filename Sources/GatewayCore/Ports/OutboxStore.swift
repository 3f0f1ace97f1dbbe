import Foundation

/// The outbox half of the store (`vibn_outbound_events`): events waiting for, or done with, delivery to the
/// chat backend. Delivery is first in, first out: events come back oldest first.
public protocol OutboxStore: Sendable {
    /// Stores a new event (one insert).
    func enqueueEvent(_ event: OutboundEvent) async throws

    /// Undelivered events created after `cutoff` (older ones are given up), oldest first, at most `limit`.
    /// Due or not: the deliverer stops at the first one not yet due, so none overtakes an older one.
    func pendingEvents(createdAfter cutoff: Date, limit: Int) async throws -> [OutboundEvent]

    /// How many events wait for delivery (given-up ones included, until they are purged).
    func pendingEventCount() async throws -> Int

    /// Records that the receiver accepted the event.
    func markEventDelivered(_ id: String, at now: Date) async throws

    /// Records a failed attempt: one more attempt, the next one not before `nextAttemptAt`, and why it failed.
    func recordFailedAttempt(_ id: String, error: String, nextAttemptAt: Date) async throws

    /// Puts given-up events (undelivered, created at or before `cutoff`) back in the queue, as if created `now`, with
    /// their attempts reset: `id`'s alone, or all of them when nil.
    /// - Returns: The ids put back, oldest first.
    func requeueGivenUpEvents(id: String?, createdBefore cutoff: Date, at now: Date) async throws -> [String]

    /// Deletes events delivered before `cutoff`, and undelivered ones created before it.
    /// - Returns: How many were deleted.
    @discardableResult
    func purgeEvents(before cutoff: Date) async throws -> Int
}
