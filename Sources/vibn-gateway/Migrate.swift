import ArgumentParser
import GatewayCore
import Storage

/// `vibn-gateway migrate`: applies pending schema migrations and exits; a no-op when none are pending.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Applies pending database migrations (serve also does this at start)."
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
        let logger = try self.logOptions.bootstrap(label: "vibn-gateway.migrate")
        let (store, service) = try await self.storeOptions.makeStore(logger: logger)
        let applied = try await withThrowingTaskGroup(of: Void.self) { group in
            if let service { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            return try await store.migrate()
        }
        if let sqlite = store as? SQLiteStore { try await sqlite.close() }
        print(applied.isEmpty ? "Schema is up to date." : "Applied migrations: \(applied.map(String.init).joined(separator: ", ")).")
    }
}
