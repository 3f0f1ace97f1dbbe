import Foundation
import GatewayCore

extension OutboundEvent {
    /// The columns every outbox query selects, in this order (`vibn_outbound_events`).
    static let storedColumns = "id, type, body, created_at, attempts, next_attempt_at, delivered_at, last_error"

    /// Validates stored column values.
    /// - Throws: ``ValidationError`` when the type is not one the gateway sends.
    init(
        storedID id: String, type: String, body: String, createdAt: Date,
        attempts: Int, nextAttemptAt: Date, deliveredAt: Date?, lastError: String?
    ) throws {
        guard let kind = OutboundEventType(rawValue: type) else {
            throw ValidationError(field: "type", message: "'\(type)' is not an outbound event type")
        }
        self.init(
            id: id, type: kind, body: body, createdAt: createdAt,
            attempts: attempts, nextAttemptAt: nextAttemptAt, deliveredAt: deliveredAt, lastError: lastError
        )
    }
}
