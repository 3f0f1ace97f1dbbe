import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The reconciler and the Coolify webhook processor on both store backends.
@Suite("Lifecycle reconciler and webhooks")
struct LifecycleReconcilerTests {
    @Test("a crash between reserve and record is healed: the service Coolify has is adopted, never a second one",
          arguments: StoreBackend.allCases)
    func adoptAfterCrash(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            // The ensure that crashed: it reserved the row and created the service, then died before recording it.
            let request = fixture.request()
            let reservation = ContainerReservation(
                projectID: request.project, workspace: request.workspace, projectSlug: request.slug, image: "vibn-dev:latest"
            )
            _ = try await fixture.store.reserveContainer(reservation, at: fixture.clock.now)
            let identity = ServiceIdentity(project: request.project, workspace: request.workspace, projectSlug: request.slug)
            let created = try await fixture.lifecycle.orchestrator.createService(
                ServiceSpec(identity: identity, displayName: "app", compose: "a: 1", instantDeploy: true)
            )
            #expect(await fixture.reconciler.reconcileOnce(includeRunning: false).adopted == 0)
            fixture.clock.advance(by: 121)
            #expect(await fixture.reconciler.reconcileOnce(includeRunning: false).adopted == 1)
            #expect(try await fixture.record(request.project).serviceUUID == created)
            let again = try await fixture.lifecycle.ensure(request)
            #expect(again.serviceUuid == created.rawValue && !again.created)
            #expect(await fixture.creates() == 1)
        }
    }

    @Test("the reconciler Service polls on its own until cancelled", arguments: StoreBackend.allCases)
    func runsAsService(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let uuid = try #require(try await fixture.lifecycle.ensure(request).serviceUuid)
            await fixture.standIn.setStatus(uuid, "running:healthy")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await fixture.reconciler.run() }
                defer { group.cancelAll() }
                // The claim is that it polls by itself, not how fast: the whole suite on two cores can delay a pass.
                let deadline = ContinuousClock.now + .seconds(30)
                while try await fixture.record(request.project).state != .running, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            #expect(try await fixture.record(request.project).state == .running)
        }
    }

    @Test("a crashed reservation with no service in Coolify fails with a reason; the next ensure creates one",
          arguments: StoreBackend.allCases)
    func failLostReservation(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            _ = try await fixture.store.reserveContainer(
                ContainerReservation(projectID: request.project, workspace: request.workspace, projectSlug: request.slug, image: "i"),
                at: fixture.clock.now
            )
            fixture.clock.advance(by: 121)
            await fixture.reconciler.reconcileOnce(includeRunning: false)
            #expect(try await fixture.record(request.project).state == .failed)
            #expect(try await fixture.store.diagnostics(request.project).blockedReason == "coolify_create_failed")
            #expect(try await fixture.lifecycle.ensure(request).created)
            #expect(await fixture.creates() == 1)
        }
    }

    @Test("a create whose answer is lost leaves the row to the reconciler, which adopts the service",
          arguments: StoreBackend.allCases)
    func lostCreateAnswer(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend, clientTimeout: .seconds(1)) { fixture throws in
            let request = fixture.request()
            await fixture.standIn.inject(.stall(.seconds(3)), pathPrefix: "/services")
            let error = await #expect(throws: OrchestratorError.self) { try await fixture.lifecycle.ensure(request) }
            #expect(error?.error.code.rawValue == "coolify_timeout" && error?.outcome == .unknown)
            #expect(try await fixture.record(request.project).state == .provisioning)
            #expect(try await fixture.record(request.project).serviceUUID == nil)
            #expect(await fixture.standIn.services().count == 1)
            fixture.clock.advance(by: 121)
            #expect(await fixture.reconciler.reconcileOnce(includeRunning: false).adopted == 1)
            #expect(try await fixture.record(request.project).serviceUUID != nil)
            #expect(await fixture.creates() == 1)
        }
    }

    @Test("a service deleted in Coolify fails the row with coolify_service_missing", arguments: StoreBackend.allCases)
    func serviceMissing(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let uuid = try #require(try await fixture.lifecycle.ensure(request).serviceUuid)
            await fixture.standIn.removeService(uuid)
            await fixture.reconciler.reconcileOnce(includeRunning: true)
            #expect(try await fixture.record(request.project).state == .failed)
            #expect(try await fixture.store.diagnostics(request.project).blockedReason == "coolify_service_missing")
        }
    }

    @Test("webhooks: container_stopped suspends only when Coolify confirms it past the grace; replays and unknown events change nothing",
          arguments: StoreBackend.allCases)
    func webhooks(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let uuid = try #require(try await fixture.lifecycle.ensure(request).serviceUuid)
            await fixture.standIn.setStatus(uuid, "running:healthy")
            await fixture.reconciler.reconcileOnce(includeRunning: false)
            #expect(try await fixture.record(request.project).state == .running)
            let processor = try #require(fixture.gateway.webhooks)
            func deliver(_ body: String, digest: String) async {
                await processor.process(WebhookDelivery(digest: digest, event: CoolifyWebhookPayload.event(from: Array(body.utf8)), receivedAt: fixture.clock.now))
            }
            let stopped = #"{"success":false,"event":"container_stopped","container_name":"vibn-dev-\#(uuid)","server_uuid":"x"}"#
            // Coolify says it runs: the report is not believed.
            await deliver(stopped, digest: "contradicted-" + uuid)
            #expect(try await fixture.record(request.project).state == .running)
            // Coolify says exited, but the container started moments ago: the status may be stale.
            await fixture.standIn.setStatus(uuid, "exited")
            await deliver(stopped, digest: "early-" + uuid)
            #expect(try await fixture.record(request.project).state == .running)
            let grace = LifecycleSettings(sshConfigured: true).staleStatusGrace.timeInterval
            fixture.clock.advance(by: grace + 1)
            let digest = "stop-" + uuid
            await deliver(stopped, digest: digest)
            #expect(try await fixture.record(request.project).state == .suspended)
            _ = try await fixture.lifecycle.resume(workspace: request.workspace, project: request.project)
            fixture.clock.advance(by: grace + 1)
            await fixture.standIn.setStatus(uuid, "exited")
            await deliver(stopped, digest: digest)
            #expect(try await fixture.record(request.project).state == .running)
            await deliver(#"{"event":"something_new","a":[1,{"b":null}]}"#, digest: "unknown-" + uuid)
            await deliver("\u{0}garbage", digest: "garbage-" + uuid)
            await deliver(#"{"event":"deployment_failed","application_uuid":"k0sw8c4gcs0o4c8ww4wgk0co","deployment_uuid":"d-\#(uuid)"}"#,
                          digest: "deploy-" + uuid)
            #expect(try await fixture.record(request.project).state == .running)
        }
    }

    @Test("server_unreachable pauses reconciliation; server_reachable resumes it at once", arguments: StoreBackend.allCases)
    func serverReachability(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let uuid = try #require(try await fixture.lifecycle.ensure(request).serviceUuid)
            let processor = try #require(fixture.gateway.webhooks)
            let server = fixture.standIn.serverUUID
            await processor.process(WebhookDelivery(digest: "down-" + uuid, event: .serverUnreachable(serverUUID: server), receivedAt: fixture.clock.now))
            #expect(try await fixture.store.diagnostics(request.project).coolifyStatus == "server:unreachable")
            await fixture.standIn.setStatus(uuid, "running:healthy")
            #expect(await fixture.reconciler.reconcileOnce(includeRunning: true).skipped)
            #expect(try await fixture.record(request.project).state == .provisioning)
            await processor.process(WebhookDelivery(digest: "up-" + uuid, event: .serverReachable(serverUUID: server), receivedAt: fixture.clock.now))
            #expect(try await fixture.record(request.project).state == .running)
        }
    }
}
