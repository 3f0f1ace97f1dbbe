import Foundation

/// The kinds of event the gateway sends to the chat backend.
public enum OutboundEventType: String, Sendable, Codable, CaseIterable {
    case containerStateChanged = "container.state_changed"
    case devServerReady = "dev_server.ready"
    case devServerFailed = "dev_server.failed"
    case autosavePushed = "autosave.pushed"
    case autosaveFailed = "autosave.failed"
    case chatTurnFailed = "chat_turn.failed"
    case hostDiskHigh = "host.disk_high"
    case shipSucceeded = "ship.succeeded"
    case shipFailed = "ship.failed"
    /// Sent only by `vibn-gateway doctor`, never stored: proves the receiver accepts the gateway's signature.
    case gatewayPing = "gateway.ping"
}

/// One event in the outbox (`vibn_outbound_events`): its JSON body is stored once and sent byte-identical,
/// under the same id (`webhook-id`), on every attempt until the receiver answers 2xx.
public struct OutboundEvent: Sendable, Equatable {
    /// `msg_` followed by 32 lower-case hex digits (128 bits from the system CSPRNG).
    public var id: String
    public var type: OutboundEventType
    /// The `{"type","timestamp","data"}` JSON document, exactly as it is sent.
    public var body: String
    public var createdAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    /// The earliest time of the next attempt.
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    /// Why the last attempt failed.
    public var lastError: String?

    /// A new, undelivered event, due at once.
    public init(id: String = OutboundEvent.newID(), type: OutboundEventType, body: String, createdAt: Date) {
        self.init(
            id: id, type: type, body: body, createdAt: createdAt,
            attempts: 0, nextAttemptAt: createdAt, deliveredAt: nil, lastError: nil
        )
    }

    /// An event as stored.
    public init(
        id: String, type: OutboundEventType, body: String, createdAt: Date,
        attempts: Int, nextAttemptAt: Date, deliveredAt: Date?, lastError: String?
    ) {
        self.id = id
        self.type = type
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
    }

    /// Whether `raw` has the form of an event id (``newID()``).
    public static func isID(_ raw: String) -> Bool {
        raw.utf8.count == 36 && raw.hasPrefix("msg_") && raw.utf8.dropFirst(4).allSatisfy(ASCII.isHex)
    }

    /// A fresh event id from the system's cryptographically secure generator.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "msg_" + RandomHex.string(bytes: 16, using: &generator)
    }
}
