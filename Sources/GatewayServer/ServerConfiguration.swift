import Coolify
import Events
import Foundation
import GatewayCore
import GatewayHTTP
import PreviewConfig
import SSHExec
import Storage

/// Everything `serve` runs with, validated: where each adapter is, and the settings of the core and the HTTP layer.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    public var port: Int
    /// The routes' credentials and limits.
    public var http: HTTPSettings
    /// How long idle connections and slow requests are kept.
    public var connectionLimits: ConnectionLimits
    /// Where state is kept.
    public var store: StoreLocation
    /// The servers containers are placed on, each with its Coolify server and SSH host (one `default` server
    /// from the single-server settings without `VIBN_SERVERS_FILE`).
    public var servers: ServerList
    /// Coolify's API; nil: container changes answer 503.
    public var coolify: CoolifyConfiguration?
    /// The compose template, already proven to render.
    public var composeTemplate: ComposeTemplate
    /// Builds Traefik's dynamic configuration.
    public var traefik: TraefikConfigBuilder
    /// The directory Traefik's file provider watches.
    public var traefikDirectory: URL
    /// Traefik's Prometheus endpoint, read every minute so preview traffic counts as activity; nil: not read.
    public var traefikMetricsURL: URL?
    /// Traefik's API (`TRAEFIK_API_URL`), which `vibn-gateway doctor` asks whether the gateway's routers are loaded.
    public var traefikAPIURL: URL?
    /// Where outbound events go; nil: none are sent.
    public var outbox: OutboxSettings?
    /// The core's settings (`lifecycle.sshConfigured` follows ``servers``).
    public var core: GatewaySettings

    public init(
        host: String, port: Int, http: HTTPSettings, connectionLimits: ConnectionLimits, store: StoreLocation,
        servers: ServerList, coolify: CoolifyConfiguration?, composeTemplate: ComposeTemplate, traefik: TraefikConfigBuilder,
        traefikDirectory: URL, outbox: OutboxSettings?, core: GatewaySettings
    ) {
        self.host = host
        self.port = port
        self.http = http
        self.connectionLimits = connectionLimits
        self.store = store
        self.servers = servers
        self.coolify = coolify
        self.composeTemplate = composeTemplate
        self.traefik = traefik
        self.traefikDirectory = traefikDirectory
        self.outbox = outbox
        self.core = core
    }
}
