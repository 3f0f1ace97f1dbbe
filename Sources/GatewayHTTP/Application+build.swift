import Events
import GatewayCore
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Everything the HTTP layer needs, wired by the executable.
public struct GatewayDependencies: Sendable {
    public var store: any GatewayStore
    public var clock: any WallClock
    /// The bearer token for `/v1`; nil leaves `/v1` open (only allowed on loopback).
    public var apiToken: String?
    public var readinessTimeout: Duration
    /// The shell into dev containers (SSHExec); nil when SSH is not configured (exec and files answer 503).
    public var shell: (any ContainerShell)?
    /// The preview routes served to Traefik's HTTP provider; nil: `/v1/traefik/dynamic` is not served.
    public var previewRoutes: (any PreviewRoutesSource)?
    /// The bearer token of `/v1/traefik/dynamic` (`TRAEFIK_PROVIDER_TOKEN`); nil: the route is off (never the API token).
    public var traefikProviderToken: String?
    /// The container lifecycle; nil when Coolify is not configured (lifecycle changes then answer 503).
    public var lifecycle: ContainerLifecycle?
    /// `COOLIFY_WEBHOOK_SECRET`; nil: the Coolify webhook route answers 404.
    public var coolifyWebhookSecret: String?
    /// Where accepted Coolify webhooks wait for the `WebhookProcessor`.
    public var webhookQueue: WebhookQueue
    /// `GATEWAY_CHAT_TURN_SECRET`, which may sign chat-turn events instead of the bearer token; nil: only the token.
    public var chatTurnSigner: StandardWebhookSigner?
    /// Where claimed chat turns wait for the `ChatTurnProcessor`.
    public var chatTurnQueue: ChatTurnQueue
    /// The idle sweeper behind `POST /v1/sweeps/idle`; nil when Coolify is not configured (the route answers 503).
    public var idleSweeper: IdleSweeper?
    /// The preview host settings, for dev servers' preview URLs.
    public var previewRouting: PreviewRouting
    /// Where started and resumed dev servers wait for the `DevServerSupervisor`.
    public var devServerQueue: DevServerQueue
    /// How long a dev server may take to answer before it is failed.
    public var devServerReadinessLimit: Duration
    /// How long `/metrics` reuses its store-derived gauges (the route needs no token, so it must not load the store).
    public var metricsStoreTTL: Duration

    public init(
        store: any GatewayStore,
        clock: any WallClock = SystemClock(),
        apiToken: String?,
        readinessTimeout: Duration = .seconds(2),
        shell: (any ContainerShell)? = nil,
        previewRoutes: (any PreviewRoutesSource)? = nil,
        traefikProviderToken: String? = nil,
        lifecycle: ContainerLifecycle? = nil,
        coolifyWebhookSecret: String? = nil,
        webhookQueue: WebhookQueue = WebhookQueue(),
        chatTurnSigner: StandardWebhookSigner? = nil,
        chatTurnQueue: ChatTurnQueue = ChatTurnQueue(),
        idleSweeper: IdleSweeper? = nil,
        previewRouting: PreviewRouting = .defaults,
        devServerQueue: DevServerQueue = DevServerQueue(),
        devServerReadinessLimit: Duration = .seconds(300),
        metricsStoreTTL: Duration = .seconds(5)
    ) {
        self.store = store
        self.clock = clock
        self.apiToken = apiToken
        self.readinessTimeout = readinessTimeout
        self.shell = shell
        self.previewRoutes = previewRoutes
        self.traefikProviderToken = traefikProviderToken
        self.lifecycle = lifecycle
        self.coolifyWebhookSecret = coolifyWebhookSecret
        self.webhookQueue = webhookQueue
        self.chatTurnSigner = chatTurnSigner
        self.chatTurnQueue = chatTurnQueue
        self.idleSweeper = idleSweeper
        self.previewRouting = previewRouting
        self.devServerQueue = devServerQueue
        self.devServerReadinessLimit = devServerReadinessLimit
        self.metricsStoreTTL = metricsStoreTTL
    }
}

/// Builds the router with every route of API.md that is implemented, and the middleware around them.
public func buildRouter(_ dependencies: GatewayDependencies) throws -> Router<GatewayRequestContext> {
    // HEAD is answered like GET wherever there is a GET (without the body); elsewhere it is 405 (methodNotAllowed).
    let router = Router(context: GatewayRequestContext.self, options: .autoGenerateHeadEndpoints)
    // One registry per router, so applications in one process (the tests) never share counters.
    let metrics = PrometheusCollectorRegistry()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware(registry: metrics))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware())

    HealthController<GatewayRequestContext>(
        store: dependencies.store,
        openAPIDocument: try OpenAPIDocument.load(),
        readinessTimeout: dependencies.readinessTimeout
    ).addRoutes(to: router)
    MetricsController<GatewayRequestContext>(
        registry: metrics,
        cache: StoreGaugeCache(store: dependencies.store, ttl: dependencies.metricsStoreTTL, timeout: dependencies.readinessTimeout)
    ).addRoutes(to: router)

    // Authentication belongs to the routes, never to a comparison of path strings: every route of `api` runs the
    // bearer check, whatever shape the request's path had; the three routes of `selfAuthenticated` carry their own
    // credentials (the webhook secret in the path, a chat-turn signature or the token, Traefik's provider token).
    let api = router.group("v1").add(middleware: BearerAuthMiddleware(token: dependencies.apiToken))
    let selfAuthenticated = router.group("v1")

    let directory = ProjectDirectory(store: dependencies.store, clock: dependencies.clock)
    ContainerController(directory: directory, lifecycle: dependencies.lifecycle).addRoutes(to: api)
    let execService = ExecService(directory: directory, shell: dependencies.shell)
    ExecController(service: execService).addRoutes(to: api)
    AutosaveController(autosave: Autosave(directory: directory, shell: dependencies.shell)).addRoutes(to: api)
    FilesController(service: execService).addRoutes(to: api)
    DevServerController(
        devServers: DevServers(exec: execService, routing: dependencies.previewRouting, queue: dependencies.devServerQueue)
    ).addRoutes(to: api)
    IdleSweepController(sweeper: dependencies.idleSweeper).addRoutes(to: api)

    CoolifyWebhookController(secret: dependencies.coolifyWebhookSecret, queue: dependencies.webhookQueue, clock: dependencies.clock)
        .addRoutes(to: selfAuthenticated)
    ChatTurnController(
        directory: directory, lifecycleConfigured: dependencies.lifecycle != nil, queue: dependencies.chatTurnQueue,
        auth: .init(token: dependencies.apiToken, signer: dependencies.chatTurnSigner)
    ).addRoutes(to: selfAuthenticated)
    if let previewRoutes = dependencies.previewRoutes {
        TraefikController(source: previewRoutes, token: dependencies.traefikProviderToken).addRoutes(to: selfAuthenticated)
    }
    return router
}

/// The Hummingbird application around ``buildRouter(_:)``, with the given background services and, when SSH is
/// configured, the `DevServerSupervisor`.
/// - Parameters:
///   - dependencies: What the routes use.
///   - configuration: Address and server options.
///   - connectionLimits: How long idle connections and slow requests are kept.
///   - services: Services that run beside the server (the PostgreSQL client first, so it stops last).
///   - logger: The application logger.
public func buildApplication(
    _ dependencies: GatewayDependencies,
    configuration: ApplicationConfiguration,
    connectionLimits: ConnectionLimits = .defaults,
    services: [any Service] = [],
    logger: Logger
) throws -> some ApplicationProtocol {
    var app = Application(
        router: try buildRouter(dependencies), server: connectionLimits.server, configuration: configuration, logger: logger
    )
    app.addServices(services)
    if let shell = dependencies.shell {
        // Last, so it stops first: its probes end before the store they write to closes.
        app.addServices(DevServerSupervisor(
            queue: dependencies.devServerQueue, store: dependencies.store, shell: shell, clock: dependencies.clock,
            readinessLimit: dependencies.devServerReadinessLimit, logger: logger
        ))
    }
    let store = dependencies.store
    app.beforeServerStarts { try await store.migrate() }
    return app
}
