import Foundation
import GatewayCore
import PostgresNIO

/// `vibn_outbound_events` on PostgreSQL; values are bound parameters, the id breaks ties between equal times.
extension PostgresStore: OutboxStore {
    public func enqueueEvent(_ event: OutboundEvent) async throws {
        try await self.query(
            """
            INSERT INTO vibn_outbound_events (\(unescaped: OutboundEvent.storedColumns))
            VALUES (\(event.id), \(event.type.rawValue), \(event.body), \(event.createdAt),
                    \(event.attempts), \(event.nextAttemptAt), \(event.deliveredAt), \(event.lastError))
            """,
            logger: self.logger
        )
    }

    public func pendingEvents(createdAfter cutoff: Date, limit: Int) async throws -> [OutboundEvent] {
        let rows = try await self.query(
            """
            SELECT \(unescaped: OutboundEvent.storedColumns) FROM vibn_outbound_events
            WHERE delivered_at IS NULL AND created_at > \(cutoff) ORDER BY created_at, id LIMIT \(limit)
            """,
            logger: self.logger
        )
        var events: [OutboundEvent] = []
        for try await (id, type, body, createdAt, attempts, nextAttemptAt, deliveredAt, lastError) in rows.decode(
            (String, String, String, Date, Int, Date, Date?, String?).self
        ) {
            events.append(try OutboundEvent(
                storedID: id, type: type, body: body, createdAt: createdAt, attempts: attempts,
                nextAttemptAt: nextAttemptAt, deliveredAt: deliveredAt, lastError: lastError
            ))
        }
        return events
    }

    public func pendingEventCount() async throws -> Int {
        try await self.count("SELECT count(*) FROM vibn_outbound_events WHERE delivered_at IS NULL")
    }

    public func markEventDelivered(_ id: String, at now: Date) async throws {
        try await self.query(
            "UPDATE vibn_outbound_events SET delivered_at = \(now) WHERE id = \(id) AND delivered_at IS NULL",
            logger: self.logger
        )
    }

    public func recordFailedAttempt(_ id: String, error: String, nextAttemptAt: Date) async throws {
        try await self.query(
            """
            UPDATE vibn_outbound_events SET attempts = attempts + 1, next_attempt_at = \(nextAttemptAt), last_error = \(error)
            WHERE id = \(id) AND delivered_at IS NULL
            """,
            logger: self.logger
        )
    }

    @discardableResult
    public func purgeEvents(before cutoff: Date) async throws -> Int {
        let rows = try await self.query(
            """
            DELETE FROM vibn_outbound_events
            WHERE (delivered_at IS NOT NULL AND delivered_at < \(cutoff)) OR (delivered_at IS NULL AND created_at < \(cutoff))
            RETURNING id
            """,
            logger: self.logger
        )
        var count = 0
        for try await _ in rows.decode(String.self) { count += 1 }
        return count
    }
}
