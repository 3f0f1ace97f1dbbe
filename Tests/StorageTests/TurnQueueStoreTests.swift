import Foundation
import GatewayCore
import Storage
import Testing

/// The store as the chat turns' queue, and the project leases, run unchanged against SQLite and PostgreSQL.
@Suite("Turn queue and project leases")
struct TurnQueueStoreTests: TurnFixture {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a claimed turn stays pending until finished; a project's turns are taken oldest first, each take counted", arguments: StoreBackend.allCases)
    func pendingUntilFinished(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let started = self.turn("t-1", .started, project: project)
            let ended = self.turn("t-1", .ended, project: project, offset: 1)
            let later = self.turn("t-2", .started, project: project, offset: 1)
            for turn in [started, ended, later] { #expect(try await store.claimTurn(turn)) }
            #expect(try await store.projectsWithPendingTurns(limit: 100_000).contains(project))

            let first = try #require(try await store.takeNextTurn(project: project))
            #expect(first.turn == started && first.attempts == 1)
            // Not finished (the replica died): taken again, one more attempt.
            #expect(try #require(try await store.takeNextTurn(project: project)).attempts == 2)
            #expect(try await store.finishTurn(started, outcome: .applied, at: self.now))
            #expect(try await store.finishTurn(started, outcome: .applied, at: self.now) == false)

            // Same receipt time: the order of claiming decides.
            #expect(try await store.takeNextTurn(project: project)?.turn == ended)
            #expect(try await store.finishTurn(ended, outcome: .failed(code: .quotaExceeded, message: "full"), at: self.now))
            #expect(try await store.takeNextTurn(project: project)?.turn == later)
            #expect(try await store.finishTurn(later, outcome: .applied, at: self.now))
            #expect(try await store.takeNextTurn(project: project) == nil)
            #expect(try await store.projectsWithPendingTurns(limit: 100_000).contains(project) == false)
            // A replay of a finished turn is still a replay.
            #expect(try await store.claimTurn(started) == false)
        }
    }

    @Test("a project lease belongs to one owner until it lapses or is released; its owner renews it", arguments: StoreBackend.allCases)
    func leases(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let minute = self.now.addingTimeInterval(60)
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "a", until: minute, now: self.now))
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "b", until: minute, now: self.now) == false)
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "a", until: minute.addingTimeInterval(60), now: self.now.addingTimeInterval(30)))
            // Renewed: still held at +90 s; lapsed at +121 s.
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "b", until: minute, now: self.now.addingTimeInterval(90)) == false)
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "b", until: minute.addingTimeInterval(200), now: self.now.addingTimeInterval(121)))
            // Only the owner's release counts.
            try await store.releaseProjectLease(project, for: .turns, owner: "a")
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "a", until: minute, now: self.now.addingTimeInterval(122)) == false)
            try await store.releaseProjectLease(project, for: .turns, owner: "b")
            #expect(try await store.acquireProjectLease(project, for: .turns, owner: "a", until: minute, now: self.now.addingTimeInterval(122)))
        }
    }

    @Test("concurrent owners racing for one lease: exactly one wins", arguments: StoreBackend.allCases)
    func leaseRace(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for owner in 0..<8 {
                    group.addTask {
                        try await store.acquireProjectLease(project, for: .turns, owner: "r\(owner)", until: self.now.addingTimeInterval(60), now: self.now)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }
}
