import Foundation
import GatewayCore
import Storage
import Testing

/// One suite, run unchanged against SQLite and PostgreSQL.
@Suite("Store")
struct StoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func reservation(_ project: ProjectID, _ workspace: WorkspaceSlug, state: ContainerState = .provisioning) -> ContainerReservation {
        ContainerReservation(
            projectID: project, workspace: workspace, projectSlug: ProjectSlug(trusted: "app"), image: "vibn-dev:latest", state: state
        )
    }

    @Test("a reserved row reads back with every column", arguments: StoreBackend.allCases)
    func reserveAndRead(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let workspace = uniqueWorkspace()
            #expect(try await store.container(project) == nil)
            let outcome = try await store.reserveContainer(self.reservation(project, workspace), at: self.now)
            #expect(outcome.inserted)
            let read = try #require(try await store.container(project))
            #expect(read == outcome.record)
            #expect(read.workspace == workspace)
            #expect(read.serviceUUID == nil)
            #expect(read.state == .provisioning)
            #expect(read.image == "vibn-dev:latest")
            #expect(read.createdAt == self.now)
            #expect(read.lastActiveAt == self.now)
            #expect(read.suspendedAt == nil)
            #expect(read.projectSlug?.rawValue == "app")
            #expect(read.previewToken == outcome.record.previewToken)
            #expect(read.previewToken != nil)
        }
    }

    @Test("a stored preview token is kept; a missing one is set once", arguments: StoreBackend.allCases)
    func previewToken(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let outcome = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
            let stored = try #require(outcome.record.previewToken)
            #expect(try await store.ensurePreviewToken(project, candidate: .random()) == stored)
            #expect(try await store.ensurePreviewToken(uniqueProject(), candidate: .random()) == nil)
        }
    }

    @Test("a second reservation returns the first row and inserts nothing", arguments: StoreBackend.allCases)
    func reserveTwice(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let first = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
            let second = try await store.reserveContainer(
                self.reservation(project, uniqueWorkspace()), at: self.now.addingTimeInterval(5)
            )
            #expect(first.inserted)
            #expect(!second.inserted)
            #expect(second.record == first.record)
        }
    }

    @Test("fifty concurrent reservations of one project insert exactly one row", arguments: StoreBackend.allCases)
    func concurrentReservations(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let workspace = uniqueWorkspace()
            let reservation = self.reservation(project, workspace)
            let now = self.now
            let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await store.reserveContainer(reservation, at: now).inserted }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(inserted == 1)
            #expect(try await store.activeContainerCount(workspace: workspace) == 1)
        }
    }

    @Test("two concurrent transitions from the same state: exactly one wins", arguments: StoreBackend.allCases)
    func concurrentTransitions(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            for _ in 0..<10 {
                let project = uniqueProject()
                _ = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
                let now = self.now
                async let toRunning = store.transitionContainer(project, from: .provisioning, to: .running, at: now)
                async let toFailed = store.transitionContainer(project, from: .provisioning, to: .failed, at: now)
                let results = try await [toRunning, toFailed]
                let winners = results.compactMap { $0 }
                #expect(winners.count == 1)
                let stored = try #require(try await store.container(project))
                #expect(stored.state == winners.first?.state)
            }
        }
    }

    @Test("a transition from a state the row is not in changes nothing", arguments: StoreBackend.allCases)
    func staleTransition(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            _ = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
            #expect(try await store.transitionContainer(project, from: .running, to: .suspended, at: self.now) == nil)
            #expect(try await store.container(project)?.state == .provisioning)
            #expect(try await store.transitionContainer(uniqueProject(), from: .provisioning, to: .running, at: self.now) == nil)
        }
    }

    @Test("the state machine refuses forbidden moves before touching the store", arguments: StoreBackend.allCases)
    func forbiddenTransition(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            _ = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
            await #expect(throws: GatewayError.invalidTransition(from: "provisioning", to: "provisioning")) {
                try await store.transitionContainer(project, from: .provisioning, to: .provisioning, at: self.now)
            }
            await #expect(throws: GatewayError.self) {
                try await store.transitionContainer(project, from: .failed, to: .running, at: self.now)
            }
        }
    }

    @Test("suspend sets suspendedAt, resume clears it and records activity", arguments: StoreBackend.allCases)
    func suspendAndResume(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            _ = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
            let running = try #require(
                try await store.transitionContainer(project, from: .provisioning, to: .running, at: self.now.addingTimeInterval(10))
            )
            #expect(running.lastActiveAt == self.now.addingTimeInterval(10))
            let suspended = try #require(
                try await store.transitionContainer(project, from: .running, to: .suspended, at: self.now.addingTimeInterval(20))
            )
            #expect(suspended.suspendedAt == self.now.addingTimeInterval(20))
            #expect(suspended.lastActiveAt == self.now.addingTimeInterval(10))
            let resumed = try #require(
                try await store.transitionContainer(project, from: .suspended, to: .running, at: self.now.addingTimeInterval(30))
            )
            #expect(resumed.suspendedAt == nil)
            #expect(resumed.lastActiveAt == self.now.addingTimeInterval(30))
        }
    }

    @Test("the service uuid is recorded once, never overwritten", arguments: StoreBackend.allCases)
    func recordServiceUUID(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            _ = try await store.reserveContainer(self.reservation(project, uniqueWorkspace()), at: self.now)
            let first = try ServiceUUID(validating: "abc123def456")
            let recorded = try await store.recordServiceUUID(first, for: project)
            #expect(recorded?.serviceUUID == first)
            #expect(try await store.recordServiceUUID(ServiceUUID(validating: "zzz999"), for: project) == nil)
            #expect(try await store.container(project)?.serviceUUID == first)
        }
    }

    @Test("touch moves last activity forward only", arguments: StoreBackend.allCases)
    func touch(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let (project, workspace) = (uniqueProject(), uniqueWorkspace())
            _ = try await store.reserveContainer(self.reservation(project, workspace), at: self.now)
            let touched = try await store.touchContainer(project, workspace: workspace, at: self.now.addingTimeInterval(60))
            #expect(touched?.lastActiveAt == self.now.addingTimeInterval(60))
            #expect(try await store.container(project)?.lastActiveAt == self.now.addingTimeInterval(60))
            try await store.touchContainer(project, workspace: workspace, at: self.now.addingTimeInterval(30))
            #expect(try await store.container(project)?.lastActiveAt == self.now.addingTimeInterval(60))
            // Another workspace's project is neither touched nor shown.
            #expect(try await store.touchContainer(project, workspace: uniqueWorkspace(), at: self.now.addingTimeInterval(90)) == nil)
            #expect(try await store.container(project)?.lastActiveAt == self.now.addingTimeInterval(60))
        }
    }

    @Test("quota counts provisioning and running containers of one workspace", arguments: StoreBackend.allCases)
    func quotaCount(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let workspace = uniqueWorkspace()
            let projects = (0..<4).map { _ in uniqueProject() }
            for project in projects {
                _ = try await store.reserveContainer(self.reservation(project, workspace), at: self.now)
            }
            _ = try await store.reserveContainer(self.reservation(uniqueProject(), uniqueWorkspace()), at: self.now)
            _ = try await store.transitionContainer(projects[1], from: .provisioning, to: .running, at: self.now)
            _ = try await store.transitionContainer(projects[2], from: .provisioning, to: .suspended, at: self.now)
            _ = try await store.transitionContainer(projects[3], from: .provisioning, to: .failed, at: self.now)
            #expect(try await store.activeContainerCount(workspace: workspace) == 2)
            let suspended = try await store.containers(in: [.suspended]).filter { $0.workspace == workspace }
            #expect(suspended.map(\.projectID) == [projects[2]])
        }
    }

    @Test("a reservation can start suspended (provision without start)", arguments: StoreBackend.allCases)
    func reserveSuspended(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let outcome = try await store.reserveContainer(
                self.reservation(project, uniqueWorkspace(), state: .suspended), at: self.now
            )
            #expect(outcome.record.state == .suspended)
            #expect(outcome.record.suspendedAt == self.now)
        }
    }

    @Test("migrate is a no-op when everything is applied", arguments: StoreBackend.allCases)
    func migrateTwice(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            #expect(try await store.migrate() == [])
            try await store.ping()
        }
    }
}
