import ArgumentParser
import Events
import Foundation
import GatewayCore
import GatewayHTTP
import Hummingbird
import Logging
import PreviewConfig
import ServiceLifecycle
import SSHExec
import Storage
import UnixSignals

/// `vibn-gateway serve`: the HTTP server and its background services, until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs the gateway's HTTP server (migrating the store first)."
    )

    @Option(help: "Address to listen on. Without an API token only loopback is allowed. (env: GATEWAY_HOST, default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on. (env: GATEWAY_PORT, default: 8080)")
    var port: Int?

    @Option(help: "Bearer token required on /v1. Unset: /v1 is open and only loopback is allowed. Prefer the environment for secrets. (env: GATEWAY_API_TOKEN)")
    var apiToken: String?

    @OptionGroup var connectionOptions: ConnectionOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var sshOptions: SSHOptions
    @OptionGroup var previewOptions: PreviewOptions
    @OptionGroup var coolifyOptions: CoolifyOptions
    @OptionGroup var eventsOptions: EventsOptions
    @OptionGroup var sweepOptions: SweepOptions
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
        // A child (ssh, git) that exits before reading what the gateway writes to it must end that write with an
        // error, never end the gateway: SIGPIPE's default action would kill the process.
        signal(SIGPIPE, SIG_IGN)
        let logger = try self.logOptions.bootstrap(label: "vibn-gateway")
        let host = Setting.string(self.host, env: "GATEWAY_HOST", default: "127.0.0.1")
        let port = try Setting.integer(self.port, env: "GATEWAY_PORT", default: 8080)
        let token = Setting.string(self.apiToken, env: "GATEWAY_API_TOKEN")
        guard (1...65535).contains(port) else { throw ValidationError("port \(port) is not in 1-65535") }
        if token == nil {
            guard Self.isLoopback(host) else {
                throw ValidationError(
                    "refusing to listen on \(host) without an API token: set GATEWAY_API_TOKEN, or listen on 127.0.0.1"
                )
            }
            logger.warning("GATEWAY_API_TOKEN is not set: /v1 is open to anyone who can reach \(host):\(port)")
        }

        // A broken compose template or preview setting stops the start here, with a message naming it.
        let composeTemplate = try self.previewOptions.composeTemplate()
        let coolify = try self.coolifyOptions.resolve(logger: logger)
        let sweepLimits = try self.sweepOptions.limits()
        let connectionLimits = try self.connectionOptions.limits()
        let storeTimeout = try self.storeOptions.timeout()
        let chatTurnSigner = try self.eventsOptions.chatTurnSigner()
        if chatTurnSigner == nil, self.eventsOptions.secret != nil {
            logger.notice("GATEWAY_EVENTS_SECRET only signs outbound events: chat turns take the API token, or a signature made with GATEWAY_CHAT_TURN_SECRET")
        }
        let outboxSettings = try self.eventsOptions.url.map { url in try OutboxSettings(url: url, secret: self.eventsOptions.secret) }
        let shell = try self.sshOptions.makeShell(stateDirectory: self.storeOptions.stateDirectory, logger: logger)
        let (store, storeService) = try await self.storeOptions.makeStore(logger: logger)
        try await StoreOptions.releasing(store) {
            try await self.serve(
                store: store, storeService: storeService, host: host, port: port, token: token,
                composeTemplate: composeTemplate, coolify: coolify, shell: shell, sweepLimits: sweepLimits,
                connectionLimits: connectionLimits, storeTimeout: storeTimeout,
                chatTurnSigner: chatTurnSigner, outboxSettings: outboxSettings, logger: logger
            )
        }
        await shell?.close()
    }

    /// Builds the application on the opened store and runs it until a shutdown signal.
    func serve(
        store: any GatewayStore, storeService: PostgresStore?, host: String, port: Int, token: String?,
        composeTemplate: any ComposeRenderer, coolify: ResolvedCoolify?, shell: SSHExec?, sweepLimits: SweepLimits,
        connectionLimits: ConnectionLimits, storeTimeout: Duration, chatTurnSigner: StandardWebhookSigner?, outboxSettings: OutboxSettings?, logger: Logger
    ) async throws {
        let previewRoutes = try self.previewOptions.makePublisher(store: store, logger: logger)
        if self.previewOptions.providerToken == nil {
            logger.notice("TRAEFIK_PROVIDER_TOKEN is not set: GET /v1/traefik/dynamic is off (the file provider still works)")
        }
        // Every state change made through this gateway reaches Traefik's file at once (other replicas' within
        // the publisher's periodic refresh).
        // With GATEWAY_EVENTS_URL, the changes also go to the outbox, which delivers them to the chat backend.
        let outbox = outboxSettings.map { OutboxDeliverer(store: store, settings: $0, logger: logger) }
        let events = outbox?.recorder
        // A resumed container gets its dev servers back (the `DevServerSupervisor` drains the queue).
        let devServerQueue = DevServerQueue()
        let store = ObservedStore(store) { change in
            previewRoutes.previewsChanged()
            devServerQueue.containerChanged(change)
            await events?.record(change)
        }
        let lifecycle = coolify.map { coolify in
            coolify.makeLifecycle(
                store: store, renderer: composeTemplate, shell: shell,
                image: self.previewOptions.image,
                logger: logger
            )
        }
        let webhookQueue = WebhookQueue()
        let lifecycleServices: [any Service] = lifecycle.map { lifecycle in
            let reconciler = Reconciler(lifecycle: lifecycle, reachability: ServerReachability())
            return [reconciler, WebhookProcessor(queue: webhookQueue, reconciler: reconciler, serverUUID: self.coolifyOptions.serverUUID)]
        } ?? []
        // Chat turns are claimed by the route and applied by the processor; idle containers are swept (with Coolify).
        let chatTurnQueue = ChatTurnQueue()
        let chatTurnProcessor = ChatTurnProcessor(
            queue: chatTurnQueue, autosave: Autosave(directory: ProjectDirectory(store: store), shell: shell), lifecycle: lifecycle, logger: logger
        )
        let idleSweeper = lifecycle.map { sweepLimits.makeSweeper(lifecycle: $0) }
        let app = try buildApplication(
            GatewayDependencies(
                store: store, apiToken: token, readinessTimeout: storeTimeout, shell: shell,
                previewRoutes: previewRoutes, traefikProviderToken: self.previewOptions.providerToken,
                // Webhooks are accepted only when something drains them: without Coolify the route answers 404.
                lifecycle: lifecycle, coolifyWebhookSecret: lifecycle == nil ? nil : self.coolifyOptions.webhookSecret,
                webhookQueue: webhookQueue, chatTurnSigner: chatTurnSigner, chatTurnQueue: chatTurnQueue, idleSweeper: idleSweeper,
                previewRouting: try self.previewOptions.routing(), devServerQueue: devServerQueue
            ),
            configuration: .init(address: .hostname(host, port: port), serverName: "vibn-gateway"),
            connectionLimits: connectionLimits,
            services: (storeService.map { [$0] } ?? []) + [previewRoutes] + lifecycleServices + [chatTurnProcessor]
                + (idleSweeper.map { [$0] } ?? []) + (outbox.map { [$0] } ?? []),
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Whether `host` is a loopback address.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
