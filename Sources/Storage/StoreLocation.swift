import GatewayCore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Where the gateway keeps its state: an SQLite file (the default) or a PostgreSQL database.
public enum StoreLocation: Sendable {
    /// The embedded SQLite file, created with its folder on first open.
    case sqlite(path: String)
    /// A PostgreSQL database; each operation (waiting for a connection included) is bounded by `operationTimeout`.
    case postgres(PostgresClient.Configuration, operationTimeout: Duration)

    /// Opens the store.
    /// - Returns: The store, and the service that must run for it to work (the PostgreSQL pool), if any.
    public func open(logger: Logger) async throws -> (store: any GatewayStore, service: PostgresStore?) {
        switch self {
        case .postgres(let configuration, let timeout):
            let store = PostgresStore(configuration: configuration, logger: logger, operationTimeout: timeout)
            return (store, store)
        case .sqlite(let path):
            logger.info("using SQLite", metadata: ["store.path": "\(path)"])
            return (try await SQLiteStore.open(path: path, logger: logger), nil)
        }
    }

    /// Runs `body` with the opened store (and its PostgreSQL pool running), then releases it, also on failure.
    public func withStore<T: Sendable>(logger: Logger, _ body: (any GatewayStore) async throws -> T) async throws -> T {
        let (store, service) = try await self.open(logger: logger)
        return try await Self.releasing(store) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let service { group.addTask { try await service.run() } }
                defer { group.cancelAll() }
                return try await body(store)
            }
        }
    }

    /// Runs `body`, then closes `store` when it is an SQLite file (whose connection must be closed), also on failure.
    public static func releasing<T>(_ store: any GatewayStore, _ body: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        if let sqlite = store as? SQLiteStore { try await sqlite.close() }
        return try result.get()
    }
}
