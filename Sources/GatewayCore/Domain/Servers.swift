import Synchronization

/// A Coolify server's name in the gateway's server list (`VIBN_SERVERS_FILE`): a lower-case DNS label of at most
/// 40 characters. Without a list the one server is called `default`.
public struct ServerName: ValidatedIdentifier {
    public static let fieldName = "server"
    public static let formatDescription = "a lower-case DNS label: a-z, 0-9 and inner '-', 1 to 40 characters"
    public static func isValid(_ raw: String) -> Bool { ASCII.isDNSLabel(raw, maxLength: 40) }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }

    /// The server of the single-server settings, and of every container placed before there was a list.
    public static let `default` = ServerName(trusted: "default")
}

/// What placement knows of a server: how many dev containers it may run, and whether it takes new ones.
public struct ServerSlot: Sendable, Equatable {
    public var name: ServerName
    /// The most dev containers `provisioning` or `running` on it at once; nil: no limit (the single-server settings).
    public var capacity: Int?
    /// A draining server gets no new container (its own still resume).
    public var draining: Bool
    /// Its uuid in Coolify, whose server webhooks (unreachable, disk usage) are then the gateway's; nil: unknown.
    public var coolifyServerUUID: String?

    public init(name: ServerName, capacity: Int?, draining: Bool = false, coolifyServerUUID: String? = nil) {
        self.name = name
        self.capacity = capacity
        self.draining = draining
        self.coolifyServerUUID = coolifyServerUUID
    }

    /// The server a new container goes to: among those not draining and not full, the one with the most free
    /// capacity, ties going to the one listed first; nil when none has room.
    /// - Parameter active: Containers `provisioning` or `running` per server (missing: none).
    public static func place(among servers: [ServerSlot], active: [ServerName: Int]) -> ServerSlot? {
        var best: (slot: ServerSlot, free: Int)?
        for slot in servers where !slot.draining {
            let free = slot.capacity.map { $0 - active[slot.name, default: 0] } ?? Int.max
            if free > 0, free > (best?.free ?? 0) { best = (slot, free) }
        }
        return best?.slot
    }

    /// Whether `active` containers leave it within its capacity.
    public func admits(_ active: Int) -> Bool {
        self.capacity.map { active <= $0 } ?? true
    }

    /// The one server of the single-server settings: `default`, without a capacity.
    public static let single = ServerSlot(name: .default, capacity: nil)
}

/// The servers dev containers are placed on, replaced as a whole when the list is re-read (SIGHUP).
public final class ServerFleet: Sendable {
    private let slots: Mutex<[ServerSlot]>

    public init(_ slots: [ServerSlot]) {
        self.slots = Mutex(slots)
    }

    /// The servers as last read, in their listed order.
    public var current: [ServerSlot] { self.slots.withLock { $0 } }

    /// Replaces the list.
    public func replace(_ slots: [ServerSlot]) {
        self.slots.withLock { $0 = slots }
    }
}

extension GatewayError {
    /// No server of the list has room for a new container.
    public static func capacityExhausted(_ servers: [ServerSlot], active: [ServerName: Int]) -> GatewayError {
        let summary = servers.map { slot in
            "\(slot.name) \(active[slot.name, default: 0])/\(slot.capacity.map(String.init) ?? "unlimited")\(slot.draining ? " draining" : "")"
        }
        return GatewayError(
            .unavailable, code: .capacityExhausted,
            message: "Every server is full or draining (\(summary.joined(separator: ", "))).",
            hint: "Suspend idle containers, raise a server's capacity or add a server to VIBN_SERVERS_FILE (then SIGHUP).",
            retryAfterSeconds: 30
        )
    }

    /// The container's server is full: it cannot be resumed there now.
    public static func serverFull(_ server: ServerSlot) -> GatewayError {
        GatewayError(
            .unavailable, code: .capacityExhausted,
            message: "Server '\(server.name)' runs as many containers as its capacity (\(server.capacity ?? 0)).",
            hint: "Suspend idle containers there, raise its capacity, or move the project to another server.",
            retryAfterSeconds: 30
        )
    }
}
