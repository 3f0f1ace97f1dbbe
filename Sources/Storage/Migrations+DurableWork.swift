extension Migrations {
    /// Chat turns become the queue: a claimed turn stays pending (`applied_at` null) until its work is done, with
    /// what the work needs (the slug), how often it was tried and how it ended; Coolify webhook deliveries likewise
    /// stay pending, with their event, until applied. A project's turns, autosaves and
    /// dev-server starts are each done by one replica at a time under a lease (one per project and purpose). Turns
    /// claimed before this version were applied (or dropped) already: they count as done.
    static let durableTurns = Migration(
        version: 6,
        name: "chat turns and webhook deliveries pending until applied; project leases",
        postgres: [
            "ALTER TABLE vibn_chat_turns ADD COLUMN IF NOT EXISTS project_slug TEXT",
            "ALTER TABLE vibn_chat_turns ADD COLUMN IF NOT EXISTS applied_at TIMESTAMPTZ",
            "ALTER TABLE vibn_chat_turns ADD COLUMN IF NOT EXISTS outcome TEXT",
            "ALTER TABLE vibn_chat_turns ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE vibn_chat_turns ADD COLUMN IF NOT EXISTS seq BIGSERIAL",
            "UPDATE vibn_chat_turns SET applied_at = received_at, outcome = 'applied' WHERE applied_at IS NULL",
            "CREATE INDEX IF NOT EXISTS vibn_chat_turns_pending_idx ON vibn_chat_turns (project_id, received_at, seq) WHERE applied_at IS NULL",
            """
            CREATE TABLE IF NOT EXISTS vibn_project_leases (
              project_id TEXT NOT NULL, purpose TEXT NOT NULL, owner TEXT NOT NULL, lease_until TIMESTAMPTZ NOT NULL,
              PRIMARY KEY (project_id, purpose) )
            """,
            "ALTER TABLE vibn_webhook_deliveries ADD COLUMN IF NOT EXISTS event TEXT",
            "ALTER TABLE vibn_webhook_deliveries ADD COLUMN IF NOT EXISTS received_at TIMESTAMPTZ",
            "ALTER TABLE vibn_webhook_deliveries ADD COLUMN IF NOT EXISTS applied_at TIMESTAMPTZ",
            "UPDATE vibn_webhook_deliveries SET applied_at = now() WHERE applied_at IS NULL",
        ],
        sqlite: [
            "ALTER TABLE vibn_chat_turns ADD COLUMN project_slug TEXT",
            "ALTER TABLE vibn_chat_turns ADD COLUMN applied_at REAL",
            "ALTER TABLE vibn_chat_turns ADD COLUMN outcome TEXT",
            "ALTER TABLE vibn_chat_turns ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
            "UPDATE vibn_chat_turns SET applied_at = received_at, outcome = 'applied' WHERE applied_at IS NULL",
            "CREATE INDEX IF NOT EXISTS vibn_chat_turns_pending_idx ON vibn_chat_turns (project_id, received_at) WHERE applied_at IS NULL",
            """
            CREATE TABLE IF NOT EXISTS vibn_project_leases (
              project_id TEXT NOT NULL, purpose TEXT NOT NULL, owner TEXT NOT NULL, lease_until REAL NOT NULL,
              PRIMARY KEY (project_id, purpose) )
            """,
            "ALTER TABLE vibn_webhook_deliveries ADD COLUMN event TEXT",
            "ALTER TABLE vibn_webhook_deliveries ADD COLUMN received_at REAL",
            "ALTER TABLE vibn_webhook_deliveries ADD COLUMN applied_at REAL",
            "UPDATE vibn_webhook_deliveries SET applied_at = \(Migrations.sqliteNow) WHERE applied_at IS NULL",
        ]
    )
}

extension Migrations {
    /// A resumed container's live dev servers wait for their relaunch in the store (set in the transaction that
    /// makes the container `running`), so a crash between the resume and the relaunch loses nothing.
    static let devServerRelaunch = Migration(
        version: 7,
        name: "dev servers awaiting a relaunch after a resume",
        postgres: [
            "ALTER TABLE fs_dev_servers ADD COLUMN IF NOT EXISTS relaunch_pending BOOLEAN NOT NULL DEFAULT false",
            "CREATE INDEX IF NOT EXISTS fs_dev_servers_relaunch_idx ON fs_dev_servers (started_at) WHERE relaunch_pending",
        ],
        sqlite: [
            "ALTER TABLE fs_dev_servers ADD COLUMN relaunch_pending INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX IF NOT EXISTS fs_dev_servers_relaunch_idx ON fs_dev_servers (started_at) WHERE relaunch_pending = 1",
        ]
    )

    /// When each container row entered its state: a status Coolify reports just after a start may be stale, so the
    /// lifecycle gives a started container a grace counted from here (and a provisioning one its deadline).
    static let stateChangedAt = Migration(
        version: 8,
        name: "fs_project_dev_containers.state_changed_at",
        postgres: ["ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS state_changed_at TIMESTAMPTZ"],
        sqlite: ["ALTER TABLE fs_project_dev_containers ADD COLUMN state_changed_at REAL"]
    )

    /// A preview host names its project by the token alone (the wake route looks it up on every visit). On PostgreSQL
    /// a hash index: finding a row takes the same steps however much of a guessed token matches a stored one, unlike a
    /// B-tree's ordered comparisons (SQLite, one replica on one machine, has only B-trees).
    static let previewTokenIndex = Migration(
        version: 9,
        name: "index on fs_project_dev_containers.preview_token",
        postgres: ["CREATE INDEX IF NOT EXISTS vibn_dev_containers_token_idx ON fs_project_dev_containers USING hash (preview_token)"],
        sqlite: ["CREATE INDEX IF NOT EXISTS vibn_dev_containers_token_idx ON fs_project_dev_containers (preview_token)"]
    )
}
