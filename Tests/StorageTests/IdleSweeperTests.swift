import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The idle sweeper on both store backends and the Coolify stand-in: what it suspends, what an open turn holds,
/// and one replica at a time on PostgreSQL.
@Suite("IdleSweeper")
struct IdleSweeperTests {
    @Test("idle running containers are suspended, recent and turn-held ones are left", arguments: StoreBackend.allCases)
    func sweep(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture in
            let sweeper = IdleSweeper(lifecycle: fixture.lifecycle, turnHoldMinutes: 120)
            let (idle, held, recent) = (uniqueProject(), uniqueProject(), uniqueProject())
            for project in [idle, held] { try await self.running(project, fixture) }
            _ = try await fixture.store.claimTurn(ChatTurn(
                workspace: fixture.workspace, project: held, slug: ProjectSlug(trusted: "app"), turn: TurnID(trusted: "t-\(held)"),
                phase: .started, receivedAt: fixture.clock.now
            ))
            fixture.clock.advance(by: 45 * 60)
            try await self.running(recent, fixture)
            let result = try await sweeper.sweep(idleMinutes: 30)
            #expect(result.scanned == 2)
            #expect(result.suspended.map(\.projectId) == [idle.rawValue])
            #expect(result.held == [held.rawValue])
            #expect(result.errors.isEmpty)
            #expect(try await fixture.record(idle).state == .suspended)
            #expect(try await fixture.record(held).state == .running)
            #expect(try await fixture.record(recent).state == .running)
        }
    }

    @Test("on PostgreSQL a sweep while another replica holds the lock does nothing and says skipped")
    func skippedWhileLocked() async throws {
        try await LifecycleFixture.with(.postgres) { fixture in
            let sweeper = IdleSweeper(lifecycle: fixture.lifecycle)
            let project = uniqueProject()
            try await self.running(project, fixture)
            fixture.clock.advance(by: 45 * 60)
            let result = try await fixture.store.withLeaderLock(.idleSweep) { try await sweeper.sweep(idleMinutes: 30) }
            #expect(result == .skippedByAnotherReplica)
            #expect(try await fixture.record(project).state == .running)
            #expect(try await sweeper.sweep(idleMinutes: 30).suspended.map(\.projectId) == [project.rawValue])
        }
    }

    /// Provisions `project` through the stand-in and marks it running.
    func running(_ project: ProjectID, _ fixture: LifecycleFixture) async throws {
        _ = try await fixture.lifecycle.ensure(fixture.request(project))
        _ = try await fixture.store.transitionContainer(project, from: .provisioning, to: .running, at: fixture.clock.now)
    }
}
