import Foundation
import GatewayCore
import Storage
import Testing

/// The chat-turn store, run unchanged against SQLite and PostgreSQL.
@Suite("ChatTurnStore")
struct ChatTurnStoreTests: TurnFixture {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("each turnId+phase is claimed once; the other phase of the same turn is its own claim", arguments: StoreBackend.allCases)
    func claimOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let id = "turn-\(UUID().uuidString)"
            #expect(try await store.claimTurn(self.turn(id, .started, project: project)))
            #expect(try await store.claimTurn(self.turn(id, .started, project: project, offset: 5)) == false)
            #expect(try await store.claimTurn(self.turn(id, .ended, project: project, offset: 10)))
            #expect(try await store.claimTurn(self.turn(id, .ended, project: project, offset: 20)) == false)
        }
    }

    @Test("old finished turns are purged (a replay of one is claimed again); pending and recent ones stay", arguments: StoreBackend.allCases)
    func purgeOldTurns(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            // Far in the past of every other test's turns, so the shared database loses only these.
            let old = self.turn("turn-\(UUID().uuidString)", .started, project: project, offset: -800_000_000)
            let recent = self.turn("turn-\(UUID().uuidString)", .started, project: project)
            #expect(try await store.claimTurn(old))
            #expect(try await store.claimTurn(recent))
            // A pending turn is work still to do: only finished ones are purged.
            #expect(try await store.purgeTurns(receivedBefore: old.receivedAt.addingTimeInterval(1)) == 0)
            #expect(try await store.finishTurn(old, outcome: .applied, at: self.now))
            #expect(try await store.purgeTurns(receivedBefore: old.receivedAt.addingTimeInterval(1)) >= 1)
            #expect(try await store.claimTurn(old))
            #expect(try await store.claimTurn(recent) == false)
        }
    }

    @Test("concurrent claims of one turnId+phase: exactly one wins", arguments: StoreBackend.allCases)
    func concurrentClaims(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let turn = self.turn("turn-\(UUID().uuidString)", .started, project: uniqueProject())
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.claimTurn(turn) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }

    @Test("a started turn is open until its ended arrives (from the same project) or it is older than the hold", arguments: StoreBackend.allCases)
    func openTurns(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let other = uniqueProject()
            let holdStart = self.now.addingTimeInterval(-120 * 60)
            #expect(try await store.hasOpenTurn(project: project, since: holdStart) == false)

            let id = "turn-\(UUID().uuidString)"
            _ = try await store.claimTurn(self.turn(id, .started, project: project))
            #expect(try await store.hasOpenTurn(project: project, since: holdStart))
            #expect(try await store.hasOpenTurn(project: other, since: holdStart) == false)
            // Past the hold, a turn whose `ended` was lost no longer counts.
            #expect(try await store.hasOpenTurn(project: project, since: self.now.addingTimeInterval(1)) == false)

            // An `ended` filed under another project does not close this project's turn.
            let foreign = "turn-\(UUID().uuidString)"
            _ = try await store.claimTurn(self.turn(foreign, .started, project: other))
            _ = try await store.claimTurn(self.turn(id, .ended, project: other, offset: 30))
            #expect(try await store.hasOpenTurn(project: project, since: holdStart))

            let closing = "turn-\(UUID().uuidString)"
            _ = try await store.claimTurn(self.turn(closing, .started, project: other, offset: 40))
            _ = try await store.claimTurn(self.turn(foreign, .ended, project: other, offset: 50))
            _ = try await store.claimTurn(self.turn(closing, .ended, project: other, offset: 60))
            #expect(try await store.hasOpenTurn(project: other, since: holdStart) == false)
        }
    }

    @Test("an ended that arrives before its started leaves no open turn", arguments: StoreBackend.allCases)
    func endedFirst(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            let id = "turn-\(UUID().uuidString)"
            _ = try await store.claimTurn(self.turn(id, .ended, project: project))
            _ = try await store.claimTurn(self.turn(id, .started, project: project, offset: 1))
            #expect(try await store.hasOpenTurn(project: project, since: self.now.addingTimeInterval(-60)) == false)
        }
    }
}

/// Chat turns of workspace `acme`, slug `app`, received `offset` seconds after the suite's `now`.
protocol TurnFixture {
    var now: Date { get }
}

extension TurnFixture {
    func turn(_ id: String, _ phase: ChatTurnPhase, project: ProjectID, offset: TimeInterval = 0) -> ChatTurn {
        ChatTurn(
            workspace: WorkspaceSlug(trusted: "acme"), project: project, slug: ProjectSlug(trusted: "app"),
            turn: TurnID(trusted: id), phase: phase, receivedAt: self.now.addingTimeInterval(offset)
        )
    }
}
