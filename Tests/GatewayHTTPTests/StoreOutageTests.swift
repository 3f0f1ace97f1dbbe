import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Storage
import Testing

/// PostgreSQL going away (restarted, hanging, gone) answers 503 `store_unavailable` with `Retry-After`, never 500,
/// and a request gives up within the store's deadline instead of hanging.
@Suite("A PostgreSQL outage answers 503 store_unavailable", .timeLimit(.minutes(3)))
struct StoreOutageTests {
    static let path = "/v1/workspaces/acme/projects/proj_1/container"

    @Test("a restart cuts every connection: the next requests answer 200 or 503 with Retry-After, never 500")
    func connectionsCut() async throws {
        let relay = try TCPRelay(.forward(port: Self.postgresPort))
        defer { relay.stop() }
        try await Self.withGateway(postgresPort: relay.port) { client in
            #expect(try await client.execute(uri: Self.path, method: .get, headers: TestApp.authorized).status == .ok)
            for _ in 0..<3 {
                relay.cut()
                for _ in 0..<5 {
                    let response = try await client.execute(uri: Self.path, method: .get, headers: TestApp.authorized)
                    #expect(response.status == .ok || response.status == .serviceUnavailable, "never \(response.status)")
                    if response.status == .serviceUnavailable { try Self.checkUnavailable(response) }
                }
            }
            #expect(try await client.execute(uri: Self.path, method: .get, headers: TestApp.authorized).status == .ok)
        }
    }

    @Test("a database that accepts and never answers, or a closed port: 503 within the deadline, not a hang",
          .timeLimit(.minutes(1)), arguments: [true, false])
    func unreachable(blackHole: Bool) async throws {
        let relay = try TCPRelay(.blackHole)
        let port = relay.port
        if !blackHole { relay.stop() }
        defer { relay.stop() }
        try await Self.withGateway(postgresPort: port, migrate: false) { client in
            for uri in [Self.path, "/readyz"] {
                let started = ContinuousClock.now
                let response = try await client.execute(uri: uri, method: .get, headers: TestApp.authorized)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                try Self.checkUnavailable(response)
                // The deadline is 1 s; 10 s only tells a bounded wait from a hang (PostgresNIO's own wait is 60 s).
                #expect(ContinuousClock.now - started < .seconds(10), "\(uri) gave up in \(ContinuousClock.now - started)")
            }
        }
    }

    static func checkUnavailable(_ response: TestResponse) throws {
        #expect(try response.errorBody().error.code == "store_unavailable")
        #expect(response.headers[.retryAfter].flatMap(Int.init) != nil)
    }

    // MARK: Fixture

    static var postgresPort: Int { ProcessInfo.processInfo.environment["POSTGRES_PORT"].flatMap(Int.init) ?? 5432 }

    /// Runs `body` against a gateway whose PostgreSQL store connects through `postgresPort` with a 1 s deadline.
    static func withGateway(postgresPort: Int, migrate: Bool = true, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = PostgresClient.Configuration(
            host: try TestEnvironment.require("POSTGRES_HOSTNAME", for: "PostgreSQL"), port: postgresPort,
            username: environment["POSTGRES_USER"] ?? "postgres", password: environment["POSTGRES_PASSWORD"],
            database: environment["POSTGRES_DB"] ?? "postgres", tls: .disable
        )
        configuration.options.connectTimeout = .seconds(30)
        let logger = Logger(label: "store-outage")
        let store = PostgresStore(configuration: configuration, logger: logger, operationTimeout: .seconds(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            if migrate { try await store.migrate() }
            let router = try buildRouter(
                Gateway.testing(store: store, logger: logger), http: HTTPSettings(apiToken: TestApp.token, readinessTimeout: .seconds(1))
            )
            try await Application(router: router, logger: logger).test(.router, body)
        }
    }
}
