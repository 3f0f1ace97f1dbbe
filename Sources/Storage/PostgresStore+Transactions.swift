import Foundation
import GatewayCore
import PostgresNIO

/// Transactions on PostgreSQL: one pooled connection, `BEGIN` … `COMMIT` (`ROLLBACK` when the body throws), the whole
/// within ``PostgresStore/operationTimeout``.
extension PostgresStore: TransactionalStore {
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (any GatewayStore) async throws -> T) async throws -> T {
        try await self.transaction { store in try await body(store) }
    }

    /// Runs `body` on a view of this store inside one transaction; inside a transaction already, `body` joins it.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresStore) async throws -> T) async throws -> T {
        if self.transaction != nil { return try await body(self) }
        let (client, logger, store) = (self.client, self.logger, self)
        do {
            return try await withDeadlineNotWaiting(self.operationTimeout) {
                try await client.withTransaction(logger: logger) { connection in
                    try await body(PostgresStore(store, transaction: connection))
                }
            }
        } catch let error as PostgresTransactionError {
            // What the body threw is the error; only a failed BEGIN, COMMIT or ROLLBACK is the database's.
            if let thrown = error.closureError { throw thrown }
            let failure: any Error = error.beginError ?? error.commitError ?? error
            throw Self.unavailability(failure) ?? failure
        } catch {
            throw Self.unavailability(error) ?? error
        }
    }

    /// Holds the workspace's quota lock until the transaction ends, so checking the quota and reserving a row is one step.
    func lockQuota(of workspace: WorkspaceSlug) async throws {
        try await self.query("SELECT pg_advisory_xact_lock(hashtextextended(\(workspace.rawValue), 0))", logger: self.logger)
    }
}

extension PostgresStore {
    /// The single integer a `SELECT count(*)` query answers.
    func count(_ query: PostgresQuery) async throws -> Int {
        let rows = try await self.query(query, logger: self.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
