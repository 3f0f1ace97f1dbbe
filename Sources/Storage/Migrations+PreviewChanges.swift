extension Migrations {
    /// Which projects' live previews may have changed, so each replica's preview publisher re-reads only those
    /// (before, every replica re-read every live preview every 3 s: a third of a core at 10,000 projects × 10 slots).
    ///
    /// Triggers on the two tables a live preview is read from note the project on every change that can alter its
    /// routes, whoever makes it (a replica, another process, an operator's SQL). PostgreSQL notes the writing
    /// transaction's id: a reader asks for the rows from transactions at or after the oldest one still running when
    /// it last asked (`pg_snapshot_xmin`), so a transaction that commits late is never skipped. SQLite has one writer
    /// at a time, so a counter taken inside the write is already in commit order.
    static let previewChanges = Migration(
        version: 10,
        name: "vibn_preview_changes and the triggers that fill it",
        postgres: [
            "CREATE TABLE IF NOT EXISTS vibn_preview_changes (project_id TEXT PRIMARY KEY, xid xid8 NOT NULL)",
            "CREATE INDEX IF NOT EXISTS vibn_preview_changes_xid_idx ON vibn_preview_changes (xid)",
            """
            CREATE OR REPLACE FUNCTION vibn_note_preview_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO vibn_preview_changes (project_id, xid)
              VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.project_id ELSE NEW.project_id END, pg_current_xact_id())
              ON CONFLICT (project_id) DO UPDATE SET xid = EXCLUDED.xid;
              RETURN NULL;
            END $$
            """,
            "DROP TRIGGER IF EXISTS vibn_dev_servers_preview_rows ON fs_dev_servers",
            """
            CREATE TRIGGER vibn_dev_servers_preview_rows AFTER INSERT OR DELETE ON fs_dev_servers
            FOR EACH ROW EXECUTE FUNCTION vibn_note_preview_change()
            """,
            "DROP TRIGGER IF EXISTS vibn_dev_servers_preview_update ON fs_dev_servers",
            """
            CREATE TRIGGER vibn_dev_servers_preview_update AFTER UPDATE ON fs_dev_servers FOR EACH ROW
            WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.relaunch_pending IS DISTINCT FROM NEW.relaunch_pending
                  OR OLD.port IS DISTINCT FROM NEW.port)
            EXECUTE FUNCTION vibn_note_preview_change()
            """,
            "DROP TRIGGER IF EXISTS vibn_containers_preview_delete ON fs_project_dev_containers",
            """
            CREATE TRIGGER vibn_containers_preview_delete AFTER DELETE ON fs_project_dev_containers
            FOR EACH ROW EXECUTE FUNCTION vibn_note_preview_change()
            """,
            "DROP TRIGGER IF EXISTS vibn_containers_preview_update ON fs_project_dev_containers",
            """
            CREATE TRIGGER vibn_containers_preview_update AFTER UPDATE ON fs_project_dev_containers FOR EACH ROW
            WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.service_uuid IS DISTINCT FROM NEW.service_uuid
                  OR OLD.project_slug IS DISTINCT FROM NEW.project_slug OR OLD.preview_token IS DISTINCT FROM NEW.preview_token)
            EXECUTE FUNCTION vibn_note_preview_change()
            """,
        ],
        sqlite: [
            "CREATE TABLE IF NOT EXISTS vibn_preview_changes (project_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS vibn_preview_changes_seq_idx ON vibn_preview_changes (seq)",
            sqliteTrigger("vibn_dev_servers_preview_insert", "AFTER INSERT ON fs_dev_servers", project: "NEW"),
            sqliteTrigger("vibn_dev_servers_preview_delete", "AFTER DELETE ON fs_dev_servers", project: "OLD"),
            sqliteTrigger(
                "vibn_dev_servers_preview_update",
                """
                AFTER UPDATE ON fs_dev_servers FOR EACH ROW WHEN OLD.state IS NOT NEW.state
                  OR OLD.relaunch_pending IS NOT NEW.relaunch_pending OR OLD.port IS NOT NEW.port
                """,
                project: "NEW"
            ),
            sqliteTrigger("vibn_containers_preview_delete", "AFTER DELETE ON fs_project_dev_containers", project: "OLD"),
            sqliteTrigger(
                "vibn_containers_preview_update",
                """
                AFTER UPDATE ON fs_project_dev_containers FOR EACH ROW WHEN OLD.state IS NOT NEW.state
                  OR OLD.service_uuid IS NOT NEW.service_uuid OR OLD.project_slug IS NOT NEW.project_slug
                  OR OLD.preview_token IS NOT NEW.preview_token
                """,
                project: "NEW"
            ),
        ]
    )

    /// A SQLite trigger that notes `{row}.project_id` with the next change number.
    private static func sqliteTrigger(_ name: String, _ event: String, project row: String) -> String {
        """
        CREATE TRIGGER IF NOT EXISTS \(name) \(event) BEGIN
          INSERT OR REPLACE INTO vibn_preview_changes (project_id, seq)
          VALUES (\(row).project_id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM vibn_preview_changes));
        END
        """
    }
}
