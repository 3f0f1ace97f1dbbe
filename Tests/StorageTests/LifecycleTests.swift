import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The container lifecycle on both store backends against the Coolify stand-in.
@Suite("Lifecycle")
struct LifecycleTests {
    @Test("fifty concurrent ensures of one project create exactly one Coolify service", arguments: StoreBackend.allCases)
    func concurrentEnsures(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let outcomes = try await withThrowingTaskGroup(of: EnsureOutcome.self) { group in
                for _ in 0..<50 { group.addTask { try await fixture.lifecycle.ensure(request) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(await fixture.creates() == 1)
            #expect(outcomes.filter(\.created).count == 1)
            let uuid = try await fixture.service(request.project)
            #expect(outcomes.allSatisfy { $0.serviceUuid == uuid })
            #expect(await fixture.standIn.services().count == 1)
        }
    }

    @Test("an existing row is returned; a suspended one is resumed when start is asked", arguments: StoreBackend.allCases)
    func existing(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let first = try await fixture.lifecycle.ensure(request)
            #expect(first.created && first.state == "provisioning")
            let again = try await fixture.lifecycle.ensure(request)
            #expect(!again.created && again.serviceUuid == first.serviceUuid)
            let suspended = try await fixture.lifecycle.suspend(workspace: request.workspace, project: request.project)
            #expect(suspended.state == "suspended")
            #expect(await fixture.standIn.service(first.serviceUuid!)?.status == "exited")
            let resumed = try await fixture.lifecycle.ensure(request)
            #expect(resumed.state == "running" && !resumed.created)
            #expect(await fixture.standIn.service(first.serviceUuid!)?.status == "running:unknown")
            #expect(await fixture.creates() == 1)
        }
    }

    @Test("the quota counts provisioning and running containers; suspending one frees a place", arguments: StoreBackend.allCases)
    func quota(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend, quota: 1) { fixture throws in
            let first = fixture.request()
            _ = try await fixture.lifecycle.ensure(first)
            let second = fixture.request(slug: "other")
            let refused = await #expect(throws: GatewayError.self) { try await fixture.lifecycle.ensure(second) }
            #expect(refused?.code.rawValue == "quota_exceeded" && refused?.kind == .quotaExceeded)
            #expect(refused?.hint?.contains("suspend") == true)
            #expect(try await fixture.store.container(second.project) == nil)
            _ = try await fixture.lifecycle.suspend(workspace: first.workspace, project: first.project)
            _ = try await fixture.lifecycle.ensure(second)
            let resume = await #expect(throws: GatewayError.self) {
                try await fixture.lifecycle.resume(workspace: first.workspace, project: first.project)
            }
            #expect(resume?.code.rawValue == "quota_exceeded")
            let stopped = try await fixture.lifecycle.ensure(fixture.request(slug: "third", start: false))
            #expect(stopped.state == "suspended" && stopped.created)
        }
    }

    @Test("without SSH, ensure refuses with ssh_not_configured and reserves nothing", arguments: StoreBackend.allCases)
    func withoutSSH(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend, sshConfigured: false) { fixture throws in
            let request = fixture.request()
            let error = await #expect(throws: GatewayError.self) { try await fixture.lifecycle.ensure(request) }
            #expect(error == .sshNotConfigured)
            #expect(try await fixture.store.container(request.project) == nil)
            #expect(await fixture.creates() == 0)
        }
    }

    @Test("a create Coolify refuses fails the row with coolify_create_failed; a retry creates one", arguments: StoreBackend.allCases)
    func refusedCreate(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            await fixture.standIn.inject(.rateLimited(retryAfterSeconds: 120), pathPrefix: "/services")
            let error = await #expect(throws: OrchestratorError.self) { try await fixture.lifecycle.ensure(request) }
            #expect(error?.error.code.rawValue == "coolify_rate_limited" && error?.outcome == .refused)
            let status = try await fixture.lifecycle.status(workspace: request.workspace, project: request.project)
            #expect(status.state == "failed")
            #expect(status.blockedReason == "coolify_create_failed")
            let retried = try await fixture.lifecycle.ensure(request)
            #expect(retried.created && retried.state == "provisioning" && retried.serviceUuid != nil)
            #expect(try await fixture.store.diagnostics(request.project).blockedReason == nil)
        }
    }

    @Test("status maps every Coolify status: self-heal, likelyFailed, crash to suspended, failed deploy", arguments: StoreBackend.allCases)
    func statusMapping(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let request = fixture.request()
            let uuid = try #require(try await fixture.lifecycle.ensure(request).serviceUuid)
            let (workspace, project) = (request.workspace, request.project)

            var status = try await fixture.lifecycle.status(workspace: workspace, project: project)
            #expect(status.state == "provisioning" && status.likelyFailed == false)
            #expect(status.blockedReason == "coolify_ssh_not_configured")
            // Past the grace still `starting:*`: the start never finished, and the row fails with that reason.
            fixture.clock.advance(by: 121)
            status = try await fixture.lifecycle.status(workspace: workspace, project: project)
            #expect(status.state == "failed" && status.blockedReason == "coolify_start_timed_out")
            #expect(status.likelyFailed == true && status.coolifyStatus == "starting:unknown")
            #expect(status.blockedHint?.contains("starting:unknown") == true)

            // A retry starts the grace again (from the retry, not the creation), and the service is reused.
            let retry = try await fixture.lifecycle.ensure(request)
            #expect(retry.state == "provisioning" && !retry.created && retry.serviceUuid == uuid)
            await fixture.standIn.setStatus(uuid, "starting:unknown")
            status = try await fixture.lifecycle.status(workspace: workspace, project: project)
            #expect(status.state == "provisioning" && status.likelyFailed == false)

            await fixture.standIn.setStatus(uuid, "running:unknown")
            status = try await fixture.lifecycle.status(workspace: workspace, project: project)
            #expect(status.state == "running" && status.selfHealed == true)

            // Right after a start Coolify's `exited` is stale: believed only past the grace.
            await fixture.standIn.setStatus(uuid, "exited")
            await fixture.reconciler.reconcileOnce(includeRunning: true)
            #expect(try await fixture.record(project).state == .running)
            fixture.clock.advance(by: LifecycleSettings(sshConfigured: true).staleStatusGrace.timeInterval + 1)
            await fixture.reconciler.reconcileOnce(includeRunning: true)
            #expect(try await fixture.record(project).state == .suspended)

            _ = try await fixture.lifecycle.resume(workspace: workspace, project: project)
            await fixture.standIn.setStatus(uuid, "degraded:unhealthy")
            await fixture.reconciler.reconcileOnce(includeRunning: true)
            status = try await fixture.lifecycle.status(workspace: workspace, project: project)
            #expect(status.state == "failed" && status.blockedReason == "coolify_deploy_failed")
            #expect(status.coolifyStatus == "degraded:unhealthy")
            #expect(status.blockedHint?.contains("degraded:unhealthy") == true)

            let retried = try await fixture.lifecycle.ensure(request)
            #expect(retried.state == "provisioning" && !retried.created && retried.serviceUuid == uuid)
            #expect(await fixture.creates() == 1)
        }
    }
}
