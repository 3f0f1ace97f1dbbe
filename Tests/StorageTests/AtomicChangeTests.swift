import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import Storage
import Synchronization
import Testing

/// One transaction per change: a state change and its outbound event are stored together or not at all, and the
/// quota is checked and taken in one step; on both backends.
@Suite("Atomic changes")
struct AtomicChangeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("ten concurrent reservations of ten projects with quota 3: exactly 3 rows, 7 quota_exceeded", arguments: StoreBackend.allCases)
    func quotaRace(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let workspace = uniqueWorkspace()
            let outcomes = try await withThrowingTaskGroup(of: Bool?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let reservation = ContainerReservation(
                            projectID: uniqueProject(), workspace: workspace, projectSlug: ProjectSlug(trusted: "app"), image: "img", quota: 3
                        )
                        do {
                            return try await store.reserveContainer(reservation, at: self.now).inserted
                        } catch let error as GatewayError where error.code == .quotaExceeded {
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [Bool?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == true }.count == 3)
            #expect(outcomes.filter { $0 == nil }.count == 7)
            #expect(try await store.activeContainerCount(workspace: workspace) == 3)
        }
    }

    @Test("a change and its outbound event commit together; when recording the event fails, neither is kept", arguments: StoreBackend.allCases)
    func changeWithEvent(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let recorder = EventRecorder(store: store, logger: Logger(label: "atomic-tests"), wake: {})
            let committed = Mutex(0)
            let failing = Mutex(false)
            let changes = ObservedChanges(
                store,
                record: { change, transaction in
                    if failing.withLock({ $0 }) { throw StoreTestFailure() }
                    try await recorder.record(change, in: transaction)
                },
                committed: { _ in committed.withLock { $0 += 1 } }
            )
            let project = uniqueProject()
            let reservation = ContainerReservation(
                projectID: project, workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "app"), image: "img"
            )
            _ = try await changes.reserveContainer(reservation, at: self.now)
            let events = try await store.pendingEvents(createdAfter: .distantPast, limit: 100_000)
            #expect(events.contains { $0.type == .containerStateChanged && $0.body.contains(project.rawValue) })

            failing.withLock { $0 = true }
            await #expect(throws: StoreTestFailure.self) {
                try await changes.transitionContainer(project, from: .provisioning, to: .running, at: self.now)
            }
            #expect(try await store.container(project)?.state == .provisioning)
            #expect(committed.withLock { $0 } == 1)
            let after = try await store.pendingEvents(createdAfter: .distantPast, limit: 100_000).filter { $0.body.contains(project.rawValue) }
            #expect(after.count == 1)
        }
    }

    @Test("ten concurrent ensures of ten projects with quota 3 create exactly 3 services", arguments: StoreBackend.allCases)
    func ensureRace(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend, quota: 3) { fixture in
            let refused = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await fixture.lifecycle.ensure(fixture.request())
                            return 0
                        } catch let error as GatewayError where error.code == .quotaExceeded {
                            return 1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(refused == 7)
            #expect(await fixture.creates() == 3)
        }
    }

    @Test("ten concurrent resumes of ten suspended projects with quota 3: exactly 3 running, 3 services up", arguments: StoreBackend.allCases)
    func resumeRace(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend, quota: 3) { fixture in
            var requests: [EnsureRequest] = []
            for _ in 0..<10 {
                let request = fixture.request(start: false)
                #expect(try await fixture.lifecycle.ensure(request).state == "suspended")
                requests.append(request)
            }
            let refused = try await withThrowingTaskGroup(of: Int.self) { group in
                for request in requests {
                    group.addTask {
                        do {
                            _ = try await fixture.lifecycle.resume(workspace: request.workspace, project: request.project)
                            return 0
                        } catch let error as GatewayError where error.code == .quotaExceeded {
                            return 1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(refused == 7)
            var running = 0
            for request in requests where try await fixture.store.container(request.project)?.state == .running { running += 1 }
            #expect(running == 3)
            // A resume that lost the race for the last place stops the service it started.
            let up = await fixture.standIn.services().values.filter { $0.status.hasPrefix("running") }
            #expect(up.count == 3, "\(up.map(\.status))")
        }
    }
}

/// A failure a test injects.
struct StoreTestFailure: Error {}
