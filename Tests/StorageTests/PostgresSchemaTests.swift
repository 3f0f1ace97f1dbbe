import Foundation
import GatewayCore
import PostgresNIO
import Storage
import Testing

/// The schema on PostgreSQL is the seed's, so the gateway can adopt an existing Vibn database.
@Suite("PostgreSQL schema")
struct PostgresSchemaTests {
    /// The seed's columns: table → [(column, data type, nullable, default)].
    static let seedColumns: [String: [String]] = [
        "fs_project_dev_containers": [
            "project_id text NO -", "workspace text NO -", "service_uuid text NO -", "image text NO -",
            "state text NO 'provisioning'::text", "last_active_at timestamp with time zone NO now()",
            "suspended_at timestamp with time zone YES -", "created_at timestamp with time zone NO now()",
            // Added by migrations 2 and 3: new columns only ever follow the seed's.
            "project_slug text YES -", "preview_token text YES -",
            "blocked_reason text YES -", "coolify_status text YES -", "application_uuid text YES -",
            // Migration 8.
            "state_changed_at timestamp with time zone YES -",
            // Migration 11.
            "server text NO 'default'::text",
        ],
        "fs_dev_servers": [
            "id text NO -", "project_id text NO -", "workspace text NO -", "name text NO -", "command text NO -",
            "port integer NO -", "pid integer YES -", "preview_url text NO -", "state text NO 'starting'::text",
            "started_at timestamp with time zone NO now()", "stopped_at timestamp with time zone YES -",
            // Added by migrations 5 and 7.
            "failure_reason text YES -", "relaunch_pending boolean NO false",
        ],
        "fs_dev_autosaves": [
            "id bigint NO nextval('fs_dev_autosaves_id_seq'::regclass)", "project_id text NO -", "workspace text NO -",
            "repo text NO -", "output text YES -", "code integer YES -", "pushed_at timestamp with time zone NO now()",
            // Added by migration 4.
            "commit_sha text YES -", "ok boolean NO true",
        ],
    ]

    static let seedIndexes = [
        "fs_dev_autosaves_project_idx", "fs_dev_servers_project_idx", "fs_dev_servers_relaunch_idx",
        "fs_project_dev_containers_active_idx", "fs_project_dev_containers_ws_idx",
    ]

    @Test("migrate twice on a fresh database succeeds and leaves the seed's tables")
    func migrateTwiceLeavesSeedTables() async throws {
        try await PostgresTestServer.withFreshDatabase { database in
            try await PostgresTestServer.withStore(database: database) { store throws in
                #expect(try await store.migrate() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
                #expect(try await store.migrate() == [])
            }
            try await PostgresTestServer.withStore(database: database) { store throws in
                #expect(try await store.migrate() == [])
            }
            try await self.expectSeedSchema(database: database)
        }
    }

    @Test("an existing seed database is adopted with its rows intact")
    func adoptsSeedDatabase() async throws {
        try await PostgresTestServer.withFreshDatabase { database in
            try await self.withClient(database: database) { client in
                // What the seed's ensureDevContainersTable() leaves behind, with one row in it.
                try await client.query("""
                    CREATE TABLE IF NOT EXISTS fs_project_dev_containers ( project_id TEXT PRIMARY KEY, workspace TEXT NOT NULL, service_uuid TEXT NOT NULL, image TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'provisioning', last_active_at TIMESTAMPTZ NOT NULL DEFAULT now(), suspended_at TIMESTAMPTZ, created_at TIMESTAMPTZ NOT NULL DEFAULT now() )
                    """)
                try await client.query("""
                    INSERT INTO fs_project_dev_containers (project_id, workspace, service_uuid, image, state)
                    VALUES ('proj_Legacy-1', 'acme', 'oldservice123', 'vibn-dev:latest', 'running')
                    """)
            }
            try await PostgresTestServer.withStore(database: database) { store throws in
                #expect(try await store.migrate() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
                let row = try #require(try await store.container(ProjectID(validating: "proj_Legacy-1")))
                #expect(row.workspace.rawValue == "acme")
                #expect(row.serviceUUID?.rawValue == "oldservice123")
                #expect(row.state == .running)
                #expect(row.previewToken == nil)
                let token = try #require(try await store.ensurePreviewToken(row.projectID, candidate: .random()))
                #expect(try await store.ensurePreviewToken(row.projectID, candidate: .random()) == token)
            }
            try await self.expectSeedSchema(database: database)
        }
    }

    @Test("concurrent migrations from two replicas apply each version once")
    func concurrentMigrations() async throws {
        try await PostgresTestServer.withFreshDatabase { database in
            try await PostgresTestServer.withStore(database: database) { first throws in
                try await PostgresTestServer.withStore(database: database) { second throws in
                    async let a = first.migrate()
                    async let b = second.migrate()
                    let applied = try await [a, b]
                    #expect(applied.flatMap { $0 }.sorted() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
                }
            }
        }
    }

    func expectSeedSchema(database: String) async throws {
        try await self.withClient(database: database) { client in
            for (table, expected) in Self.seedColumns {
                let rows = try await client.query("""
                    SELECT column_name, data_type, is_nullable, COALESCE(column_default, '-')
                    FROM information_schema.columns WHERE table_name = \(table) ORDER BY ordinal_position
                    """)
                var columns: [String] = []
                for try await (name, type, nullable, fallback) in rows.decode((String, String, String, String).self) {
                    columns.append("\(name) \(type) \(nullable) \(fallback)")
                }
                #expect(columns == expected, "columns of \(table)")
            }
            let rows = try await client.query(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'fs\\_%\\_idx' ORDER BY indexname"
            )
            var indexes: [String] = []
            for try await name in rows.decode(String.self) { indexes.append(name) }
            #expect(indexes == Self.seedIndexes)
        }
    }

    func withClient(database: String, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(
            configuration: try PostgresTestServer.configuration(database: database), backgroundLogger: StoreBackend.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}
