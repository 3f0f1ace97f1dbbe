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
    /// Runs the gateway; the store and the SSH connection are closed when it stops.
    /// - Throws: A setting an adapter refuses, or what the server throws.
    public static func run(_ configuration: ServerConfiguration, logger: Logger) async throws {
        let shell = try configuration.ssh.map { try SSHExec($0) }
        do {
            try await self.serve(configuration, shell: shell, logger: logger)
        } catch {
            await shell?.close()
            throw error
        }
        await shell?.close()
    }

    /// Opens the store and the other adapters on `shell`, and serves until a shutdown signal.
    static func serve(_ configuration: ServerConfiguration, shell: SSHExec?, logger: Logger) async throws {
        let (store, storeService) = try await configuration.store.open(logger: logger)
        try await StoreLocation.releasing(store) {
            let previewRoutes = TraefikConfigPublisher(
                store: store, builder: configuration.traefik, directory: configuration.traefikDirectory, logger: logger
            )
            // With GATEWAY_EVENTS_URL, state changes go to the outbox, which delivers them to the chat backend.
            let outbox = configuration.outbox.map { OutboxDeliverer(store: store, settings: $0, logger: logger) }
            let gateway = Self.gateway(configuration, store: store, shell: shell, previewRoutes: previewRoutes, outbox: outbox, logger: logger)
            var adapterServices: [any Service] = storeService.map { [$0] } ?? []
            adapterServices.append(previewRoutes)
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
        _ configuration: ServerConfiguration, store: any GatewayStore, shell: SSHExec?, previewRoutes: (any PreviewRoutesSource)?,
        outbox: OutboxDeliverer?, logger: Logger
    ) -> Gateway {
        let ports = GatewayPorts(
            store: store,
            orchestrator: configuration.coolify.map { CoolifyOrchestrator(client: CoolifyClient(configuration: $0, logger: logger)) },
            shell: shell,
            renderer: configuration.composeTemplate,
            previewRoutes: previewRoutes,
            events: outbox?.recorder
        )
        var settings = configuration.core
        settings.lifecycle.sshConfigured = shell != nil
        return Gateway(ports: ports, settings: settings, logger: logger)
    }

    /// Runs `body` with the ``Gateway`` `serve` would build, without serving HTTP or running its background services:
    /// the store is migrated first; state changes record their outbound events in the outbox, which a serving
    /// replica delivers; preview routes follow through the store's change notes. For the commands an operator runs
    /// beside the servers (`sweep`, `status`, `events retry`).
    public static func withGateway<T: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger, _ body: (Gateway) async throws -> T
    ) async throws -> T {
        let shell = try configuration.ssh.map { try SSHExec($0) }
        let result: Result<T, any Error>
        do {
            result = .success(try await configuration.store.withStore(logger: logger) { store in
                try await store.migrate()
                let outbox = configuration.outbox.map { OutboxDeliverer(store: store, settings: $0, logger: logger) }
                return try await body(Self.gateway(configuration, store: store, shell: shell, previewRoutes: nil, outbox: outbox, logger: logger))
            })
        } catch {
            result = .failure(error)
        }
        await shell?.close()
        return try result.get()
    }
}
