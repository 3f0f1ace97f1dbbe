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
        try await self.outboundEvents(
            """
            SELECT \(unescaped: OutboundEvent.storedColumns) FROM vibn_outbound_events
            WHERE delivered_at IS NULL AND created_at > \(cutoff) ORDER BY created_at, id LIMIT \(limit)
            """
        )
    }

    /// The events a query selecting ``OutboundEvent/storedColumns`` returns.
    func outboundEvents(_ query: PostgresQuery) async throws -> [OutboundEvent] {
        let rows = try await self.query(query, logger: self.logger)
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
    public func requeueGivenUpEvents(id: String?, createdBefore cutoff: Date, at now: Date) async throws -> [String] {
        // One millisecond apart in their old order, so the deliverer still sends them oldest first.
        let rows = try await self.query(
            """
            WITH given_up AS (
              SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM vibn_outbound_events
              WHERE delivered_at IS NULL AND created_at <= \(cutoff) AND (\(id)::text IS NULL OR id = \(id)::text)
            ), requeued AS (
              UPDATE vibn_outbound_events e
              SET created_at = \(now)::timestamptz + g.n * interval '1 millisecond', attempts = 0, next_attempt_at = \(now)
              FROM given_up g WHERE e.id = g.id AND e.delivered_at IS NULL
              RETURNING e.id, g.n
            )
            SELECT id FROM requeued ORDER BY n
            """,
            logger: self.logger
        )
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

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
