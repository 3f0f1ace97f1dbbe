import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Storage
import Testing

/// Coolify's status lags the containers (its server check runs about once a minute), so the reconciler and the
/// webhook processor believe a stop only past the grace after a start and when `docker ps` on the real sshd confirms
/// it; a provisioning container that answers runs, whatever Coolify's status says.
@Suite("Stale Coolify statuses")
struct StaleStatusTests {
    static let grace = LifecycleSettings(sshConfigured: true).staleStatusGrace.timeInterval

    /// Moves the docker stand-in's container of `service` aside, as `docker rm` after a real stop would.
    static func removeContainer(_ service: ServiceUUID, of peer: SSHTestPeer) throws {
        let root = URL(fileURLWithPath: peer.dockerRoot)
        try FileManager.default.moveItem(
            at: root.appendingPathComponent("vibn-dev-\(service)"), to: root.appendingPathComponent(".gone-vibn-dev-\(service)")
        )
    }

    @Test("after a resume, a stale exited changes nothing: within the grace, and past it while docker shows the container; a confirmed stop suspends")
    func staleExitedAfterResume() async throws {
        try await IdleSweepFixture.with { fixture, _ in
            let project = ProjectID(trusted: "proj_1")
            let uuid = try await fixture.running(project)
            let reconciler = try #require(fixture.gateway.reconciler)
            _ = try await fixture.lifecycle.suspend(workspace: IdleSweepFixture.workspace, project: project)
            await fixture.standIn.setStartLag(.seconds(600))
            _ = try await fixture.lifecycle.resume(workspace: IdleSweepFixture.workspace, project: project)
            #expect(await fixture.standIn.service(uuid.rawValue)?.status == "exited")

            await reconciler.reconcileOnce(includeRunning: true)
            #expect(try await fixture.app.store.container(project)?.state == .running)
            fixture.clock.advance(by: Self.grace + 1)
            await reconciler.reconcileOnce(includeRunning: true)
            #expect(try await fixture.app.store.container(project)?.state == .running)
            // A stop report that docker contradicts is not believed either.
            let webhooks = try #require(fixture.gateway.webhooks)
            let report = #"{"event":"container_stopped","container_name":"vibn-dev-\#(uuid)"}"#
            await webhooks.process(WebhookDelivery(
                digest: "stale-\(uuid)", event: CoolifyWebhookPayload.event(from: Array(report.utf8)), receivedAt: fixture.clock.now
            ))
            #expect(try await fixture.app.store.container(project)?.state == .running)
            #expect(try await fixture.app.store.diagnostics(project).coolifyStatus == "exited")

            try Self.removeContainer(uuid, of: fixture.peer)
            await reconciler.reconcileOnce(includeRunning: true)
            #expect(try await fixture.app.store.container(project)?.state == .suspended)
        }
    }

    @Test("a provisioning container that answers runs though Coolify still says exited, past the grace too; one that does not fails")
    func provisioningAnswers() async throws {
        try await IdleSweepFixture.with { fixture, _ in
            await fixture.standIn.setStartLag(.seconds(600))
            let reconciler = try #require(fixture.gateway.reconciler)
            let answering = ProjectID(trusted: "proj_answers")
            let silent = ProjectID(trusted: "proj_silent")
            var services: [ServiceUUID] = []
            for (project, slug) in [(answering, "app"), (silent, "other")] {
                let outcome = try await fixture.lifecycle.ensure(
                    EnsureRequest(workspace: IdleSweepFixture.workspace, project: project, slug: ProjectSlug(trusted: slug))
                )
                services.append(try ServiceUUID(validating: outcome.serviceUuid ?? ""))
            }
            #expect(await fixture.standIn.service(services[0].rawValue)?.status == "exited")
            try fixture.peer.makeContainer(named: "vibn-dev-\(services[0])")
            fixture.clock.advance(by: LifecycleSettings(sshConfigured: true).provisioningGrace.timeInterval + 1)
            await reconciler.reconcileOnce(includeRunning: false)
            #expect(try await fixture.app.store.container(answering)?.state == .running)
            #expect(try await fixture.app.store.container(silent)?.state == .failed)
            #expect(try await fixture.app.store.diagnostics(silent).blockedReason == "coolify_deploy_failed")
        }
    }

    @Test("a suspend Coolify answers 'already stopped' from a stale status while docker shows the container is a 503 that changes nothing")
    func stopRefusedAsStale() async throws {
        try await IdleSweepFixture.with { fixture, _ in
            let project = ProjectID(trusted: "proj_1")
            let uuid = try await fixture.running(project)
            _ = try await fixture.lifecycle.suspend(workspace: IdleSweepFixture.workspace, project: project)
            await fixture.standIn.setStartLag(.seconds(600))
            _ = try await fixture.lifecycle.resume(workspace: IdleSweepFixture.workspace, project: project)
            let refused = await #expect(throws: GatewayError.self) {
                try await fixture.lifecycle.suspend(workspace: IdleSweepFixture.workspace, project: project)
            }
            #expect(refused?.code.rawValue == "coolify_status_stale" && refused?.retryAfterSeconds == 60)
            #expect(try await fixture.app.store.container(project)?.state == .running)
            // Once Coolify's check has seen the container, the stop is taken.
            await fixture.standIn.setStatus(uuid.rawValue, "running:healthy")
            let suspended = try await fixture.lifecycle.suspend(workspace: IdleSweepFixture.workspace, project: project)
            #expect(suspended.state == "suspended")
            #expect(await fixture.standIn.service(uuid.rawValue)?.status == "exited")
        }
    }
}
