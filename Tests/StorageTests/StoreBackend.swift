import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import PostgresNIO
import Storage
import Testing

/// The two store implementations; every store test runs against both.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { self.rawValue }

    static let logger = Logger(label: "store-tests")

    /// Runs `body` with a migrated store of this backend, then releases it.
    func withStore(_ body: (any GatewayStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-store-\(UUID().uuidString).sqlite").path
            let store = try await SQLiteStore.open(path: path, logger: Self.logger)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await store.migrate()
            do {
                try await body(store)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        case .postgres:
            try await PostgresTestServer.withStore(database: PostgresTestServer.database) { store in
                try await store.migrate()
                try await body(store)
            }
        }
    }
}

/// The PostgreSQL that `scripts/test` starts, read from `POSTGRES_*` like postgres-nio's own tests.
/// A test that needs it and cannot reach it fails; it is never skipped.
enum PostgresTestServer {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var database: String { environment["POSTGRES_DB"] ?? "postgres" }

    static func configuration(database: String) throws -> PostgresClient.Configuration {
        PostgresClient.Configuration(
            host: try TestEnvironment.require("POSTGRES_HOSTNAME", for: "PostgreSQL"),
            port: environment["POSTGRES_PORT"].flatMap(Int.init) ?? 5432,
            username: environment["POSTGRES_USER"] ?? "postgres",
            password: environment["POSTGRES_PASSWORD"],
            database: database,
            tls: .disable
        )
    }

    /// Runs `body` with a store on `database`, its client running for the duration.
    static func withStore(database: String, _ body: (PostgresStore) async throws -> Void) async throws {
        // A long deadline: these tests check what the store does, not how it sheds load (StoreOutageTests does).
        let store = PostgresStore(
            configuration: try configuration(database: database), logger: StoreBackend.logger, operationTimeout: .seconds(60)
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await body(store)
        }
    }

    /// Runs `body` on a client of the server's default database (for creating and dropping databases).
    static func withAdminClient(_ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: try configuration(database: database), backgroundLogger: StoreBackend.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }

    /// Runs `body` with the name of a new, empty database, dropped afterwards.
    static func withFreshDatabase(_ body: (String) async throws -> Void) async throws {
        let name = "vibn_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await withAdminClient { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        do {
            try await body(name)
        } catch {
            try? await withAdminClient { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
            throw error
        }
        try await withAdminClient { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
    }
}

/// A project id no other test uses.
func uniqueProject() -> ProjectID {
    ProjectID(trusted: "p_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased())
}

/// A workspace slug no other test uses.
func uniqueWorkspace() -> WorkspaceSlug {
    WorkspaceSlug(trusted: "ws-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())
}
