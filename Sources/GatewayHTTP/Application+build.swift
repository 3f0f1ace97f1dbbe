import Events
import GatewayCore
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The HTTP layer's own settings: credentials of the routes and how long health and metrics may take.
public struct HTTPSettings: Sendable {
    /// The bearer token for `/v1`; nil leaves `/v1` open (only allowed on loopback).
    public var apiToken: String?
    /// How long `/readyz` and the metrics' store reads may take.
    public var readinessTimeout: Duration
    /// The bearer token of `/v1/traefik/dynamic` (`TRAEFIK_PROVIDER_TOKEN`); nil: the route is off (never the API token).
    public var traefikProviderToken: String?
    /// `COOLIFY_WEBHOOK_SECRET`; nil, or no Coolify configured: the Coolify webhook route answers 404.
    public var coolifyWebhookSecret: String?
    /// `GATEWAY_CHAT_TURN_SECRET`, which may sign chat-turn events instead of the bearer token; nil: only the token.
    public var chatTurnSigner: StandardWebhookSigner?
    /// How long `/metrics` reuses its store-derived gauges (the route needs no token, so it must not load the store).
    public var metricsStoreTTL: Duration
    /// `VIBN_STATUS_PASSWORD`: opens `GET /status` (HTTP Basic) besides the API token, which it never replaces.
    public var statusPassword: String?

    public init(
        apiToken: String?,
        readinessTimeout: Duration = .seconds(2),
        traefikProviderToken: String? = nil,
        coolifyWebhookSecret: String? = nil,
        chatTurnSigner: StandardWebhookSigner? = nil,
        metricsStoreTTL: Duration = .seconds(5),
        statusPassword: String? = nil
    ) {
        self.apiToken = apiToken
        self.readinessTimeout = readinessTimeout
        self.traefikProviderToken = traefikProviderToken
        self.coolifyWebhookSecret = coolifyWebhookSecret
        self.chatTurnSigner = chatTurnSigner
        self.metricsStoreTTL = metricsStoreTTL
        self.statusPassword = statusPassword
    }
}

/// Builds the router with every route of openapi.yaml and the status page, and the middleware around them.
/// - Parameters:
///   - history: The status page's sampled containers by state (nil: the chart shows the present only).
///   - doctor: The doctor's results for the status page (nil: the page has no doctor section).
public func buildRouter(
    _ gateway: Gateway, http: HTTPSettings, history: ContainerHistory? = nil, doctor: DoctorResults? = nil
) throws -> Router<GatewayRequestContext> {
    // HEAD is answered like GET wherever there is a GET (without the body); elsewhere it is 405 (methodNotAllowed).
    let router = Router(context: GatewayRequestContext.self, options: .autoGenerateHeadEndpoints)
    // One registry per router, so applications in one process (the tests) never share counters.
    let metrics = PrometheusCollectorRegistry()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware(registry: metrics))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware())
    if let wake = gateway.previewWake {
        // Before any route: a visit to a preview host is never an API call, whatever its path.
        router.add(middleware: PreviewWakeMiddleware(wake: wake, domainBase: gateway.settings.previewRouting.domainBase))
    }

    let store = gateway.ports.store
    HealthController<GatewayRequestContext>(
        store: store, openAPIDocument: try OpenAPIDocument.load(), readinessTimeout: http.readinessTimeout
    ).addRoutes(to: router)
    MetricsController<GatewayRequestContext>(
        registry: metrics, cache: StoreGaugeCache(store: store, ttl: http.metricsStoreTTL, timeout: http.readinessTimeout),
        appliedTurns: { gateway.chatTurns.finishedCounts }, diskReports: { gateway.webhooks?.diskReports.latest ?? [] },
        servers: gateway.ports.servers
    ).addRoutes(to: router)
    StatusController<GatewayRequestContext>(
        store: store, history: history, doctor: doctor, routing: gateway.settings.previewRouting, clock: gateway.ports.clock,
        servers: gateway.ports.servers, passwords: [http.apiToken, http.statusPassword].compactMap { $0 }
    ).addRoutes(to: router)

    // Authentication belongs to the routes, never to a comparison of path strings: every route of `api` runs the
    // bearer check, whatever shape the request's path had; the three routes of `selfAuthenticated` carry their own
    // credentials (the webhook secret in the path, a chat-turn signature or the token, Traefik's provider token).
    let api = router.group("v1").add(middleware: BearerAuthMiddleware(token: http.apiToken))
    let selfAuthenticated = router.group("v1")

    ContainerController(gateway: gateway).addRoutes(to: api)
    ExecController(service: gateway.exec).addRoutes(to: api)
    AutosaveController(autosave: gateway.autosave).addRoutes(to: api)
    FilesController(service: gateway.exec).addRoutes(to: api)
    DevServerController(devServers: gateway.devServers).addRoutes(to: api)
    IdleSweepController(sweeper: gateway.idleSweeper).addRoutes(to: api)
    ShipController(shipper: gateway.shipper).addRoutes(to: api)

    // Webhooks are accepted only when something applies them: without Coolify the route answers 404.
    CoolifyWebhookController(secret: http.coolifyWebhookSecret, webhooks: gateway.webhooks, clock: gateway.ports.clock)
        .addRoutes(to: selfAuthenticated)
    ChatTurnController(
        directory: gateway.directory, lifecycleConfigured: gateway.lifecycle != nil, processor: gateway.chatTurns,
        auth: .init(token: http.apiToken, signer: http.chatTurnSigner)
    ).addRoutes(to: selfAuthenticated)
    if let previewRoutes = gateway.ports.previewRoutes {
        TraefikController(source: previewRoutes, token: http.traefikProviderToken).addRoutes(to: selfAuthenticated)
    }
    return router
}

/// The Hummingbird application around ``buildRouter(_:http:)``, running the adapters' `services` and then the
/// gateway's background services beside the server; the store is migrated before the server starts.
/// - Parameters:
///   - gateway: The core services the routes use.
///   - http: The routes' credentials and limits.
///   - configuration: Address and server options.
///   - connectionLimits: How long idle connections and slow requests are kept.
///   - services: The adapters' services (the PostgreSQL client first, so it stops last).
///   - doctor: The doctor's results for the status page.
///   - logger: The application logger.
public func buildApplication(
    _ gateway: Gateway,
    http: HTTPSettings,
    configuration: ApplicationConfiguration,
    connectionLimits: ConnectionLimits = .defaults,
    services: [any Service] = [],
    doctor: DoctorResults? = nil,
    logger: Logger
) throws -> some ApplicationProtocol {
    let history = ContainerHistory(store: gateway.ports.store, clock: gateway.ports.clock, logger: logger)
    var app = Application(
        router: try buildRouter(gateway, http: http, history: history, doctor: doctor),
        server: connectionLimits.server, configuration: configuration, logger: logger
    )
    app.addServices(services)
    app.addServices(gateway.services)
    app.addServices(history)
    let store = gateway.ports.store
    app.beforeServerStarts { try await store.migrate() }
    return app
}
