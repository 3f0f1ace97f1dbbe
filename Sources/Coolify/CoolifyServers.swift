import GatewayCore
import Synchronization

/// Where Coolify creates a service: the server (and, when it has several, the destination) of a gateway server name.
public struct CoolifyPlacement: Sendable, Equatable {
    public var serverUUID: String
    /// The server's destination (Docker network); nil: Coolify's only one.
    public var destinationUUID: String?

    public init(serverUUID: String, destinationUUID: String?) {
        self.serverUUID = serverUUID
        self.destinationUUID = destinationUUID
    }
}

/// The Coolify server of each gateway server name, replaced as a whole when the server list is re-read.
public final class CoolifyServers: Sendable {
    private let placements: Mutex<[ServerName: CoolifyPlacement]>

    public init(_ placements: [ServerName: CoolifyPlacement]) {
        self.placements = Mutex(placements)
    }

    /// The one `default` server of the single-server settings.
    public convenience init(configuration: CoolifyConfiguration) {
        self.init([.default: CoolifyPlacement(serverUUID: configuration.serverUUID, destinationUUID: configuration.destinationUUID)])
    }

    /// Where `server`'s services are created, if the list names it.
    public func placement(of server: ServerName) -> CoolifyPlacement? {
        self.placements.withLock { $0[server] }
    }

    /// Replaces the list.
    public func replace(_ placements: [ServerName: CoolifyPlacement]) {
        self.placements.withLock { $0 = placements }
    }
}
