import Foundation
import GatewayCore
import Storage
import Synchronization
import Testing

/// Work on a project that must not run twice at once, across replicas: two exclusions with different owners on one
/// store stand for two replicas.
@Suite("ProjectExclusion")
struct ProjectExclusionTests {
    func exclusion(_ store: any GatewayStore, owner: String, wait: Duration = .seconds(30)) -> ProjectExclusion {
        ProjectExclusion(purpose: .autosave, store: store, owner: owner, leaseDuration: .seconds(60), wait: wait)
    }

    @Test("two replicas never run a project's work at once; each runs all of its own", arguments: StoreBackend.allCases)
    func neverTogether(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let replicas = [self.exclusion(store, owner: "replica-a"), self.exclusion(store, owner: "replica-b")]
            let state = Counters()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await replicas[index % 2].run(project) {
                            state.value.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                            try await Task.sleep(for: .milliseconds(20))
                            state.value.withLock { $0.running -= 1; $0.runs += 1 }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(state.value.withLock { $0.most } == 1)
            #expect(state.value.withLock { $0.runs } == 10)
        }
    }

    @Test("a dead replica's lease holds the work back until it lapses; a caller that waits less is told the project is busy", arguments: StoreBackend.allCases)
    func deadReplica(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            // Taken by replicas that died: never released, lapsing in a minute and in a second.
            #expect(try await store.acquireProjectLease(project, for: .autosave, owner: "dead", until: Date().addingTimeInterval(60), now: Date()))
            let impatient = self.exclusion(store, owner: "alive", wait: .milliseconds(200))
            let busy = await #expect(throws: GatewayError.self) { try await impatient.run(project) {} }
            #expect(busy?.code == .projectBusy)
            let lapsing = uniqueProject()
            #expect(try await store.acquireProjectLease(lapsing, for: .autosave, owner: "dead", until: Date().addingTimeInterval(1), now: Date()))
            let patient = self.exclusion(store, owner: "alive", wait: .seconds(30))
            #expect(try await patient.run(lapsing) { true })
            // Other purposes of the project were never held.
            #expect(try await store.acquireProjectLease(project, for: .devServerStart, owner: "x", until: Date().addingTimeInterval(60), now: Date()))
        }
    }
}

/// Runs under way, the most at once, and runs done.
final class Counters: Sendable {
    let value = Mutex((running: 0, most: 0, runs: 0))
}
