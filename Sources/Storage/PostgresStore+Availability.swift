import GatewayCore
import Logging
import PostgresNIO
import _ConnectionPoolModule

/// A database that went away answers 503 `store_unavailable` (with `Retry-After`), never 500, and a query that waits
/// for a pooled connection gives up after ``PostgresStore/operationTimeout`` instead of hanging.
extension PostgresStore {
    /// Runs `query` on a pooled connection within ``operationTimeout`` (waiting for the connection included).
    /// - Throws: ``GatewayError`` `store_unavailable` when the database cannot be reached in time or the connection
    ///   broke; else what PostgreSQL reported.
    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        if let connection = self.transaction {
            // The transaction as a whole runs within the timeout (``transaction(_:)``).
            do { return try await connection.query(query, logger: logger) } catch { throw Self.unavailability(error) ?? error }
        }
        let client = self.client
        do {
            // A query already sent does not stop when cancelled: the caller gives up at the deadline without waiting.
            return try await withDeadlineNotWaiting(self.operationTimeout) { try await client.query(query, logger: logger) }
        } catch {
            throw Self.unavailability(error) ?? error
        }
    }

    /// The domain error for a failure that means the database is out of reach; nil for any other failure.
    static func unavailability(_ error: any Error) -> GatewayError? {
        switch error {
        case let error as DeadlineExceeded:
            return .storeUnavailable("PostgreSQL did not answer within \(error.limit)")
        case is ConnectionPoolError:
            return .storeUnavailable("no PostgreSQL connection could be had (\(error))")
        case let error as PSQLError:
            switch error.code {
            case .clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
                return .storeUnavailable("the PostgreSQL connection was lost (\(error.code))")
            case .server:
                // Class 08 (connection exception), 53 (insufficient resources), 57P0x (shutdown, cannot connect now).
                let state = error.serverInfo?[.sqlState] ?? ""
                guard state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") else { return nil }
                return .storeUnavailable("PostgreSQL refused the work (SQLSTATE \(state))")
            default:
                return nil
            }
        default:
            return nil
        }
    }
}
