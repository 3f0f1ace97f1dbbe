import Foundation
import GatewayCore
import Logging
import SQLiteNIO

/// The embedded default store: one SQLite file, created with its folder on first use.
///
/// Every state change is a single conditional statement, so the one connection's statement-level atomicity is what
/// makes compare-and-set safe. Statements take turns on the connection (``lock``), so a transaction's statements run
/// with no other caller's in between.
public final class SQLiteStore: Store, StateChanges {
    let connection: SQLiteConnection
    let logger: Logger
    /// Held by each statement, and by a transaction from its `BEGIN` to its `COMMIT`.
    let lock: ConnectionLock
    /// Whether this is the view of a transaction (whose statements run under the transaction's hold of ``lock``).
    let inTransaction: Bool

    init(connection: SQLiteConnection, logger: Logger, lock: ConnectionLock = ConnectionLock(), inTransaction: Bool = false) {
        self.connection = connection
        self.logger = logger
        self.lock = lock
        self.inTransaction = inTransaction
    }

    /// Opens (and creates when missing) the database file at `path`.
    /// - Parameters:
    ///   - path: The file; its parent directory is created when missing. `:memory:` opens a private in-memory database.
    ///   - logger: Where the store logs.
    public static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        let storage: SQLiteConnection.Storage
        if path == ":memory:" {
            storage = .memory
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            storage = .file(path: path)
        }
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        // WAL lets `migrate` or a second reader run beside `serve`; the busy timeout makes them wait, not fail.
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON"] {
            _ = try await connection.query(pragma, [])
        }
        return SQLiteStore(connection: connection, logger: logger)
    }

    /// Closes the connection; the store cannot be used afterwards.
    public func close() async throws {
        try await self.connection.close()
    }

    public func ping() async throws {
        _ = try await self.run("SELECT 1", [])
    }

    // MARK: Migrations

    @discardableResult
    public func pendingMigrations() async throws -> [Int] {
        let ledger = try await self.run("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(Migrations.ledgerTable)])
        guard !ledger.isEmpty else { return Migrations.all.map(\.version) }
        let rows = try await self.run("SELECT version FROM \(Migrations.ledgerTable)", [])
        return Migrations.pending(applied: Set(rows.compactMap { $0.column("version")?.integer })).map(\.version)
    }

    public func migrate() async throws -> [Int] {
        let ledger = Migrations.ledgerTable
        // BEGIN IMMEDIATE takes the write lock, so a second process waits and then sees the versions applied.
        let done = try await self.transaction { store in
            _ = try await store.run(
                "CREATE TABLE IF NOT EXISTS \(ledger) (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)", []
            )
            let rows = try await store.run("SELECT version FROM \(ledger)", [])
            let applied = Set(rows.compactMap { $0.column("version")?.integer }.map { Int($0) })
            var done: [Int] = []
            for migration in Migrations.pending(applied: applied) {
                for statement in migration.sqlite {
                    _ = try await store.run(statement, [])
                }
                _ = try await store.run(
                    "INSERT INTO \(ledger) (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(migration.version), .text(migration.name), .float(Date().timeIntervalSince1970)]
                )
                done.append(migration.version)
            }
            return done
        }
        if !done.isEmpty { self.logger.info("applied migrations", metadata: ["store.migrations": "\(done)"]) }
        return done
    }

    // MARK: Containers

    public func container(_ project: ProjectID) async throws -> ContainerRecord? {
        let rows = try await self.run(
            "SELECT \(ContainerRow.columns) FROM fs_project_dev_containers WHERE project_id = ?", [.text(project.rawValue)]
        )
        return try rows.first.map(Self.record)
    }

    /// Inserts the row unless the project has one.
    func insertReservation(_ reservation: ContainerReservation, on server: ServerName = .default, at now: Date) async throws -> ReservationOutcome {
        let inserted = try await self.run(
            """
            INSERT INTO fs_project_dev_containers
              (project_id, workspace, service_uuid, image, state, last_active_at, suspended_at, created_at,
               project_slug, preview_token, state_changed_at, server)
            VALUES (?1, ?2, '', ?3, ?4, ?5, CASE WHEN ?4 = 'suspended' THEN ?5 END, ?5, ?6, ?7, ?5, ?8)
            ON CONFLICT (project_id) DO NOTHING
            RETURNING \(ContainerRow.columns)
            """,
            [
                .text(reservation.projectID.rawValue), .text(reservation.workspace.rawValue),
                .text(reservation.image), .text(reservation.state.rawValue), .float(now.timeIntervalSince1970),
                .text(reservation.projectSlug.rawValue), .text(reservation.previewToken.rawValue), .text(server.rawValue),
            ]
        )
        if let row = inserted.first {
            return ReservationOutcome(record: try Self.record(row), inserted: true)
        }
        guard let existing = try await self.container(reservation.projectID) else {
            throw StoreError.vanished(reservation.projectID)
        }
        return ReservationOutcome(record: existing, inserted: false)
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date
    ) async throws -> ContainerRecord? {
        try Self.checkTransition(from: from, to: to)
        let rows = try await self.run(
            """
            UPDATE fs_project_dev_containers SET state = ?1,
              last_active_at = CASE WHEN ?1 IN ('running', 'provisioning') THEN ?3 ELSE last_active_at END,
              suspended_at = CASE WHEN ?1 = 'suspended' THEN ?3 END, state_changed_at = ?3
            WHERE project_id = ?2 AND state = ?4
            RETURNING \(ContainerRow.columns)
            """,
            [.text(to.rawValue), .text(project.rawValue), .float(now.timeIntervalSince1970), .text(from.rawValue)]
        )
        return try rows.first.map(Self.record)
    }

    public func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord? {
        let rows = try await self.run(
            """
            UPDATE fs_project_dev_containers SET service_uuid = ?1
            WHERE project_id = ?2 AND service_uuid = '' RETURNING \(ContainerRow.columns)
            """,
            [.text(uuid.rawValue), .text(project.rawValue)]
        )
        return try rows.first.map(Self.record)
    }

    public func ensurePreviewToken(_ project: ProjectID, candidate: PreviewToken) async throws -> PreviewToken? {
        let rows = try await self.run(
            """
            UPDATE fs_project_dev_containers SET preview_token = COALESCE(NULLIF(preview_token, ''), ?1)
            WHERE project_id = ?2 RETURNING preview_token
            """,
            [.text(candidate.rawValue), .text(project.rawValue)]
        )
        return try rows.first?.column("preview_token")?.string.map { try PreviewToken(validating: $0) }
    }

    public func touchContainer(_ project: ProjectID, workspace: WorkspaceSlug, at now: Date) async throws -> ContainerRecord? {
        let rows = try await self.run(
            """
            UPDATE fs_project_dev_containers SET last_active_at = MAX(last_active_at, ?1) WHERE project_id = ?2 AND workspace = ?3
            RETURNING \(ContainerRow.columns)
            """,
            [.float(now.timeIntervalSince1970), .text(project.rawValue), .text(workspace.rawValue)]
        )
        return try rows.first.map(Self.record)
    }

    public func containers(in states: Set<ContainerState>) async throws -> [ContainerRecord] {
        guard !states.isEmpty else { return [] }
        let ordered = states.map(\.rawValue).sorted()
        let placeholders = Array(repeating: "?", count: ordered.count).joined(separator: ", ")
        let rows = try await self.run(
            "SELECT \(ContainerRow.columns) FROM fs_project_dev_containers WHERE state IN (\(placeholders)) ORDER BY created_at, project_id",
            ordered.map { .text($0) }
        )
        return try rows.map(Self.record)
    }

    public func activeContainerCount(workspace: WorkspaceSlug) async throws -> Int {
        try await self.count(
            "SELECT COUNT(*) AS count FROM fs_project_dev_containers WHERE workspace = ? AND state IN ('provisioning', 'running')",
            [.text(workspace.rawValue)]
        )
    }

    // MARK: Row decoding

    static func record(_ row: SQLiteRow) throws -> ContainerRecord {
        func text(_ name: String) -> String { row.column(name)?.string ?? "" }
        func date(_ name: String) -> Date? {
            row.column(name)?.double.map(Date.init(timeIntervalSince1970:))
        }
        return try ContainerRow.record(
            projectID: text("project_id"), workspace: text("workspace"), serviceUUID: text("service_uuid"),
            image: text("image"), state: text("state"),
            lastActiveAt: date("last_active_at") ?? .distantPast, suspendedAt: date("suspended_at"),
            createdAt: date("created_at") ?? .distantPast,
            projectSlug: row.column("project_slug")?.string, previewToken: row.column("preview_token")?.string,
            stateChangedAt: date("state_changed_at") ?? .distantPast, server: row.column("server")?.string ?? ServerName.default.rawValue
        )
    }
}
