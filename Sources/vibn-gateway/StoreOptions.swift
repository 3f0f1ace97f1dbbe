import ArgumentParser
import Foundation
import GatewayCore
import GatewayServer
import Logging
import ServiceLifecycle
import Storage

/// Where state is kept: PostgreSQL when a database URL is set, else an SQLite file.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL, postgres://user:password@host:port/db[?sslmode=disable|prefer|require]. Unset: the SQLite file. (env: DATABASE_URL)")
    var databaseURL: String?

    @Option(help: "SQLite database file, used when no database URL is set; created with its folder on first start. (env: VIBN_SQLITE_PATH, default: ./data/vibn-gateway.sqlite)")
    var sqlitePath: String?

    @Option(help: "Seconds a store operation (waiting for a PostgreSQL connection included) and /readyz may take before answering 503 store_unavailable. (env: VIBN_STORE_TIMEOUT, default: 5)")
    var storeTimeout: Int?

    /// `--store-timeout`, else `VIBN_STORE_TIMEOUT`, else 5 seconds (1–60).
    /// - Throws: `ValidationError` outside that range.
    func timeout() throws -> Duration {
        let seconds = try Setting.integer(self.storeTimeout, env: "VIBN_STORE_TIMEOUT", default: 5)
        guard (1...60).contains(seconds) else { throw ValidationError("VIBN_STORE_TIMEOUT=\(seconds) must be 1-60 seconds") }
        return .seconds(seconds)
    }

    /// The SQLite file (used when no database URL is set).
    var sqliteFile: String {
        Setting.string(self.sqlitePath, env: "VIBN_SQLITE_PATH", default: "./data/vibn-gateway.sqlite")
    }

    /// The gateway's state directory: the SQLite file's folder (also with PostgreSQL), where files that must outlive a
    /// restart are kept, such as SSH host keys learned on first contact.
    var stateDirectory: String {
        let folder = (self.sqliteFile as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Where the store is: PostgreSQL when a database URL is set, else the SQLite file.
    /// - Throws: `ValidationError` for a malformed URL or timeout.
    func location() throws -> StoreLocation {
        guard let url = Setting.string(self.databaseURL, env: "DATABASE_URL") else { return .sqlite(path: self.sqliteFile) }
        return .postgres(try DatabaseURL.configuration(url), operationTimeout: try self.timeout())
    }

    /// Runs `body` with the store (and its PostgreSQL pool running), then releases it, also on failure.
    func withStore<T: Sendable>(logger: Logger, _ body: (any GatewayStore) async throws -> T) async throws -> T {
        try await self.location().withStore(logger: logger, body)
    }
}

/// Logging options shared by every subcommand.
struct LogOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (env: LOG_LEVEL, default: info)")
    var logLevel: String?

    @Option(help: "Log format: text (readable lines) or json (one JSON object per line: timestamp, level, label, message, source, metadata). (env: LOG_FORMAT, default: text)")
    var logFormat: String?

    /// Sets up logging to standard error and returns the root logger.
    func bootstrap(label: String) throws -> Logger {
        let name = Setting.string(self.logLevel, env: "LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: name) else {
            throw ValidationError("log level '\(name)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        switch Setting.string(self.logFormat, env: "LOG_FORMAT", default: "text") {
        case "text":
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case "json":
            LoggingSystem.bootstrap { label in JSONLogHandler.standardError(label: label, level: level) }
        case let other:
            throw ValidationError("log format '\(other)' is not text or json")
        }
        return Logger(label: label)
    }
}
