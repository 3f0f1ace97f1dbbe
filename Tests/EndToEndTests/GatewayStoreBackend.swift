import Foundation
import GatewayTestSupport
import Subprocess

/// Where the gateway under test keeps its state: its own SQLite file, or a fresh database on the PostgreSQL
/// that scripts/test starts (never the shared one, whose rows belong to other tests).
enum GatewayStoreBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    var description: String { self.rawValue }

    /// Runs `body` with the gateway's store settings (`VIBN_SQLITE_PATH` or `DATABASE_URL`); a PostgreSQL
    /// database is created first and dropped afterwards.
    func withSettings<T: Sendable>(work: URL, _ body: ([String: String]) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await body(["VIBN_SQLITE_PATH": work.appendingPathComponent("gateway.sqlite").path])
        case .postgres:
            let environment = ProcessInfo.processInfo.environment
            let host = try TestEnvironment.require("POSTGRES_HOSTNAME", for: "PostgreSQL (scripts/lib/postgres.sh)")
            let port = environment["POSTGRES_PORT"] ?? "5432"
            let user = environment["POSTGRES_USER"] ?? "postgres"
            let database = "vibn_e2e_" + UUID().uuidString.prefix(8).lowercased()
            let connection = ["-h", host, "-p", port, "-U", user]
            try await Self.run("createdb", connection + [database])
            let result: Result<T, any Error>
            do {
                result = .success(try await body(["DATABASE_URL": "postgres://\(user)@\(host):\(port)/\(database)?sslmode=disable"]))
            } catch {
                result = .failure(error)
            }
            try await Self.run("dropdb", connection + ["--force", database])
            return try result.get()
        }
    }

    /// Runs a PostgreSQL client program; a failure throws with its standard error.
    static func run(_ program: String, _ arguments: [String]) async throws {
        let outcome = try await Subprocess.run(
            .name(program), arguments: Arguments(arguments), output: .discarded, error: .string(limit: 1 << 16)
        )
        guard case .exited(0) = outcome.terminationStatus else {
            throw EndToEndFailure(description: "\(program) \(arguments.joined(separator: " ")) failed: \(outcome.standardError ?? "")")
        }
    }
}
