import Foundation
import GatewayCore
import SQLiteNIO

/// Transactions on SQLite: the one connection is held from `BEGIN IMMEDIATE` to `COMMIT` (`ROLLBACK` when the body
/// throws), so no other caller's statement runs inside it.
extension SQLiteStore: TransactionalStore {
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (any GatewayStore) async throws -> T) async throws -> T {
        try await self.transaction { store in try await body(store) }
    }

    /// Runs `body` on a view of this store inside one transaction; inside a transaction already, `body` joins it.
    /// The body must make every store call through the view it is given (a call on this store would wait for the
    /// transaction to end).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (SQLiteStore) async throws -> T) async throws -> T {
        if self.inTransaction { return try await body(self) }
        let view = SQLiteStore(connection: self.connection, logger: self.logger, lock: self.lock, inTransaction: true)
        return try await self.lock.withLock {
            _ = try await self.connection.query("BEGIN IMMEDIATE", [])
            do {
                let result = try await body(view)
                _ = try await self.connection.query("COMMIT", [])
                return result
            } catch {
                _ = try? await self.connection.query("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Runs one statement: alone on the connection, or as part of this view's transaction.
    func run(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        if self.inTransaction { return try await self.connection.query(sql, binds) }
        return try await self.lock.withLock { try await self.connection.query(sql, binds) }
    }

    /// The single integer a `SELECT count(*) AS count` statement answers.
    func count(_ sql: String, _ binds: [SQLiteData] = []) async throws -> Int {
        try await self.run(sql, binds).first?.column("count")?.integer ?? 0
    }
}

/// The turn on the one connection: taken by each statement, and by a transaction from `BEGIN` to `COMMIT`.
typealias ConnectionLock = KeyedLocks<Int>

extension KeyedLocks where Key == Int {
    /// Runs `body` while holding the connection.
    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        try await self.withLock(0, body)
    }
}
