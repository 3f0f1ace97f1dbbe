import Foundation
import GatewayCore
import Logging
import PostgresNIO
import ServiceLifecycle

/// The store on PostgreSQL, selected by `DATABASE_URL`.
///
/// Wraps a `PostgresClient`, which must be running: add the store to the service group first,
/// so that it shuts down last. Values always travel as bound parameters, never as SQL text.
public struct PostgresStore: Store, StateChanges, Service {
    let client: PostgresClient
    let logger: Logger
    /// How long one query may take, waiting for a pooled connection included, before it fails with
    /// `store_unavailable` (so a request never hangs on a database that went away).
    let operationTimeout: Duration
    /// The connection of the transaction this store is a view of; nil: every query takes a pooled connection.
    let transaction: PostgresConnection?

    /// A store on a new client for `configuration`.
    public init(configuration: PostgresClient.Configuration, logger: Logger, operationTimeout: Duration = .seconds(5)) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.operationTimeout = operationTimeout
        self.transaction = nil
    }

    /// `store` as seen inside the transaction on `connection`.
    init(_ store: PostgresStore, transaction connection: PostgresConnection) {
        self.client = store.client
        self.logger = store.logger
        self.operationTimeout = store.operationTimeout
        self.transaction = connection
    }

    /// Runs the connection pool until cancelled or shut down gracefully.
    public func run() async throws {
        await self.client.run()
    }

    public func ping() async throws {
        try await self.query("SELECT 1", logger: self.logger)
    }

    // MARK: Migrations

    /// Key of the advisory lock that serialises migrations across replicas ("vibnmigr").
    static let migrationLockKey: Int64 = 0x7669_626e_6d69_6772

    @discardableResult
    public func pendingMigrations() async throws -> [Int] {
        var exists = false
        for try await found in try await self.query(
            "SELECT to_regclass('vibn_gateway_migrations') IS NOT NULL", logger: self.logger
        ).decode(Bool.self) { exists = found }
        guard exists else { return Migrations.all.map(\.version) }
        var applied = Set<Int>()
        for try await version in try await self.query("SELECT version FROM vibn_gateway_migrations", logger: self.logger).decode(Int.self) {
            applied.insert(version)
        }
        return Migrations.pending(applied: applied).map(\.version)
    }

    public func migrate() async throws -> [Int] {
        let done = try await self.client.withTransaction(logger: self.logger) { connection -> [Int] in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: self.logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS \(Migrations.ledgerTable) (
                      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """),
                logger: self.logger
            )
            var applied = Set<Int>()
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(Migrations.ledgerTable)"), logger: self.logger
            )
            for try await version in rows.decode(Int.self) { applied.insert(version) }
            var done: [Int] = []
            for migration in Migrations.pending(applied: applied) {
                for statement in migration.postgres {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO vibn_gateway_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: self.logger
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
        try await self.records(
            "SELECT \(unescaped: ContainerRow.columns) FROM fs_project_dev_containers WHERE project_id = \(project.rawValue)"
        ).first
    }

    /// Inserts the row unless the project has one.
    func insertReservation(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome {
        let state = reservation.state.rawValue
        let suspendedAt: Date? = reservation.state == .suspended ? now : nil
        let inserted = try await self.records(
            """
            INSERT INTO fs_project_dev_containers
              (project_id, workspace, service_uuid, image, state, last_active_at, suspended_at, created_at,
               project_slug, preview_token, state_changed_at)
            VALUES (\(reservation.projectID.rawValue), \(reservation.workspace.rawValue), '', \(reservation.image),
                    \(state), \(now), \(suspendedAt), \(now),
                    \(reservation.projectSlug.rawValue), \(reservation.previewToken.rawValue), \(now))
            ON CONFLICT (project_id) DO NOTHING
            RETURNING \(unescaped: ContainerRow.columns)
            """
        )
        if let record = inserted.first { return ReservationOutcome(record: record, inserted: true) }
        guard let existing = try await self.container(reservation.projectID) else {
            throw StoreError.vanished(reservation.projectID)
        }
        return ReservationOutcome(record: existing, inserted: false)
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date
    ) async throws -> ContainerRecord? {
        try Self.checkTransition(from: from, to: to)
        let suspendedAt: Date? = to == .suspended ? now : nil
        let lastActive: Date? = to == .running || to == .provisioning ? now : nil
        return try await self.records(
            """
            UPDATE fs_project_dev_containers SET state = \(to.rawValue),
              last_active_at = COALESCE(\(lastActive)::timestamptz, last_active_at),
              suspended_at = \(suspendedAt)::timestamptz, state_changed_at = \(now)
            WHERE project_id = \(project.rawValue) AND state = \(from.rawValue)
            RETURNING \(unescaped: ContainerRow.columns)
            """
        ).first
    }

    public func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord? {
        try await self.records(
            """
            UPDATE fs_project_dev_containers SET service_uuid = \(uuid.rawValue)
            WHERE project_id = \(project.rawValue) AND service_uuid = ''
            RETURNING \(unescaped: ContainerRow.columns)
            """
        ).first
    }

    public func ensurePreviewToken(_ project: ProjectID, candidate: PreviewToken) async throws -> PreviewToken? {
        let rows = try await self.query(
            """
            UPDATE fs_project_dev_containers SET preview_token = COALESCE(NULLIF(preview_token, ''), \(candidate.rawValue))
            WHERE project_id = \(project.rawValue) RETURNING preview_token
            """,
            logger: self.logger
        )
        for try await token in rows.decode(String.self) { return try PreviewToken(validating: token) }
        return nil
    }

    public func touchContainer(_ project: ProjectID, workspace: WorkspaceSlug, at now: Date) async throws -> ContainerRecord? {
        try await self.records(
            """
            UPDATE fs_project_dev_containers SET last_active_at = GREATEST(last_active_at, \(now))
            WHERE project_id = \(project.rawValue) AND workspace = \(workspace.rawValue)
            RETURNING \(unescaped: ContainerRow.columns)
            """
        ).first
    }

    public func containers(in states: Set<ContainerState>) async throws -> [ContainerRecord] {
        guard !states.isEmpty else { return [] }
        let names = states.map(\.rawValue).sorted()
        return try await self.records(
            """
            SELECT \(unescaped: ContainerRow.columns) FROM fs_project_dev_containers
            WHERE state = ANY(\(names)) ORDER BY created_at, project_id
            """
        )
    }

    public func activeContainerCount(workspace: WorkspaceSlug) async throws -> Int {
        try await self.count(
            """
            SELECT COUNT(*)::int FROM fs_project_dev_containers
            WHERE workspace = \(workspace.rawValue) AND state IN ('provisioning', 'running')
            """
        )
    }

    // MARK: Row decoding

    func records(_ query: PostgresQuery) async throws -> [ContainerRecord] {
        let rows = try await self.query(query, logger: self.logger)
        var records: [ContainerRecord] = []
        for try await (project, workspace, uuid, image, state, lastActive, suspended, created, slug, token, stateChanged, server) in rows.decode(
            (String, String, String, String, String, Date, Date?, Date, String?, String?, Date, String).self
        ) {
            records.append(
                try ContainerRow.record(
                    projectID: project, workspace: workspace, serviceUUID: uuid, image: image, state: state,
                    lastActiveAt: lastActive, suspendedAt: suspended, createdAt: created,
                    projectSlug: slug, previewToken: token, stateChangedAt: stateChanged, server: server
                )
            )
        }
        return records
    }
}
