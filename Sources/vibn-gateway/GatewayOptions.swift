import ArgumentParser
import Events
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayServer
import Logging

/// Every setting of the gateway, shared by `serve` and the commands that act as it would (`sweep`, `status`,
/// `events retry`): the same flags, environment variables and defaults, validated the same way.
struct GatewayOptions: ParsableArguments {
    @Option(help: "Address to listen on. Without an API token only loopback is allowed. (env: GATEWAY_HOST, default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on. (env: GATEWAY_PORT, default: 8080)")
    var port: Int?

    @Option(help: "Bearer token required on /v1. Unset: /v1 is open and only loopback is allowed. Prefer the environment for secrets. (env: GATEWAY_API_TOKEN)")
    var apiToken: String?

    @Option(help: "Password of GET /status (HTTP Basic, any user name), besides the API token; for people who may see the page but must not hold the token; at least 12 characters. Prefer the environment for secrets. (env: VIBN_STATUS_PASSWORD)")
    var statusPassword: String?

    @OptionGroup var connectionOptions: ConnectionOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var sshOptions: SSHOptions
    @OptionGroup var previewOptions: PreviewOptions
    @OptionGroup var coolifyOptions: CoolifyOptions
    @OptionGroup var eventsOptions: EventsOptions
    @OptionGroup var sweepOptions: SweepOptions
    @OptionGroup var workOptions: WorkOptions
    @OptionGroup var logOptions: LogOptions

    /// The validated configuration; every setting is checked here, so a bad one stops the command with a message
    /// naming it before anything opens.
    /// - Parameter serving: Whether the HTTP server will listen (then an open `/v1` is refused off loopback, and the
    ///   notices about the HTTP routes are logged).
    func configuration(logger: Logger, serving: Bool) throws -> ServerConfiguration {
        let host = Setting.string(self.host, env: "GATEWAY_HOST", default: "127.0.0.1")
        let port = try Setting.integer(self.port, env: "GATEWAY_PORT", default: 8080)
        let token = Setting.string(self.apiToken, env: "GATEWAY_API_TOKEN")
        guard (1...65535).contains(port) else { throw ValidationError("port \(port) is not in 1-65535") }
        if token == nil, serving {
            guard Self.isLoopback(host) else {
                throw ValidationError(
                    "refusing to listen on \(host) without an API token: set GATEWAY_API_TOKEN, or listen on 127.0.0.1"
                )
            }
            logger.warning("GATEWAY_API_TOKEN is not set: /v1 is open to anyone who can reach \(host):\(port)")
        }

        let statusPassword = Setting.string(self.statusPassword, env: "VIBN_STATUS_PASSWORD")
        if let statusPassword, statusPassword.count < 12 {
            throw ValidationError("VIBN_STATUS_PASSWORD must have at least 12 characters")
        }

        // Every setting is validated here, so a bad one stops the start with a message naming it before anything opens.
        let eventsSecretAlone = self.eventsOptions.secret != nil
        let chatTurnSigner = try self.eventsOptions.chatTurnSigner()
        if chatTurnSigner == nil, eventsSecretAlone, serving {
            logger.notice("GATEWAY_EVENTS_SECRET only signs outbound events: chat turns take the API token, or a signature made with GATEWAY_CHAT_TURN_SECRET")
        }
        if self.previewOptions.providerToken == nil, serving {
            logger.notice("TRAEFIK_PROVIDER_TOKEN is not set: GET /v1/traefik/dynamic is off (the file provider still works)")
        }
        let storeTimeout = try self.storeOptions.timeout()
        let serversFile = self.coolifyOptions.serversFilePath
        let ssh = try self.sshOptions.settings(stateDirectory: self.storeOptions.stateDirectory, serversFile: serversFile != nil, logger: logger)
        let listed: ServerList?
        do {
            listed = try serversFile.map { try ServerList.load(file: $0, sshTemplate: ssh.template) }
        } catch let error as ServerListError {
            throw ValidationError(error.description)
        }
        let coolify = try self.coolifyOptions.configuration(listed: listed, logger: logger)
        let servers = listed ?? ServerList.single(coolify: coolify, ssh: ssh.single, sshTemplate: ssh.template)
        let sweep = try self.sweepOptions.limits()
        var configuration = ServerConfiguration(
            host: host, port: port,
            http: HTTPSettings(
                apiToken: token, readinessTimeout: storeTimeout, traefikProviderToken: self.previewOptions.providerToken,
                coolifyWebhookSecret: self.coolifyOptions.webhookSecret, chatTurnSigner: chatTurnSigner,
                statusPassword: statusPassword
            ),
            connectionLimits: try self.connectionOptions.limits(),
            store: try self.storeOptions.location(),
            servers: servers,
            coolify: coolify,
            composeTemplate: try self.previewOptions.composeTemplate(),
            traefik: try self.previewOptions.traefikBuilder(),
            traefikDirectory: self.previewOptions.dynamicDirectory,
            outbox: try self.eventsOptions.url.map { url in try OutboxSettings(url: url, secret: self.eventsOptions.secret) },
            core: GatewaySettings(
                lifecycle: try self.coolifyOptions.lifecycleSettings(image: self.previewOptions.image, sshConfigured: servers.sshConfigured),
                previewRouting: try self.previewOptions.routing(),
                coolifyServerUUID: listed == nil ? self.coolifyOptions.serverUUID : nil,
                idleMinutes: sweep.idleMinutes, turnHoldMinutes: sweep.turnHoldMinutes,
                turns: try self.workOptions.settings(port: port),
                ship: try self.workOptions.shipSettings()
            )
        )
        configuration.traefikMetricsURL = try self.previewOptions.metricsURL()
        configuration.traefikAPIURL = try self.previewOptions.apiURL()
        return configuration
    }

    /// Whether `host` is a loopback address.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
