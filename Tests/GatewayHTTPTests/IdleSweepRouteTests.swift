import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing

/// The idle sweep: `POST /v1/sweeps/idle` and the periodic service, on the Coolify stand-in and the real sshd.
@Suite("Idle sweep")
struct IdleSweepRouteTests {
    @Test("an idle running container is autosaved, then suspended; a recent one is left; errors are per project")
    func sweep() async throws {
        try await IdleSweepFixture.with { fixture, client in
            let idle = ProjectID(trusted: "idle_1")
            let recent = ProjectID(trusted: "recent_1")
            let lost = ProjectID(trusted: "lost_1")
            let idleService = try await fixture.running(idle)
            let origin = try await fixture.makeRepository(in: idleService)
            let lostService = try await fixture.running(lost)
            await fixture.standIn.removeService(lostService.rawValue)
            fixture.clock.advance(by: 31 * 60)
            try await fixture.running(recent)
            let response = try await client.sweepIdle(nil)
            #expect(response.status == .ok)
            let result = try JSONDecoder().decode(IdleSweepResult.self, from: Data(response.body.readableBytesView))
            #expect(result.scanned == 2)
            #expect(result.suspended.map(\.projectId) == ["idle_1"])
            #expect(result.suspended.first.map { (30...31).contains($0.idleMin) } == true)
            #expect(result.errors.map(\.projectId) == ["lost_1"])
            #expect(result.errors.first?.error.contains("coolify") == true)
            #expect(result.skipped == false)
            #expect(try await fixture.app.store.container(idle)?.state == .suspended)
            #expect(try await fixture.app.store.container(recent)?.state == .running)
            #expect(await fixture.standIn.count("POST", "/services/\(idleService)/stop") == 1)
            let saved = try #require(try await fixture.app.store.lastPushedAutosave(project: idle))
            #expect(try await fixture.autosaveBranch(origin, service: idleService) == saved.commit)
        }
    }

    @Test("a container inside an open chat turn is held until its turn ends or the hold runs out")
    func openTurn() async throws {
        try await IdleSweepFixture.with(turnHoldMinutes: 60) { fixture, _ in
            let busy = ProjectID(trusted: "busy_1")
            let closed = ProjectID(trusted: "closed_1")
            try await fixture.running(busy)
            try await fixture.running(closed)
            let store = fixture.app.store
            // Turns as they are once applied (claimed and finished), so the gateway's own worker leaves them be.
            for (id, phase, project) in [("t-busy", ChatTurnPhase.started, "busy_1"), ("t-closed", .started, "closed_1"), ("t-closed", .ended, "closed_1")] {
                let turn = ChatTurnFixture.turn(id, phase, project: project, at: fixture.clock.now)
                _ = try await store.claimTurn(turn)
                _ = try await store.finishTurn(turn, outcome: .applied, at: fixture.clock.now)
            }
            fixture.clock.advance(by: 31 * 60)
            let first = try await fixture.sweeper.sweep(idleMinutes: 30)
            #expect(first.held == ["busy_1"])
            #expect(first.suspended.map(\.projectId) == ["closed_1"])
            #expect(try await store.container(busy)?.state == .running)
            // The turn's `ended` was lost: past the hold, the container is swept like any other.
            fixture.clock.advance(by: 30 * 60)
            let second = try await fixture.sweeper.sweep(idleMinutes: 30)
            #expect(second.held.isEmpty)
            #expect(second.suspended.map(\.projectId) == ["busy_1"])
            // 61 minutes, less whatever the stored timestamp lost to rounding.
            #expect(second.suspended.first.map { (60...61).contains($0.idleMin) } == true)
        }
    }

    @Test("the sweeper service sweeps on its own every interval")
    func service() async throws {
        try await IdleSweepFixture.with(sweepInterval: .milliseconds(20)) { fixture, _ in
            let project = ProjectID(trusted: "proj_1")
            try await fixture.running(project)
            fixture.clock.advance(by: 31 * 60)
            try await eventually("the container suspended", within: .seconds(60)) { try await fixture.app.store.container(project)?.state == .suspended }
            #expect(try await fixture.app.store.container(project)?.state == .suspended)
        }
    }

    @Test("idleMinutes outside 0...10080 is 400; without Coolify the sweep is 503")
    func refusals() async throws {
        try await IdleSweepFixture.with { _, client in
            for body in [#"{"idleMinutes":-1}"#, #"{"idleMinutes":10081}"#, #"{"idleMinutes":"x"}"#] {
                let response = try await client.sweepIdle(body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorBody().error.code == "invalid_idle_minutes", "\(body)")
            }
            let zero = try await client.sweepIdle(#"{"idleMinutes":0}"#)
            #expect(zero.status == .ok)
            #expect(try zero.json()["scanned"] as? Int == 0)
            let wrongMethod = try await client.execute(uri: "/v1/sweeps/idle", method: .get, headers: TestApp.authorized)
            #expect(wrongMethod.status == .methodNotAllowed)
        }
        try await TestApp.make().test { client throws in
            let response = try await client.sweepIdle("{}")
            #expect(response.status == .serviceUnavailable)
            #expect(try response.errorBody().error.code == "coolify_not_configured")
        }
    }
}
