import ArgumentParser
import GatewayCore
import GatewayHTTP
import Hummingbird
import Logging
import ServiceLifecycle
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

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
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

        let (store, storeService) = try await self.storeOptions.makeStore(logger: logger)
        let app = try buildApplication(
            GatewayDependencies(store: store, apiToken: token),
            configuration: .init(address: .hostname(host, port: port), serverName: "vibn-gateway"),
            services: storeService.map { [$0] } ?? [],
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        if let sqlite = store as? SQLiteStore { try await sqlite.close() }
    }

    /// Whether `host` is a loopback address.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
