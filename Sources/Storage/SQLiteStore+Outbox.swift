import Foundation
import GatewayCore
import SQLiteNIO

/// `vibn_outbound_events` on SQLite: times are REAL seconds since 1970; insertion order (rowid) breaks ties.
extension SQLiteStore: OutboxStore {
    public func enqueueEvent(_ event: OutboundEvent) async throws {
        _ = try await self.run(
            "INSERT INTO vibn_outbound_events (\(OutboundEvent.storedColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(event.id), .text(event.type.rawValue), .text(event.body), .float(event.createdAt.timeIntervalSince1970),
                .integer(event.attempts), .float(event.nextAttemptAt.timeIntervalSince1970),
                event.deliveredAt.map { .float($0.timeIntervalSince1970) } ?? .null, Self.optional(event.lastError),
            ]
        )
    }

    public func pendingEvents(createdAfter cutoff: Date, limit: Int) async throws -> [OutboundEvent] {
        let rows = try await self.run(
            """
            SELECT \(OutboundEvent.storedColumns) FROM vibn_outbound_events
            WHERE delivered_at IS NULL AND created_at > ? ORDER BY created_at, rowid LIMIT ?
            """,
            [.float(cutoff.timeIntervalSince1970), .integer(limit)]
        )
        return try rows.map(Self.outboundEvent)
    }

    public func pendingEventCount() async throws -> Int {
        try await self.count("SELECT count(*) AS count FROM vibn_outbound_events WHERE delivered_at IS NULL")
    }

    public func markEventDelivered(_ id: String, at now: Date) async throws {
        _ = try await self.run(
            "UPDATE vibn_outbound_events SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
            [.float(now.timeIntervalSince1970), .text(id)]
        )
    }

    public func recordFailedAttempt(_ id: String, error: String, nextAttemptAt: Date) async throws {
        _ = try await self.run(
            """
            UPDATE vibn_outbound_events SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
            WHERE id = ? AND delivered_at IS NULL
            """,
            [.float(nextAttemptAt.timeIntervalSince1970), .text(error), .text(id)]
        )
    }

    @discardableResult
    public func requeueGivenUpEvents(id: String?, createdBefore cutoff: Date, at now: Date) async throws -> [String] {
        // One millisecond apart in their old order, so the deliverer still sends them oldest first.
        let rows = try await self.run(
            """
            WITH given_up AS (
              SELECT id, row_number() OVER (ORDER BY created_at, rowid) AS n FROM vibn_outbound_events
              WHERE delivered_at IS NULL AND created_at <= ?2 AND (?3 IS NULL OR id = ?3)
            )
            UPDATE vibn_outbound_events
            SET created_at = ?1 + (SELECT n FROM given_up WHERE given_up.id = vibn_outbound_events.id) * 0.001,
                attempts = 0, next_attempt_at = ?1
            WHERE id IN (SELECT id FROM given_up)
            RETURNING id, created_at
            """,
            [.float(now.timeIntervalSince1970), .float(cutoff.timeIntervalSince1970), id.map { .text($0) } ?? .null]
        )
        return rows.sorted { ($0.column("created_at")?.double ?? 0) < ($1.column("created_at")?.double ?? 0) }
            .compactMap { $0.column("id")?.string }
    }

    public func purgeEvents(before cutoff: Date) async throws -> Int {
        let rows = try await self.run(
            """
            DELETE FROM vibn_outbound_events
            WHERE (delivered_at IS NOT NULL AND delivered_at < ?1) OR (delivered_at IS NULL AND created_at < ?1)
            RETURNING id
            """,
            [.float(cutoff.timeIntervalSince1970)]
        )
        return rows.count
    }

    // MARK: Row decoding

    static func outboundEvent(_ row: SQLiteRow) throws -> OutboundEvent {
        func date(_ name: String) -> Date? { row.column(name)?.double.map(Date.init(timeIntervalSince1970:)) }
        return try OutboundEvent(
            storedID: row.column("id")?.string ?? "", type: row.column("type")?.string ?? "", body: row.column("body")?.string ?? "",
            createdAt: date("created_at") ?? .distantPast, attempts: row.column("attempts")?.integer ?? 0,
            nextAttemptAt: date("next_attempt_at") ?? .distantPast, deliveredAt: date("delivered_at"),
            lastError: row.column("last_error")?.string
        )
    }
}
