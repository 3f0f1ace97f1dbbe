import Foundation
import GatewayCore
import Storage
import Testing

/// The store's relaunch queue (a resumed container's live dev servers) and its `starting` servers, run unchanged
/// against SQLite and PostgreSQL. The PostgreSQL database is shared, so every read is of this test's own project.
@Suite("DevServerStore: relaunch queue")
struct DevServerRelaunchQueueTests {
    let rows = DevServerStoreTests()

    @Test("a resume, observed, queues the live servers with it; a relaunch, a stop or a finish takes each off", arguments: StoreBackend.allCases)
    func queue(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let changes = ObservedChanges(store) { _ in }
            let container = try await self.rows.container(in: store, state: .running)
            let project = container.projectID
            var live = [DevServerRecord]()
            for (port, state) in [(3000, DevServerState.starting), (3001, .running), (3002, .running)] {
                var server = try self.rows.devServer(container, port: port, state: state, offset: Double(port))
                server.pid = port
                try await store.insertDevServer(server)
                live.append(server)
            }
            let stopped = try self.rows.devServer(container, port: 3003, state: .stopped)
            try await store.insertDevServer(stopped)
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).isEmpty)

            // Suspended: nothing is queued; running again: the three live servers are, oldest first.
            _ = try #require(try await changes.transitionContainer(project, from: .running, to: .suspended, at: self.rows.now))
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).isEmpty)
            _ = try #require(try await changes.transitionContainer(project, from: .suspended, to: .running, at: self.rows.now))
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).map(\.id) == live.map(\.id))
            #expect(try await store.devServersAwaitingRelaunch(project: nil, limit: 100_000).map(\.id).contains(live[0].id))
            #expect(try await store.devServerRelaunchCount() >= 3)

            // A relaunch, a stop, and a finish (found alive) each take one off.
            _ = try #require(try await store.relaunchDevServer(live[0].id, project: project, from: .starting, previousPID: 3000, pid: 9, at: self.rows.now))
            _ = try #require(try await store.transitionDevServer(live[1].id, project: project, from: .running, to: .stopped, at: self.rows.now))
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).map(\.id) == [live[2].id])
            try await store.finishDevServerRelaunch(live[2].id, project: project)
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).isEmpty)
        }
    }

    @Test("servers of a container that is not running wait; `starting` servers are found by age", arguments: StoreBackend.allCases)
    func onlyRunningContainers(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let container = try await self.rows.container(in: store, state: .running)
            let project = container.projectID
            let old = try self.rows.devServer(container, port: 3000, state: .starting, offset: -600)
            let young = try self.rows.devServer(container, port: 3001, state: .starting)
            try await store.insertDevServer(old)
            try await store.insertDevServer(young)
            try await store.markDevServersForRelaunch(project: project)
            let mine = { (servers: [DevServerRecord]) in servers.filter { $0.projectID == project }.map(\.id) }
            #expect(mine(try await store.startingDevServers(startedBefore: nil, limit: 100_000)) == [old.id, young.id])
            #expect(mine(try await store.startingDevServers(startedBefore: self.rows.now.addingTimeInterval(-60), limit: 100_000)) == [old.id])

            // Suspended (not observed, so nothing new is queued): the queued servers wait, and no probe is due.
            _ = try #require(try await store.transitionContainer(project, from: .running, to: .suspended, at: self.rows.now))
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).isEmpty)
            #expect(mine(try await store.startingDevServers(startedBefore: nil, limit: 100_000)).isEmpty)
            _ = try #require(try await store.transitionContainer(project, from: .suspended, to: .running, at: self.rows.now))
            #expect(try await store.devServersAwaitingRelaunch(project: project, limit: 10).map(\.id) == [old.id, young.id])
        }
    }
}
