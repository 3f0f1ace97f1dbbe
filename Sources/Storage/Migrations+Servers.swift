extension Migrations {
    /// Each container row records the server its service runs on (`VIBN_SERVERS_FILE`); rows placed before there
    /// was a list are on `default`, the server of the single-server settings. Placement counts the active rows of
    /// each server.
    static let containerServer = Migration(
        version: 11,
        name: "fs_project_dev_containers.server",
        postgres: [
            "ALTER TABLE fs_project_dev_containers ADD COLUMN IF NOT EXISTS server TEXT NOT NULL DEFAULT 'default'",
            "CREATE INDEX IF NOT EXISTS vibn_dev_containers_server_idx ON fs_project_dev_containers (server, state)",
        ],
        sqlite: [
            "ALTER TABLE fs_project_dev_containers ADD COLUMN server TEXT NOT NULL DEFAULT 'default'",
            "CREATE INDEX IF NOT EXISTS vibn_dev_containers_server_idx ON fs_project_dev_containers (server, state)",
        ]
    )
}
