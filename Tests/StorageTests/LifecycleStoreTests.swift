import Foundation
import GatewayCore
import Testing

/// The lifecycle's store operations, run unchanged against SQLite and PostgreSQL.
@Suite("Lifecycle store")
struct LifecycleStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("diagnostics round-trip; a row is found by its service uuid", arguments: StoreBackend.allCases)
    func diagnostics(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let project = uniqueProject()
            #expect(try await store.diagnostics(project) == ContainerDiagnostics())
            _ = try await store.reserveContainer(
                ContainerReservation(projectID: project, workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "app"), image: "i"),
                at: self.now
            )
            let diagnostics = ContainerDiagnostics(blockedReason: "coolify_deploy_failed", coolifyStatus: "degraded:unhealthy")
            try await store.setDiagnostics(diagnostics, for: project)
            #expect(try await store.diagnostics(project) == diagnostics)
            try await store.setDiagnostics(ContainerDiagnostics(), for: project)
            #expect(try await store.diagnostics(project) == ContainerDiagnostics())
            let uuid = ServiceUUID(trusted: "svc" + project.rawValue.lowercased().replacingOccurrences(of: "_", with: ""))
            #expect(try await store.container(service: uuid) == nil)
            _ = try await store.recordServiceUUID(uuid, for: project)
            #expect(try await store.container(service: uuid)?.projectID == project)
            try await store.recordDeployment(CoolifyDeployment(applicationUUID: "app1", deploymentUUID: nil, succeeded: false, receivedAt: self.now))
        }
    }

    @Test("a delivery is pending with its event until finished; its digest is claimed once within its TTL, again after it expired and was applied", arguments: StoreBackend.allCases)
    func claimDelivery(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let digest = UUID().uuidString
            func delivery(at offset: TimeInterval) -> WebhookDelivery {
                WebhookDelivery(digest: digest, event: .serverUnreachable(serverUUID: "srv1"), receivedAt: self.now.addingTimeInterval(offset))
            }
            #expect(try await store.claimDelivery(delivery(at: 0), ttl: .seconds(60)))
            #expect(try await !store.claimDelivery(delivery(at: 59), ttl: .seconds(60)))
            #expect(try await store.pendingDeliveries(limit: 10) == [delivery(at: 0)])
            // Expired but never applied: still pending, still a replay.
            #expect(try await !store.claimDelivery(delivery(at: 61), ttl: .seconds(60)))
            try await store.finishDelivery(digest: digest, at: self.now.addingTimeInterval(62))
            #expect(try await store.pendingDeliveries(limit: 10).isEmpty)
            #expect(try await store.claimDelivery(delivery(at: 63), ttl: .seconds(60)))
        }
    }

    @Test("each leader lock admits one holder at a time on PostgreSQL, locks are independent; SQLite always runs the body")
    func reconcilerLock() async throws {
        try await LifecycleFixture.withIsolatedStore(.postgres) { store throws in
            let inner = try await store.withLeaderLock(.reconciler) {
                try await store.withLeaderLock(.reconciler) { "second" }
            }
            #expect(inner == .some(nil))
            let other = try await store.withLeaderLock(.reconciler) {
                try await store.withLeaderLock(.idleSweep) { "other job" }
            }
            #expect(other == "other job")
            #expect(try await store.withLeaderLock(.reconciler) { "again" } == "again")
        }
        try await LifecycleFixture.withIsolatedStore(.sqlite) { store throws in
            #expect(try await store.withLeaderLock(.reconciler) { 1 } == 1)
        }
    }
}
