import Coolify
import Events
import GatewayCore
import GatewayHTTP
import Hummingbird
import Logging
import PreviewConfig
import ServiceLifecycle
import SSHExec
import Storage
import UnixSignals

/// The composition root of `serve`: opens every adapter from the configuration, builds the ``Gateway`` on them and
/// serves it until SIGTERM or SIGINT.
public enum GatewayServer {
    /// Runs the gateway; the store and the SSH connections are closed when it stops.
    /// - Throws: A setting an adapter refuses, or what the server throws.
    public static func run(_ configuration: ServerConfiguration, logger: Logger) async throws {
        let (store, storeService) = try await configuration.store.open(logger: logger)
        try await StoreLocation.releasing(store) {
            let servers = try ServerConnections(configuration.servers, store: store)
            do {
                try await self.serve(configuration, store: store, storeService: storeService, servers: servers, logger: logger)
            } catch {
                await servers.close()
                throw error
            }
            await servers.close()
        }
    }

    /// Builds the gateway on the opened store and servers, and serves until a shutdown signal.
    static func serve(
        _ configuration: ServerConfiguration, store: any GatewayStore, storeService: (any Service)?, servers: ServerConnections, logger: Logger
    ) async throws {
        do {
            let previewRoutes = TraefikConfigPublisher(
                store: store, builder: configuration.traefik, directory: configuration.traefikDirectory, logger: logger
            )
            // With GATEWAY_EVENTS_URL, state changes go to the outbox, which delivers them to the chat backend.
            let outbox = configuration.outbox.map { OutboxDeliverer(store: store, settings: $0, logger: logger) }
            let gateway = Self.gateway(configuration, store: store, servers: servers, previewRoutes: previewRoutes, outbox: outbox, logger: logger)
            var adapterServices: [any Service] = storeService.map { [$0] } ?? []
            adapterServices.append(previewRoutes)
            if configuration.servers.file != nil { adapterServices.append(ServerListReloader(connections: servers, logger: logger)) }
            if let outbox { adapterServices.append(outbox) }
            if let metricsURL = configuration.traefikMetricsURL {
                adapterServices.append(TraefikTrafficWatcher(metricsURL: metricsURL, store: store, logger: logger))
            }
            // The status page runs the doctor on this store, with a quiet logger (its findings are on the page).
            let doctor = DoctorResults { [quiet = Logger(label: "vibn-gateway.doctor", factory: { _ in SwiftLogNoOpLogHandler() })] in
                await Doctor.run(configuration, store: store, logger: quiet)
            }
            let app = try buildApplication(
                gateway, http: configuration.http,
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vibn-gateway"),
                connectionLimits: configuration.connectionLimits, services: adapterServices, doctor: doctor, logger: logger
            )
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        }
    }

    /// The ``Gateway`` on the opened adapters.
    static func gateway(
        _ configuration: ServerConfiguration, store: any GatewayStore, servers: ServerConnections, previewRoutes: (any PreviewRoutesSource)?,
        outbox: OutboxDeliverer?, logger: Logger
    ) -> Gateway {
        let ports = GatewayPorts(
            store: store,
            orchestrator: configuration.coolify.map {
                CoolifyOrchestrator(client: CoolifyClient(configuration: $0, logger: logger), servers: servers.coolify)
            },
            shell: servers.shells,
            renderer: configuration.composeTemplate,
            previewRoutes: previewRoutes,
            events: outbox?.recorder,
            servers: servers.fleet
        )
        var settings = configuration.core
        settings.lifecycle.sshConfigured = servers.sshConfigured
        return Gateway(ports: ports, settings: settings, logger: logger)
    }

    /// Runs `body` with the ``Gateway`` `serve` would build, without serving HTTP or running its background services:
    /// the store is migrated first; state changes record their outbound events in the outbox, which a serving
    /// replica delivers; preview routes follow through the store's change notes. For the commands an operator runs
    /// beside the servers (`sweep`, `status`, `events retry`).
    public static func withGateway<T: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger, _ body: (Gateway) async throws -> T
    ) async throws -> T {
        try await configuration.store.withStore(logger: logger) { store in
            try await store.migrate()
            let servers = try ServerConnections(configuration.servers, store: store)
            let outbox = configuration.outbox.map { OutboxDeliverer(store: store, settings: $0, logger: logger) }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(Self.gateway(configuration, store: store, servers: servers, previewRoutes: nil, outbox: outbox, logger: logger)))
            } catch {
                result = .failure(error)
            }
            await servers.close()
            return try result.get()
        }
    }
}
