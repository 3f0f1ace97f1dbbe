import Foundation
import GatewayCore
import PostgresNIO
import Storage
import Testing

/// The store notes which projects' live previews may have changed, whoever changed them, so each replica's
/// publisher re-reads only those.
@Suite("Preview changes")
struct PreviewChangeTests {
    let fixture = DevServerStoreTests()

    @Test("inserting, starting and stopping a dev server and suspending its container each report the project", arguments: StoreBackend.allCases)
    func reported(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let container = try await self.fixture.container(in: store, state: .running)
            let other = try await self.fixture.container(in: store, state: .running)
            var cursor = try await store.previewChanges(since: nil).cursor
            /// The projects reported since the last call. On PostgreSQL a project may be reported again while another
            /// transaction older than its change runs (other tests run beside), so each check is "contains".
            func changed() async throws -> Set<ProjectID> {
                let changes = try await store.previewChanges(since: cursor)
                cursor = changes.cursor
                return Set(changes.projects)
            }
            let server = try self.fixture.devServer(container, port: 3002)
            try await store.insertDevServer(server)
            #expect(try await changed().contains(container.projectID))
            _ = try await store.transitionDevServer(server.id, project: server.projectID, from: .starting, to: .running, at: self.fixture.now)
            #expect(try await changed().contains(container.projectID))
            #expect(try await store.livePreviews(of: [container.projectID]).map(\.devServerID) == [server.id])
            #expect(try await store.livePreviews(of: [other.projectID]).isEmpty)
            #expect(try await store.livePreviews(of: []).isEmpty)
            _ = try await store.transitionContainer(other.projectID, from: .running, to: .suspended, at: self.fixture.now)
            #expect(try await changed().contains(other.projectID))
            _ = try await store.transitionDevServer(server.id, project: server.projectID, from: .running, to: .stopped, at: self.fixture.now)
            #expect(try await changed().contains(container.projectID))
            #expect(try await store.livePreviews(of: [container.projectID]).isEmpty)
        }
    }

    @Test("a change whose transaction commits after a later one's is still reported (PostgreSQL: ids are not commit order)")
    func lateCommit() async throws {
        try await StoreBackend.postgres.withStore { store in
            let late = try await self.fixture.container(in: store, state: .running)
            let early = try await self.fixture.container(in: store, state: .running)
            let server = try self.fixture.devServer(late, port: 3000)
            try await store.insertDevServer(server)
            var cursor = try await store.previewChanges(since: nil).cursor
            try await PostgresTestServer.withAdminClient { client in
                try await client.withTransaction(logger: StoreBackend.logger) { connection in
                    // The late transaction takes its id first, then waits while another one commits and is read.
                    try await connection.query(
                        "UPDATE fs_dev_servers SET state = 'running' WHERE id = \(server.id.rawValue)", logger: StoreBackend.logger
                    )
                    var lateID: Int64 = 0
                    for try await id in try await connection.query("SELECT pg_current_xact_id()::text::bigint", logger: StoreBackend.logger)
                        .decode(Int64.self) { lateID = id }
                    _ = try await store.transitionContainer(early.projectID, from: .running, to: .suspended, at: self.fixture.now)
                    let changes = try await store.previewChanges(since: cursor)
                    cursor = changes.cursor
                    #expect(changes.projects.contains(early.projectID))
                    // A counter in id order would now be past the late transaction and skip its change for ever.
                    #expect(cursor <= lateID, "the cursor stops at the oldest transaction still running")
                }
            }
            #expect(try await store.previewChanges(since: cursor).projects.contains(late.projectID))
        }
    }
}
