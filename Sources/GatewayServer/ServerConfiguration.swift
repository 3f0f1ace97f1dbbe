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
    /// SSH to the Coolify host; nil: exec, files and dev servers answer 503.
    public var ssh: SSHConfiguration?
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
    /// The core's settings (`lifecycle.sshConfigured` follows ``ssh``).
    public var core: GatewaySettings

    public init(
        host: String, port: Int, http: HTTPSettings, connectionLimits: ConnectionLimits, store: StoreLocation,
        ssh: SSHConfiguration?, coolify: CoolifyConfiguration?, composeTemplate: ComposeTemplate, traefik: TraefikConfigBuilder,
        traefikDirectory: URL, outbox: OutboxSettings?, core: GatewaySettings
    ) {
        self.host = host
        self.port = port
        self.http = http
        self.connectionLimits = connectionLimits
        self.store = store
        self.ssh = ssh
        self.coolify = coolify
        self.composeTemplate = composeTemplate
        self.traefik = traefik
        self.traefikDirectory = traefikDirectory
        self.outbox = outbox
        self.core = core
    }
}
