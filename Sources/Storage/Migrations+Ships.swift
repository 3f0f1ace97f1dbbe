extension Migrations {
    /// Ships: a project's branch pushed and its Coolify Application deployed. At most one per project has not ended
    /// (a partial unique index, so two replicas cannot both start one); the deployment webhook finds its ship by
    /// the deployment's uuid.
    static let ships = Migration(
        version: 12,
        name: "vibn_ships",
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS vibn_ships (
              id TEXT PRIMARY KEY, project_id TEXT NOT NULL, workspace TEXT NOT NULL, state TEXT NOT NULL, branch TEXT,
              message TEXT NOT NULL, application_uuid TEXT NOT NULL, commit_sha TEXT, committed BOOLEAN, deployment_uuid TEXT,
              deployment_url TEXT, reason TEXT, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL )
            """,
            "CREATE UNIQUE INDEX IF NOT EXISTS vibn_ships_active_idx ON vibn_ships (project_id) WHERE state IN ('pushing', 'deploying')",
            "CREATE INDEX IF NOT EXISTS vibn_ships_deployment_idx ON vibn_ships (deployment_uuid)",
        ],
        sqlite: [
            """
            CREATE TABLE IF NOT EXISTS vibn_ships (
              id TEXT PRIMARY KEY, project_id TEXT NOT NULL, workspace TEXT NOT NULL, state TEXT NOT NULL, branch TEXT,
              message TEXT NOT NULL, application_uuid TEXT NOT NULL, commit_sha TEXT, committed INTEGER, deployment_uuid TEXT,
              deployment_url TEXT, reason TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL )
            """,
            "CREATE UNIQUE INDEX IF NOT EXISTS vibn_ships_active_idx ON vibn_ships (project_id) WHERE state IN ('pushing', 'deploying')",
            "CREATE INDEX IF NOT EXISTS vibn_ships_deployment_idx ON vibn_ships (deployment_uuid)",
        ]
    )
}
