/// A versioned schema change, written once per SQL dialect.
///
/// Applied in order and recorded in `vibn_gateway_migrations`; re-running the list is a no-op.
/// The tables of version 1 are the seed's, so the gateway can adopt an existing Vibn database:
/// `CREATE … IF NOT EXISTS` leaves tables that are already there untouched.
struct Migration: Sendable {
    let version: Int
    let name: String
    let postgres: [String]
    let sqlite: [String]
}

enum Migrations {
    /// Every migration, oldest first. Append only: never edit one that has shipped.
    static let all: [Migration] = [
        seedTables, projectSlugAndPreviewToken, lifecycle, autosaveOutcome, turnsAndEvents, durableTurns, devServerRelaunch,
        stateChangedAt, previewTokenIndex, previewChanges, containerServer, ships,
    ]

    static let seedTables = Migration(
        version: 1,
        name: "seed tables fs_project_dev_containers, fs_dev_servers, fs_dev_autosaves",
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS fs_project_dev_containers (
              project_id TEXT PRIMARY KEY, workspace TEXT NOT NULL, service_uuid TEXT NOT NULL,
              image TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'provisioning',
              last_active_at TIMESTAMPTZ NOT NULL DEFAULT now(), suspended_at TIMESTAMPTZ,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now() )
            """,
            "CREATE INDEX IF NOT EXISTS fs_project_dev_containers_ws_idx ON fs_project_dev_containers (workspace)",
            "CREATE INDEX IF NOT EXISTS fs_project_dev_containers_active_idx ON fs_project_dev_containers (last_active_at)",
            """
            CREATE TABLE IF NOT EXISTS fs_dev_servers (
              id TEXT PRIMARY KEY,
              project_id TEXT NOT NULL REFERENCES fs_project_dev_containers(project_id) ON DELETE CASCADE,
              workspace TEXT NOT NULL, name TEXT NOT NULL, command TEXT NOT NULL, port INTEGER NOT NULL,
              pid INTEGER, preview_url TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'starting',
              started_at TIMESTAMPTZ NOT NULL DEFAULT now(), stopped_at TIMESTAMPTZ )
            """,
            "CREATE INDEX IF NOT EXISTS fs_dev_servers_project_idx ON fs_dev_servers (project_id, state)",
            """
            CREATE TABLE IF NOT EXISTS fs_dev_autosaves (
              id BIGSERIAL PRIMARY KEY, project_id TEXT NOT NULL, workspace TEXT NOT NULL, repo TEXT NOT NULL,
              output TEXT, code INTEGER, pushed_at TIMESTAMPTZ NOT NULL DEFAULT now() )
            """,
            "CREATE INDEX IF NOT EXISTS fs_dev_autosaves_project_idx ON fs_dev_autosaves (project_id, pushed_at DESC)",
        ],
        // SQLite keeps the same tables and columns; timestamps are REAL seconds since 1970 (UTC).
        sqlite: [
            """
            CREATE TABLE IF NOT EXISTS fs_project_dev_containers (
              project_id TEXT PRIMARY KEY, workspace TEXT NOT NULL, service_uuid TEXT NOT NULL,
              image TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'provisioning',
              last_active_at REAL NOT NULL DEFAULT \(sqliteNow), suspended_at REAL,
              created_at REAL NOT NULL DEFAULT \(sqliteNow) )
            """,
            "CREATE INDEX IF NOT EXISTS fs_project_dev_containers_ws_idx ON fs_project_dev_containers (workspace)",
            "CREATE INDEX IF NOT EXISTS fs_project_dev_containers_active_idx ON fs_project_dev_containers (last_active_at)",
            """
            CREATE TABLE IF NOT EXISTS fs_dev_servers (
              id TEXT PRIMARY KEY,
              project_id TEXT NOT NULL REFERENCES fs_project_dev_containers(project_id) ON DELETE CASCADE,
              workspace TEXT NOT NULL, name TEXT NOT NULL, command TEXT NOT NULL, port INTEGER NOT NULL,
              pid INTEGER, preview_url TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'starting',
              started_at REAL NOT NULL DEFAULT \(sqliteNow), stopped_at REAL )
            """,
            "CREATE INDEX IF NOT EXISTS fs_dev_servers_project_idx ON fs_dev_servers (project_id, state)",
            """
            CREATE TABLE IF NOT EXISTS fs_dev_autosaves (
              id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL, workspace TEXT NOT NULL,
              repo TEXT NOT NULL, output TEXT, code INTEGER, pushed_at REAL NOT NULL DEFAULT \(sqliteNow) )
            """,
            "CREATE INDEX IF NOT EXISTS fs_dev_autosaves_project_idx ON fs_dev_autosaves (project_id, pushed_at DESC)",
        ]
    )

    static let projectSlugAndPreviewToken = Migration(
        version: 2,
        name: "fs_project_dev_containers.project_slug and preview_token",
        postgres: [
            "ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS project_slug TEXT",
            "ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS preview_token TEXT",
        ],
        sqlite: [
            "ALTER TABLE fs_project_dev_containers ADD COLUMN project_slug TEXT",
            "ALTER TABLE fs_project_dev_containers ADD COLUMN preview_token TEXT",
        ]
    )

    static let lifecycle = Migration(
        version: 3,
        name: "container diagnostics and application uuid; webhook deliveries; Coolify deployments",
        postgres: [
            "ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS blocked_reason TEXT",
            "ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS coolify_status TEXT",
            "ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS application_uuid TEXT",
            "CREATE INDEX IF NOT EXISTS vibn_dev_containers_service_idx ON fs_project_dev_containers (service_uuid)",
            "CREATE TABLE IF NOT EXISTS vibn_webhook_deliveries (digest TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS vibn_coolify_deployments (
              id BIGSERIAL PRIMARY KEY, application_uuid TEXT NOT NULL, deployment_uuid TEXT, project_id TEXT,
              succeeded BOOLEAN NOT NULL, received_at TIMESTAMPTZ NOT NULL )
            """,
        ],
        sqlite: [
            "ALTER TABLE fs_project_dev_containers ADD COLUMN blocked_reason TEXT",
            "ALTER TABLE fs_project_dev_containers ADD COLUMN coolify_status TEXT",
            "ALTER TABLE fs_project_dev_containers ADD COLUMN application_uuid TEXT",
            "CREATE INDEX IF NOT EXISTS vibn_dev_containers_service_idx ON fs_project_dev_containers (service_uuid)",
            "CREATE TABLE IF NOT EXISTS vibn_webhook_deliveries (digest TEXT PRIMARY KEY, expires_at REAL NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS vibn_coolify_deployments (
              id INTEGER PRIMARY KEY AUTOINCREMENT, application_uuid TEXT NOT NULL, deployment_uuid TEXT, project_id TEXT,
              succeeded INTEGER NOT NULL, received_at REAL NOT NULL )
            """,
        ]
    )

    static let autosaveOutcome = Migration(
        version: 4,
        name: "fs_dev_autosaves.commit_sha and ok",
        postgres: [
            "ALTER TABLE fs_dev_autosaves ADD COLUMN IF NOT EXISTS commit_sha TEXT",
            // The seed recorded only attempts it believed pushed, so existing rows count as pushed.
            "ALTER TABLE fs_dev_autosaves ADD COLUMN IF NOT EXISTS ok BOOLEAN NOT NULL DEFAULT TRUE",
        ],
        sqlite: [
            "ALTER TABLE fs_dev_autosaves ADD COLUMN commit_sha TEXT",
            "ALTER TABLE fs_dev_autosaves ADD COLUMN ok INTEGER NOT NULL DEFAULT 1",
        ]
    )

    static let turnsAndEvents = Migration(
        version: 5,
        name: "dev-server failure reason; chat turns; outbound events outbox",
        postgres: [
            "ALTER TABLE fs_dev_servers ADD COLUMN IF NOT EXISTS failure_reason TEXT",
            """
            CREATE TABLE IF NOT EXISTS vibn_chat_turns (
              turn_id TEXT NOT NULL, phase TEXT NOT NULL, project_id TEXT NOT NULL, workspace TEXT NOT NULL,
              received_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (project_id, turn_id, phase) )
            """,
            "CREATE INDEX IF NOT EXISTS vibn_chat_turns_project_idx ON vibn_chat_turns (project_id, received_at)",
            "CREATE INDEX IF NOT EXISTS vibn_chat_turns_received_idx ON vibn_chat_turns (received_at)",
            """
            CREATE TABLE IF NOT EXISTS vibn_outbound_events (
              id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TIMESTAMPTZ NOT NULL,
              delivered_at TIMESTAMPTZ, last_error TEXT )
            """,
            "CREATE INDEX IF NOT EXISTS vibn_outbound_events_due_idx ON vibn_outbound_events (next_attempt_at) WHERE delivered_at IS NULL",
        ],
        sqlite: [
            "ALTER TABLE fs_dev_servers ADD COLUMN failure_reason TEXT",
            """
            CREATE TABLE IF NOT EXISTS vibn_chat_turns (
              turn_id TEXT NOT NULL, phase TEXT NOT NULL, project_id TEXT NOT NULL, workspace TEXT NOT NULL,
              received_at REAL NOT NULL, PRIMARY KEY (project_id, turn_id, phase) )
            """,
            "CREATE INDEX IF NOT EXISTS vibn_chat_turns_project_idx ON vibn_chat_turns (project_id, received_at)",
            "CREATE INDEX IF NOT EXISTS vibn_chat_turns_received_idx ON vibn_chat_turns (received_at)",
            """
            CREATE TABLE IF NOT EXISTS vibn_outbound_events (
              id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
              delivered_at REAL, last_error TEXT )
            """,
            "CREATE INDEX IF NOT EXISTS vibn_outbound_events_due_idx ON vibn_outbound_events (next_attempt_at) WHERE delivered_at IS NULL",
        ]
    )

    /// SQLite's current time as REAL seconds since 1970.
    static let sqliteNow = "((julianday('now') - 2440587.5) * 86400.0)"

    /// The table that records applied versions (same shape on both backends).
    static let ledgerTable = "vibn_gateway_migrations"

    /// The versions of `all` not in `applied`, in order.
    static func pending(applied: Set<Int>) -> [Migration] {
        self.all.filter { !applied.contains($0.version) }
    }
}
