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
        let applied = try await self.storeOptions.withStore(logger: logger) { store in try await store.migrate() }
        print(applied.isEmpty ? "Schema is up to date." : "Applied migrations: \(applied.map(String.init).joined(separator: ", ")).")
    }
}
