import Foundation
import GatewayCore
import Storage
import Testing

/// The dev-server store, run unchanged against SQLite and PostgreSQL.
@Suite("DevServerStore")
struct DevServerStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A project with a container row in `state` that has a slug, token and service.
    func container(in store: any GatewayStore, state: ContainerState) async throws -> ContainerRecord {
        let project = uniqueProject()
        let reservation = ContainerReservation(
            projectID: project, workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "shop"), image: "vibn-dev:latest"
        )
        _ = try await store.reserveContainer(reservation, at: self.now)
        _ = try await store.recordServiceUUID(ServiceUUID(trusted: "svc\(project.rawValue.suffix(8).lowercased())"), for: project)
        if state != .provisioning {
            _ = try await store.transitionContainer(project, from: .provisioning, to: state, at: self.now)
        }
        return try #require(try await store.container(project))
    }

    func devServer(_ container: ContainerRecord, port: Int, state: DevServerState = .starting, offset: TimeInterval = 0) throws -> DevServerRecord {
        DevServerRecord(
            id: .random(), projectID: container.projectID, workspace: container.workspace, name: "web",
            command: "npm run dev -- --port \(port)", port: try PreviewPort(validating: port), pid: nil,
            previewURL: "https://example.test", state: state, startedAt: self.now.addingTimeInterval(offset), stoppedAt: nil
        )
    }

    @Test("an inserted dev server reads back, alone and in its project's list", arguments: StoreBackend.allCases)
    func insertAndRead(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let container = try await self.container(in: store, state: .running)
            var record = try self.devServer(container, port: 3001)
            record.pid = 4242
            let earlier = try self.devServer(container, port: 3000, offset: 10)
            try await store.insertDevServer(record)
            try await store.insertDevServer(earlier)
            #expect(try await store.devServer(record.id, project: container.projectID) == record)
            #expect(try await store.devServer(record.id, project: uniqueProject()) == nil)
            #expect(try await store.devServers(project: container.projectID) == [earlier, record])
            #expect(try await store.devServers(project: uniqueProject()).isEmpty)
        }
    }

    @Test("transitions are compare-and-set and follow the state machine", arguments: StoreBackend.allCases)
    func transitions(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let container = try await self.container(in: store, state: .running)
            let record = try self.devServer(container, port: 3000)
            try await store.insertDevServer(record)
            let running = try #require(try await store.transitionDevServer(record.id, project: container.projectID, from: .starting, to: .running, at: self.now))
            #expect(running.state == .running)
            #expect(try await store.transitionDevServer(record.id, project: container.projectID, from: .starting, to: .failed, at: self.now) == nil)
            let later = self.now.addingTimeInterval(60)
            let stopped = try #require(try await store.transitionDevServer(record.id, project: container.projectID, from: .running, to: .stopped, at: later))
            #expect(stopped.stoppedAt == later)
            await #expect(throws: GatewayError.self) {
                try await store.transitionDevServer(record.id, project: container.projectID, from: .stopped, to: .running, at: later)
            }
        }
    }

    @Test("a failure keeps its reason; other transitions keep what is there", arguments: StoreBackend.allCases)
    func failureReason(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let container = try await self.container(in: store, state: .running)
            let record = try self.devServer(container, port: 3000)
            try await store.insertDevServer(record)
            let reason = "exited before it answered\nError: it's 'quoted'; DROP TABLE x"
            let failed = try #require(try await store.transitionDevServer(
                record.id, project: container.projectID, from: .starting, to: .failed, failureReason: reason, at: self.now
            ))
            #expect(failed.failureReason == reason)
            let stopped = try #require(try await store.transitionDevServer(record.id, project: container.projectID, from: .failed, to: .stopped, at: self.now))
            #expect(stopped.failureReason == reason)
            #expect(try await store.devServer(record.id, project: container.projectID) == stopped)
        }
    }

    @Test("a relaunch is compare-and-set on state and pid, and only from a live state", arguments: StoreBackend.allCases)
    func relaunch(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let container = try await self.container(in: store, state: .running)
            var record = try self.devServer(container, port: 3000, state: .running)
            record.pid = 100
            try await store.insertDevServer(record)
            let later = self.now.addingTimeInterval(120)
            #expect(try await store.relaunchDevServer(record.id, project: container.projectID, from: .running, previousPID: 99, pid: 200, at: later) == nil)
            #expect(try await store.relaunchDevServer(record.id, project: container.projectID, from: .starting, previousPID: 100, pid: 200, at: later) == nil)
            let relaunched = try #require(try await store.relaunchDevServer(
                record.id, project: container.projectID, from: .running, previousPID: 100, pid: 200, at: later
            ))
            #expect(relaunched.state == .starting)
            #expect(relaunched.pid == 200)
            #expect(relaunched.startedAt == later)
            #expect(try await store.devServer(record.id, project: container.projectID) == relaunched)

            var unlaunched = try self.devServer(container, port: 3001)
            unlaunched.pid = nil
            try await store.insertDevServer(unlaunched)
            #expect(try await store.relaunchDevServer(unlaunched.id, project: container.projectID, from: .starting, previousPID: nil, pid: 7, at: later)?.pid == 7)
            await #expect(throws: GatewayError.self) {
                try await store.relaunchDevServer(record.id, project: container.projectID, from: .failed, previousPID: 200, pid: 300, at: later)
            }
        }
    }

    @Test("live previews: running dev servers, not awaiting a relaunch, on running containers only, with slug, token and service",
          arguments: StoreBackend.allCases)
    func livePreviews(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let running = try await self.container(in: store, state: .running)
            let suspended = try await self.container(in: store, state: .suspended)
            let starting = try self.devServer(running, port: 3000)
            let serving = try self.devServer(running, port: 3002, state: .running)
            try await store.insertDevServer(starting)
            try await store.insertDevServer(serving)
            try await store.insertDevServer(try self.devServer(running, port: 3003, state: .failed))
            try await store.insertDevServer(try self.devServer(suspended, port: 3000, state: .running))

            let mine = try await store.livePreviews().filter { [running.projectID, suspended.projectID].contains($0.projectID) }
            // A starting server has no route yet: Traefik would answer 502 until it listens.
            #expect(mine.map(\.devServerID) == [serving.id])
            let first = try #require(mine.first)
            #expect(first.projectSlug == running.projectSlug)
            #expect(first.previewToken == running.previewToken)
            #expect(first.serviceUUID == running.serviceUUID)
            #expect(first.port.number == 3002)
            #expect(first.state == .running)

            _ = try await store.transitionDevServer(starting.id, project: running.projectID, from: .starting, to: .running, at: self.now)
            #expect(try await store.livePreviews().filter { $0.projectID == running.projectID }.map(\.devServerID) == [starting.id, serving.id])
            // A resumed container's servers await their relaunch: no route until the relaunched one answers.
            try await store.markDevServersForRelaunch(project: running.projectID)
            #expect(try await store.livePreviews().filter { $0.projectID == running.projectID }.isEmpty)
            try await store.finishDevServerRelaunch(serving.id, project: running.projectID)
            _ = try await store.transitionDevServer(starting.id, project: running.projectID, from: .running, to: .stopped, at: self.now)
            let after = try await store.livePreviews().filter { $0.projectID == running.projectID }
            #expect(after.map(\.devServerID) == [serving.id])
        }
    }
}
