import GatewayCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Everything the HTTP layer needs, wired by the executable.
public struct GatewayDependencies: Sendable {
    public var store: any Store
    public var clock: any WallClock
    /// The bearer token for `/v1`; nil leaves `/v1` open (only allowed on loopback).
    public var apiToken: String?
    public var readinessTimeout: Duration

    public init(store: any Store, clock: any WallClock = SystemClock(), apiToken: String?, readinessTimeout: Duration = .seconds(2)) {
        self.store = store
        self.clock = clock
        self.apiToken = apiToken
        self.readinessTimeout = readinessTimeout
    }
}

/// Builds the router with every route of API.md that is implemented, and the middleware around them.
public func buildRouter(_ dependencies: GatewayDependencies) throws -> Router<GatewayRequestContext> {
    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware())
    router.add(middleware: BearerAuthMiddleware(token: dependencies.apiToken, exemptPrefixes: []))

    HealthController<GatewayRequestContext>(
        store: dependencies.store,
        openAPIDocument: try OpenAPIDocument.load(),
        readinessTimeout: dependencies.readinessTimeout
    ).addRoutes(to: router)

    let v1 = router.group("v1")
    let directory = ProjectDirectory(store: dependencies.store, clock: dependencies.clock)
    ContainerController(directory: directory).addRoutes(to: v1)
    return router
}

/// The Hummingbird application around ``buildRouter(_:)``, with the given background services.
/// - Parameters:
///   - dependencies: What the routes use.
///   - configuration: Address and server options.
///   - services: Services that run beside the server (the PostgreSQL client first, so it stops last).
///   - logger: The application logger.
public func buildApplication(
    _ dependencies: GatewayDependencies,
    configuration: ApplicationConfiguration,
    services: [any Service] = [],
    logger: Logger
) throws -> some ApplicationProtocol {
    var app = Application(router: try buildRouter(dependencies), configuration: configuration, logger: logger)
    app.addServices(services)
    let store = dependencies.store
    app.beforeServerStarts { try await store.migrate() }
    return app
}
